// Checks shared by every construct's constructor: each throws a PatternError that names the prop.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A DNS-1123 label: what Service, Namespace and most object names must be. */
export function checkDnsLabel(scope: IConstruct | string, prop: string, value: string, maxLength = 63): void {
  if (typeof value !== 'string' || value.length > maxLength || !DNS_LABEL.test(value)) {
    throw PatternError.invalidProp(scope, prop, value,
      `must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most ${maxLength} characters`);
  }
}

/** A DNS-1123 subdomain, e.g. a host name. */
export function checkDnsSubdomain(scope: IConstruct | string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 253 || !DNS_SUBDOMAIN.test(value)) {
    throw PatternError.invalidProp(scope, prop, value,
      'must be a DNS-1123 subdomain: dot-separated labels of lower-case letters, digits and \'-\', at most 253 characters');
  }
}

/** An integer within an inclusive range. */
export function checkInteger(scope: IConstruct | string, prop: string, value: number, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw PatternError.invalidProp(scope, prop, value, `must be an integer from ${min} to ${max}`);
  }
}

/** A TCP/UDP port number. */
export function checkPort(scope: IConstruct | string, prop: string, value: number): void {
  checkInteger(scope, prop, value, 1, 65535);
}

/** A port name as Kubernetes requires it (IANA_SVC_NAME). */
export function checkPortName(scope: IConstruct | string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 15 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value) || !/[a-z]/.test(value) || value.includes('--')) {
    throw PatternError.invalidProp(scope, prop, value,
      'must be an IANA service name: at most 15 lower-case letters, digits and single \'-\', with at least one letter');
  }
}

/**
 * Keys that JavaScript objects cannot carry as plain data: `__proto__` is dropped (or replaces the prototype) when
 * copied, `constructor` makes cdk8s refuse to render the object. Refused wherever a map's key becomes a field.
 */
const UNRENDERABLE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const UNRENDERABLE_EXPECTED = 'cannot be a key: JavaScript objects drop `__proto__` and cdk8s cannot render `constructor` or `prototype`; choose another name';

/** Throws when a map key could not survive as plain data (see UNRENDERABLE_KEYS). */
export function checkRenderableKey(scope: IConstruct | string, prop: string, key: string): void {
  if (UNRENDERABLE_KEYS.has(key)) {
    throw PatternError.invalidProp(scope, prop, key, UNRENDERABLE_EXPECTED);
  }
}

/** An environment variable name as Kubernetes accepts it (C identifier style, which every shell reads). */
export function checkEnvName(scope: IConstruct | string, prop: string, value: string): void {
  checkRenderableKey(scope, prop, value);
  if (typeof value !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
    throw PatternError.invalidProp(scope, prop, value,
      'must be a valid environment variable name: letters, digits and \'_\', not starting with a digit');
  }
}

/**
 * A container image reference that pins a version: a tag other than `latest`, or a digest.
 * @see https://kubernetes.io/docs/concepts/containers/images/#image-names
 */
export function checkPinnedImage(scope: IConstruct | string, prop: string, image: string): void {
  const expected = 'must name a pinned version: a tag other than "latest" (e.g. "nginx:1.27.3") or a digest ("image@sha256:…")';
  if (typeof image !== 'string' || image.length === 0 || /\s/.test(image)) {
    throw PatternError.invalidProp(scope, prop, image, expected);
  }
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  if (tag === '' || tag === 'latest' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) {
    throw PatternError.invalidProp(scope, prop, image, expected);
  }
}

/** Throws when a list holds the same key twice. */
export function checkUnique(scope: IConstruct | string, prop: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) {
      throw PatternError.invalidProp(scope, prop, key, 'appears twice: each name must be unique');
    }
    seen.add(key);
  }
}

/**
 * A duration in whole seconds, at least `min` (what Kubernetes and nginx fields take); returns the seconds. A value
 * that is not a cdk8s Duration (a JavaScript caller's number or string) is refused as clearly as a fraction.
 */
export function checkWholeSeconds(scope: IConstruct | string, prop: string, duration: Duration, min = 0): number {
  if (!(duration instanceof Duration)) {
    throw PatternError.invalidProp(scope, prop, duration, 'must be a cdk8s Duration, e.g. Duration.seconds(30)');
  }
  const s = duration.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min) {
    throw PatternError.invalidProp(scope, prop, `${s}s`, `must be a whole number of seconds, ${min} or more`);
  }
  return s;
}

