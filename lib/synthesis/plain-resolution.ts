// An ApiObject to its JSON in one walk, byte for byte what its own toJson() returns, for the objects whose data is
// plain: cdk8s's generic resolution asks every resolver of the app about every value (and finds the app again for
// each), then sanitizes the result in a second walk; cdk8s-plus's typed classes then convert it a third time. Where
// nothing in an object needs that machinery, one walk does all three. Anything it cannot vouch for goes the whole
// way (docs/adr/0014-plain-resolution.md).
import { ApiObject, App, ImplicitTokenResolver, Lazy, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { restoresDroppedFieldsOnly } from '../pod/lifecycle';
import * as k8s from '../private/k8s';

/**
 * Field names cdk8s-plus-28's converters spell differently from their TypeScript names (`clusterIp` becomes
 * `clusterIP`); an object holding one anywhere takes its own toJson(). Read off `cdk8s-plus-28/lib/imports/k8s.js`;
 * test/synthesis/plain-resolution.test.ts reads it again and fails when a release changes the set.
 */
export const CONVERTED_FIELD_NAMES: ReadonlySet<string> = new Set([
  'clientIp', 'clusterIp', 'datasetUuid', 'diskUri', 'downwardApi', 'externalId', 'hostIp', 'hostIpc', 'hostPid',
  'insecureSkipTlsVerify', 'loadBalancerIp', 'nodeId', 'nonResourceUrLs', 'openApiv3Schema', 'pdId', 'podCidr',
  'podCidRs', 'providerId', 'ref', 'scaleIo', 'schema', 'setHostnameAsFqdn', 'storagePolicyId',
  'targetCpuUtilizationPercentage', 'targetWwNs', 'volumeId', 'xKubernetesEmbeddedResource',
  'xKubernetesIntOrString', 'xKubernetesListMapKeys', 'xKubernetesListType', 'xKubernetesMapType',
  'xKubernetesPreserveUnknownFields', 'xKubernetesValidations',
]);

/**
 * The typed classes whose conversion is, for plain data, sorting keys and unwrapping IntOrString and Quantity: the
 * kinds the kit builds. Their types hold no free-form (`any`) fields, where a converter would keep a wrapped value.
 */
const TYPED_CLASSES: ReadonlySet<Function> = new Set([
  k8s.KubeConfigMap, k8s.KubeCronJob, k8s.KubeDeployment, k8s.KubeHorizontalPodAutoscalerV2, k8s.KubeIngress,
  k8s.KubeJob, k8s.KubeLimitRange, k8s.KubeNamespace, k8s.KubeNetworkPolicy, k8s.KubePersistentVolumeClaim,
  k8s.KubePodDisruptionBudget, k8s.KubePriorityClass, k8s.KubeResourceQuota, k8s.KubeRole, k8s.KubeRoleBinding,
  k8s.KubeSecret, k8s.KubeService, k8s.KubeServiceAccount, k8s.KubeStatefulSet,
]);

/** Returned by the walk for a value it cannot vouch for: the object then takes its own toJson(). */
const UNSURE = Symbol('unsure');

interface WalkOptions {
  /** A typed class: IntOrString and Quantity become their bare value, renamed and `{ value }` fields are unsure. */
  readonly typed: boolean;
  /** Metadata: empty arrays and objects are dropped, as cdk8s sanitizes metadata. */
  readonly dropEmpty: boolean;
}

const defaultResolvers = new WeakMap<App, boolean>();

/**
 * The object's JSON, as `o.toJson()` returns it. Plain data of a cdk8s-plus-28 typed class of the kit's kinds, or
 * of a bare ApiObject, in an app with cdk8s's default resolvers and no JSON patches on the object, is resolved,
 * sanitized and converted in one walk; everything else (patches, custom resolvers, subclasses or instances with
 * their own toJson, renamed fields, values that are neither plain nor Lazy nor a token nor a union) by its own
 * toJson().
 */
export function resolveObject(o: ApiObject): Record<string, any> {
  return plainObjectJson(o) ?? o.toJson();
}

/** The object's JSON from the one walk, or undefined when it must take its own toJson(). */
export function plainObjectJson(o: ApiObject): Record<string, any> | undefined {
  const cls = Object.getPrototypeOf(o)?.constructor;
  const typed = TYPED_CLASSES.has(cls);
  if (!typed && cls !== ApiObject) return undefined;
  // An object's own toJson is honoured, unless all it does is put back fields the converters drop, as this walk
  // never drops them.
  if (Object.prototype.hasOwnProperty.call(o, 'toJson') && !restoresDroppedFieldsOnly(o)) return undefined;
  if (process.env.CDK8S_DISABLE_SORT || !hasDefaultResolvers(o)) return undefined;
  // Private fields of cdk8s, read defensively: a release that renames them only turns the shortcut off.
  const internals = o as unknown as { props?: Record<string, unknown>; patches?: unknown[] };
  const metadata = o.metadata as unknown as Record<string, unknown>;
  if (!internals.props || !Array.isArray(internals.patches) || internals.patches.length > 0) return undefined;
  if (!('_additionalAttributes' in metadata) || !('labels' in metadata) || !('annotations' in metadata)) return undefined;
  const meta = walk({
    ...(metadata._additionalAttributes as object), name: metadata.name, namespace: metadata.namespace,
    annotations: metadata.annotations, finalizers: metadata.finalizers, ownerReferences: metadata.ownerReferences,
    labels: metadata.labels,
  }, { typed, dropEmpty: true });
  if (meta === UNSURE) return undefined;
  const { apiVersion, kind, metadata: _ignored, ...rest } = internals.props;
  const body = walk(rest, { typed, dropEmpty: false });
  if (body === UNSURE) return undefined;
  return { apiVersion: o.apiVersion, kind: o.kind, ...(meta === undefined ? {} : { metadata: meta }), ...(body as object) };
}

/** Whether the app resolves with exactly cdk8s's three default resolvers, in their order. */
function hasDefaultResolvers(o: ApiObject): boolean {
  const app = o.chart.node.root as App;
  let known = defaultResolvers.get(app);
  if (known === undefined) {
    const resolvers = (app as { resolvers?: unknown[] }).resolvers;
    known = Array.isArray(resolvers) && resolvers.length === 3 && resolvers[0] instanceof LazyResolver
      && resolvers[1] instanceof ImplicitTokenResolver && resolvers[2] instanceof NumberStringUnionResolver
      && [LazyResolver, ImplicitTokenResolver, NumberStringUnionResolver].every((c, i) => Object.getPrototypeOf(resolvers[i]) === c.prototype);
    defaultResolvers.set(app, known);
  }
  return known;
}

/** Resolve, sanitize (sorted keys, no null or undefined) and, for typed classes, convert: one value. */
function walk(value: unknown, options: WalkOptions): unknown {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'string': case 'number': case 'boolean': return value;
    case 'object': break;
    default: return UNSURE;
  }
  const v = value as Record<string, any>;
  if (v instanceof Lazy) return walk(v.produce(), options);
  if (typeof v.resolve === 'function') return walk(v.resolve(), options);
  if (Array.isArray(v)) return walkArray(v, options);
  if (v.constructor === Object) return walkObject(v, options);
  // IntOrString, Quantity and the like: what NumberStringUnionResolver replaces, and a typed converter unwraps.
  if (typeof v.value === 'string' || typeof v.value === 'number') return options.typed ? v.value : { value: v.value };
  return UNSURE;
}

function walkArray(items: readonly unknown[], options: WalkOptions): unknown {
  if (options.dropEmpty && items.length === 0) return undefined;
  const out = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = walk(items[i], options);
    if (item === UNSURE || item === undefined) return UNSURE;
    out[i] = item;
  }
  return out;
}

function walkObject(object: Record<string, unknown>, options: WalkOptions): unknown {
  const keys = Object.keys(object).sort();
  // A lone `value` is how a typed field's IntOrString looks once resolved; its converter would unwrap it.
  if (options.typed && keys.length === 1 && keys[0] === 'value') return UNSURE;
  const out: Record<string, unknown> = {};
  let size = 0;
  for (const key of keys) {
    if (options.typed && CONVERTED_FIELD_NAMES.has(key)) return UNSURE;
    const item = walk(object[key], options);
    if (item === UNSURE) return UNSURE;
    if (item !== undefined) {
      out[key] = item;
      size++;
    }
  }
  return options.dropEmpty && size === 0 ? undefined : out;
}
