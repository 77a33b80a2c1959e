// The string syntaxes the Kubernetes API server enforces (k8s.io/apimachinery validation), as plain predicates.
import { memoized } from '../private/memoized';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** The name part of a qualified name (label and annotation keys): alphanumerics with '-', '_', '.' inside. */
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const IANA_SVC_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LETTER = /[a-z]/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
/** An IANA zone name as tzdata spells it: '/'-separated capitalised parts (`America/New_York`, `Etc/GMT+5`). */
const ZONE_NAME = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)*$/;

/** The limits the API server applies. */
export const ApiLimits = {
  LABEL: 63,
  SUBDOMAIN: 253,
  /** The sum of every annotation's key and value lengths. */
  ANNOTATIONS_BYTES: 256 * 1024,
  /** ConfigMap data plus binaryData, and Secret data. */
  CONFIG_BYTES: 1024 * 1024,
  PORT_NAME: 15,
} as const;

/** A DNS-1123 label: at most 63 lower-case alphanumerics and '-', starting and ending with an alphanumeric. */
export function isDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length <= ApiLimits.LABEL && DNS_LABEL.test(value);
}

/** A DNS-1123 subdomain: dot-separated DNS labels, at most 253 characters. */
export function isDnsSubdomain(value: unknown): boolean {
  return typeof value === 'string' && value.length <= ApiLimits.SUBDOMAIN && DNS_SUBDOMAIN.test(value);
}

const qualifiedName = memoized((value) => {
  const slash = value.lastIndexOf('/');
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (slash >= 0 && !isDnsSubdomain(value.slice(0, slash))) return false;
  return name.length <= ApiLimits.LABEL && QUALIFIED_NAME_PART.test(name);
});

/** A qualified name (label or annotation key): an optional DNS-subdomain prefix and '/', then a name of at most 63. */
export function isQualifiedName(value: unknown): boolean {
  return typeof value === 'string' && qualifiedName(value);
}

const labelValue = memoized((value) => value.length <= ApiLimits.LABEL && QUALIFIED_NAME_PART.test(value));

/** A label value: empty, or at most 63 alphanumerics with '-', '_', '.' inside. */
export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || labelValue(value));
}

/** A ConfigMap or Secret key: alphanumerics, '-', '_', '.', at most 253, and not '.' or '..'. */
export function isConfigKey(value: unknown): boolean {
  return typeof value === 'string' && value.length <= ApiLimits.SUBDOMAIN && CONFIG_KEY.test(value) && value !== '.' && value !== '..';
}

/** A file path inside a volume: relative, without a '..' element. */
export function isRelativeVolumePath(value: unknown): boolean {
  if (typeof value !== 'string' || value === '' || value.startsWith('/')) return false;
  return !value.split('/').includes('..');
}

const portName = memoized((value) =>
  value.length <= ApiLimits.PORT_NAME && IANA_SVC_NAME.test(value) && LETTER.test(value) && !value.includes('--'));
/** A named port (IANA_SVC_NAME): at most 15 lower-case alphanumerics and single '-', with at least one letter. */
export function isPortName(value: unknown): boolean {
  return typeof value === 'string' && portName(value);
}


/** A port number: an integer from 1 to 65535. */
export function isPortNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

/** Whether a string is an IPv4 or IPv6 address (what host fields must not hold). */
export function isIpAddress(value: string): boolean {
  const v4 = IPV4.exec(value);
  if (v4) return v4.slice(1).every((octet) => Number(octet) <= 255);
  return value.includes(':') && /^[0-9A-Fa-f:.]+$/.test(value);
}

let zones: ReadonlySet<string> | undefined;

/**
 * An IANA time zone the API server and the CronJob controller can load: a tzdata name such as `Europe/Berlin`,
 * `UTC` or `Etc/UTC` (aliases such as `US/Eastern` too), never an offset or a lower-cased name.
 */
export function isTimeZone(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  zones ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  if (zones.has(value)) return true;
  if (!ZONE_NAME.test(value)) return false;
  // An alias (`US/Eastern`) that Intl knows; Intl ignores case, tzdata lookups do not, so a name Intl only
  // recognises by case-folding it is refused.
  try {
    const resolved = new Intl.DateTimeFormat('en', { timeZone: value }).resolvedOptions().timeZone;
    return resolved === value || resolved.toLowerCase() !== value.toLowerCase();
  } catch {
    return false;
  }
}

/** The byte length of a string in UTF-8, as the API server measures sizes. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