const ABSOLUTE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** An absolute path in a container's filesystem (a mount path) or of a URL, below `/`, without `..` steps. */
export function checkAbsolutePath(scope: IConstruct | string, prop: string, path: string, example = '/etc/config'): void {
  if (typeof path !== 'string' || !ABSOLUTE_PATH.test(path) || path.split('/').some((step) => step === '..')) {
    throw PatternError.invalidProp(scope, prop, path, `must be an absolute path such as "${example}"`);
  }
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A label value: at most 63 characters, alphanumeric at both ends. */
export function checkLabelValue(scope: IConstruct | string, prop: string, value: string): void {
  if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
    throw PatternError.invalidProp(scope, prop, value,
      'must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
  }
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** A label or annotation key: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
export function checkLabelKey(scope: IConstruct, prop: string, key: string): void {
  checkRenderableKey(scope, prop, key);
  const slash = typeof key === 'string' ? key.lastIndexOf('/') : -1;
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const validPrefix = prefix === undefined || (prefix.length <= 253 && DNS_SUBDOMAIN.test(prefix));
  if (typeof key !== 'string' || !validPrefix || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    throw PatternError.invalidProp(scope, prop, key,
      "must be a label key: an optional DNS subdomain prefix and '/', then at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit (e.g. \"example.com/team\")");
  }
}

const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** A key of a Secret or ConfigMap: letters, digits, '-', '_' and '.', at most 253, not `.` or `..`. */
export function checkDataKey(scope: IConstruct | string, prop: string, key: string, kind: 'Secret' | 'ConfigMap' = 'Secret'): void {
  checkRenderableKey(scope, prop, key);
  if (typeof key !== 'string' || !SECRET_KEY.test(key) || key === '.' || key === '..') {
    throw PatternError.invalidProp(scope, prop, key,
      `must be a ${kind} key: letters, digits, '-', '_' and '.', at most 253 characters, not "." or ".."`);
  }
}

/**
 * The guard at the top of every constructor, before anything is built: props must be an object and hold the
 * required keys (a JavaScript caller has no type checker to tell). Errors name the path the construct would have.
 */
export function checkProps(scope: IConstruct, id: string, props: unknown, required: readonly string[]): void {
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    throw PatternError.invalidProp(path, 'props', props, 'must be an object of props');
  }
  for (const key of required) {
    if ((props as Record<string, unknown>)[key] === undefined) {
      throw PatternError.invalidProp(path, key, undefined, 'is required');
    }
  }
  checkPlainDataKeys(path, 'props', props);
}

/**
 * Walks the plain objects and arrays of a props value (not constructs or class instances) and refuses a key that
 * cannot survive as data: config maps, settings, labels and the like all become Kubernetes fields.
 */
function checkPlainDataKeys(path: string, prop: string, value: unknown, depth = 0): void {
  if (depth > 8 || typeof value !== 'object' || value === null) return;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => checkPlainDataKeys(path, `${prop}[${i}]`, item, depth + 1));
  } else if (proto === Object.prototype || proto === null) {
    for (const key of Object.keys(value)) {
      const inner = prop === 'props' ? key : `${prop}.${key}`;
      if (UNRENDERABLE_KEYS.has(key)) {
        throw PatternError.invalidProp(path, inner, key, UNRENDERABLE_EXPECTED);
      }
      checkPlainDataKeys(path, inner, (value as Record<string, unknown>)[key], depth + 1);
    }
  }
}

/**
 * A prop that must be one of the kit's value types (built by its static factories): a JavaScript caller's plain
 * object would lack its methods. Returns the value (undefined stays undefined, for the default).
 */
export function checkValueOf<T>(scope: IConstruct | string, prop: string, value: T | undefined,
  type: { prototype: T }, factories: string): T | undefined {
  if (value === undefined || Object.prototype.isPrototypeOf.call(type.prototype, value as object)) return value;
  throw PatternError.invalidProp(scope, prop, value, `must be made with ${factories}`);
}
