// Pod options every workload takes: where its pods run, what they pull with, their extra labels and annotations,
// and the cloud identity of their ServiceAccount. Checked once here, applied by the pod template and the base.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkDnsSubdomain, checkInteger, checkLabelKey, checkLabelValue, checkUnique, checkWholeSeconds } from '../private/prop-checks';
import { Validation } from '../validation/rule';
import { ApiAccessRule, renderApiAccess } from './api-access';
import { CONFIG_HASH_ANNOTATION } from './config-hash';
import { sharedPart } from './shared-parts';

/** How a toleration matches a taint's value. */
export type TolerationOperator = 'Equal' | 'Exists';
/** What a taint does to pods that do not tolerate it. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
/** How a node label expression compares the label's value. */
export type NodeLabelOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

/**
 * A taint the pods tolerate (a spot pool, a dedicated or GPU node group).
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
 */
export interface Toleration {
  /**
   * The taint's key; with `operator: 'Exists'` and no key, every taint is tolerated.
   * @default - every key (only with `operator: 'Exists'`)
   */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: TolerationOperator;
  /**
   * The taint's value, for `operator: 'Equal'`.
   * @default '' (the empty value)
   */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: TaintEffect;
  /**
   * How long pods stay on a node after a `NoExecute` taint appears there; only with `effect: 'NoExecute'`.
   * @default - for ever
   */
  readonly tolerationSeconds?: Duration;
}

/** One requirement on a node label. */
export interface NodeLabelExpression {
  /** The node label's key, e.g. `kubernetes.io/arch` or `karpenter.sh/capacity-type`. */
  readonly key: string;
  readonly operator: NodeLabelOperator;
  /**
   * The values compared with: one or more for `In` and `NotIn`, exactly one integer for `Gt` and `Lt`, none for
   * `Exists` and `DoesNotExist`.
   * @default - none
   */
  readonly values?: readonly string[];
}

/** Node label expressions that must all hold. */
export interface NodeTerm {
  readonly expressions: readonly NodeLabelExpression[];
}

/** A node term the scheduler prefers, by weight. */
export interface PreferredNodeTerm extends NodeTerm {
  /** 1 to 100: the scheduler adds it to the score of every node that matches. */
  readonly weight: number;
}

/**
 * Which nodes the pods may and would rather run on, by node labels. (The kit's own pod anti-affinity, which spreads
 * replicas over nodes, is kept beside it.)
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#node-affinity
 */
export interface NodeAffinity {
  /**
   * Terms of which a node must match at least one.
   * @default - any node
   */
  readonly required?: readonly NodeTerm[];
  /**
   * Terms that make a node more attractive.
   * @default - none
   */
  readonly preferred?: readonly PreferredNodeTerm[];
}

/** What every workload's pods can be given beyond the kit's defaults: placement, pulling, metadata, cloud identity. */
export interface PodOptions {
  /**
   * Access to the Kubernetes API (leader election, watching ConfigMaps): a Role with exactly these rules in the
   * namespace, bound to the workload's ServiceAccount, and a service-account token mounted in its pods. Without it
   * the pods carry no token.
   * @default - no API access, no token
   */
  readonly apiAccess?: readonly ApiAccessRule[];
  /**
   * Taints the pods tolerate.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
   */
  readonly tolerations?: readonly Toleration[];
  /**
   * Node labels a node must carry, e.g. `{ 'kubernetes.io/arch': 'arm64' }`.
   * @default - any node
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodeselector
   */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /**
   * Required and preferred node label expressions.
   * @default - no node affinity
   */
  readonly nodeAffinity?: NodeAffinity;
  /**
   * Names of Secrets (of type `kubernetes.io/dockerconfigjson`) in the namespace to pull images with; they are
   * declared external, so the reference check expects them on the cluster.
   * @default - none: the node's credentials
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly imagePullSecrets?: readonly string[];
  /**
   * Extra labels of the pods (mesh or cost labels). The kit's own (`app.kubernetes.io/*`, `environment`,
   * `cdk8s-patterns.io/*`), which select and identify the workload, are refused.
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
  /**
   * Extra annotations of the pods (mesh injection, log parsers). The kit's own (the config hash, `prometheus.io/*`)
   * are refused.
   * @default - none
   */
  readonly podAnnotations?: Readonly<Record<string, string>>;
  /**
   * Annotations of the workload's ServiceAccount, for cloud workload identity: `eks.amazonaws.com/role-arn` (IRSA,
   * an IAM role ARN), `iam.gke.io/gcp-service-account` (GKE, a Google service account e-mail) or
   * `azure.workload.identity/client-id` (Azure, a client id UUID; the pods then also get the label
   * `azure.workload.identity/use: "true"` that the Azure webhook selects by). These three are checked for form.
   * The kit's token-less ServiceAccount still works: the identity webhooks project a token of their own.
   * @default - none
   * @see https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity
   * @see https://azure.github.io/azure-workload-identity/docs/
   */
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
  /**
   * The RuntimeClass of the pods (gVisor, Kata).
   * @default - the cluster's default runtime
   * @see https://kubernetes.io/docs/concepts/containers/runtime-class/
   */
  readonly runtimeClassName?: string;
  /**
   * The PriorityClass of the pods, instead of the one of their tier.
   * @default - the Platform's class of the workload's tier: `<platform>-data` for databases, `-edge` for the
   * gateway, `-service` for microservices, `-batch` for jobs and backups
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClassName?: string;
}

/** Pod options after checking, in the shapes the pod template and ServiceAccount take. */
export interface ResolvedPodOptions {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  readonly tolerations?: k8s.Toleration[];
  readonly nodeSelector?: Record<string, string>;
  readonly nodeAffinity?: k8s.NodeAffinity;
  readonly imagePullSecrets?: k8s.LocalObjectReference[];
  readonly runtimeClassName?: string;
  readonly priorityClassName?: string;
  /** The Role rules of the workload's API access; undefined without. */
  readonly apiAccess?: k8s.PolicyRule[];
}

/** Every pod option (the compiler asks for each), for the check that a workload sets none. */
const POD_OPTION_KEYS = Object.keys({
  apiAccess: true, tolerations: true, nodeSelector: true, nodeAffinity: true, imagePullSecrets: true, podLabels: true,
  podAnnotations: true, serviceAccountAnnotations: true, runtimeClassName: true, priorityClassName: true,
} satisfies Record<keyof PodOptions, true>) as (keyof PodOptions)[];

/** Workload identity annotations of the three clouds, with the form of their values. */
const IDENTITY_ANNOTATIONS: Record<string, { readonly pattern: RegExp; readonly expected: string }> = {
  'eks.amazonaws.com/role-arn': {
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    expected: 'must be an IAM role ARN such as "arn:aws:iam::123456789012:role/orders"',
  },
  'iam.gke.io/gcp-service-account': {
    pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]@[a-z0-9][-a-z0-9.]*\.iam\.gserviceaccount\.com$/,
    expected: 'must be a Google service account e-mail such as "orders@my-project.iam.gserviceaccount.com"',
  },
  'azure.workload.identity/client-id': {
    pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    expected: 'must be a client id UUID such as "00000000-0000-0000-0000-000000000000"',
  },
};
const AZURE_USE_LABEL = 'azure.workload.identity/use';

const TOLERATION_OPERATORS: readonly TolerationOperator[] = ['Equal', 'Exists'];
const TAINT_EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const NODE_OPERATORS: readonly NodeLabelOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'];

/** Checks a workload's pod options and returns them in Kubernetes shapes; errors name the prop on `scope`. */
export function resolvePodOptions(scope: IConstruct, options: PodOptions, defaultPriorityClassName?: string): ResolvedPodOptions {
  // Most workloads set none: they share one frozen resolution per PriorityClass (see sharedPart).
  if (POD_OPTION_KEYS.every((key) => options[key] === undefined)) {
    return sharedPart(`pod-options:${defaultPriorityClassName}`, () => ({
      labels: {}, annotations: {}, serviceAccountAnnotations: {}, priorityClassName: defaultPriorityClassName,
    }));
  }
  const serviceAccountAnnotations = checkServiceAccountAnnotations(scope, options.serviceAccountAnnotations ?? {});
  const labels = checkPodLabels(scope, options.podLabels ?? {});
  if (serviceAccountAnnotations['azure.workload.identity/client-id'] !== undefined) labels[AZURE_USE_LABEL] = 'true';
  if (options.runtimeClassName !== undefined) checkDnsSubdomain(scope, 'runtimeClassName', options.runtimeClassName);
  if (options.priorityClassName !== undefined) checkDnsSubdomain(scope, 'priorityClassName', options.priorityClassName);
  return {
    labels,
    annotations: checkPodAnnotations(scope, options.podAnnotations ?? {}),
    serviceAccountAnnotations,
    tolerations: options.tolerations === undefined ? undefined : checkList(scope, 'tolerations', options.tolerations)
      .map((t, i) => renderToleration(scope, `tolerations[${i}]`, t)),
    nodeSelector: options.nodeSelector === undefined ? undefined : checkLabelMap(scope, 'nodeSelector', options.nodeSelector),
    nodeAffinity: options.nodeAffinity === undefined ? undefined : renderNodeAffinity(scope, options.nodeAffinity),
    imagePullSecrets: options.imagePullSecrets === undefined ? undefined : renderPullSecrets(scope, options.imagePullSecrets),
    runtimeClassName: options.runtimeClassName,
    priorityClassName: options.priorityClassName ?? defaultPriorityClassName,
    apiAccess: options.apiAccess === undefined ? undefined : renderApiAccess(scope, options.apiAccess),
  };
}

function checkList<T>(scope: IConstruct, prop: string, value: readonly T[]): readonly T[] {
  if (!Array.isArray(value)) throw PatternError.invalidProp(scope, prop, value, 'must be a list');
  return value;
}

function checkMap(scope: IConstruct, prop: string, value: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw PatternError.invalidProp(scope, prop, value, 'must be a map of strings');
  }
  return value;
}

function checkLabelMap(scope: IConstruct, prop: string, value: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(checkMap(scope, prop, value))) {
    checkLabelKey(scope, `${prop} key`, key);
    checkLabelValue(scope, `${prop}.${key}`, v);
    result[key] = v;
  }
  return result;
}

function checkAnnotationMap(scope: IConstruct, prop: string, value: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, v] of Object.entries(checkMap(scope, prop, value))) {
    checkLabelKey(scope, `${prop} key`, key);
    if (typeof v !== 'string') throw PatternError.invalidProp(scope, `${prop}.${key}`, v, 'must be a string');
    result[key] = v;
  }
  return result;
}

/** Keys the kit itself sets on pods; a pod label of the same key would change what selects or identifies them. */
function isKitLabel(key: string): boolean {
  return key.startsWith('app.kubernetes.io/') || key.startsWith('cdk8s-patterns.io/') || key === 'environment';
}

function checkPodLabels(scope: IConstruct, labels: Readonly<Record<string, string>>): Record<string, string> {
  const result = checkLabelMap(scope, 'podLabels', labels);
  for (const key of Object.keys(result)) {
    if (isKitLabel(key)) {
      throw PatternError.invalidProp(scope, 'podLabels', key,
        'is a label the kit sets (app.kubernetes.io/*, environment, cdk8s-patterns.io/*: the selector, instance and release labels): choose another key');
    }
  }
  return result;
}

function checkPodAnnotations(scope: IConstruct, annotations: Readonly<Record<string, string>>): Record<string, string> {
  const result = checkAnnotationMap(scope, 'podAnnotations', annotations);
  for (const key of Object.keys(result)) {
    if (key === CONFIG_HASH_ANNOTATION || key.startsWith('prometheus.io/')) {
      throw PatternError.invalidProp(scope, 'podAnnotations', key,
        `is an annotation the kit sets (${CONFIG_HASH_ANNOTATION}, prometheus.io/*): choose another key`);
    }
  }
  return result;
}

function checkServiceAccountAnnotations(scope: IConstruct, annotations: Readonly<Record<string, string>>): Record<string, string> {
  const result = checkAnnotationMap(scope, 'serviceAccountAnnotations', annotations);
  for (const [key, value] of Object.entries(result)) {
    const identity = IDENTITY_ANNOTATIONS[key];
    if (identity && !identity.pattern.test(value)) {
      throw PatternError.invalidProp(scope, `serviceAccountAnnotations.${key}`, value, identity.expected);
    }
  }
  return result;
}

function checkEnum<T extends string>(scope: IConstruct, prop: string, value: T, valid: readonly T[]): void {
  if (!valid.includes(value)) {
    throw PatternError.invalidProp(scope, prop, value, `must be one of ${valid.map((v) => `'${v}'`).join(', ')}`);
  }
}

function renderToleration(scope: IConstruct, prop: string, t: Toleration): k8s.Toleration {
  const operator = t.operator ?? 'Equal';
  checkEnum(scope, `${prop}.operator`, operator, TOLERATION_OPERATORS);
  if (t.effect !== undefined) checkEnum(scope, `${prop}.effect`, t.effect, TAINT_EFFECTS);
  if (t.key !== undefined) checkLabelKey(scope, `${prop}.key`, t.key);
  if (operator === 'Equal' && t.key === undefined) {
    throw PatternError.invalidProp(scope, `${prop}.key`, undefined, "is required with operator 'Equal' (only 'Exists' may tolerate every key)");
  }
  if (operator === 'Exists' && t.value !== undefined) {
    throw PatternError.invalidProp(scope, `${prop}.value`, t.value, "must not be set with operator 'Exists'");
  }
  if (t.value !== undefined && t.value !== '') checkLabelValue(scope, `${prop}.value`, t.value);
  let tolerationSeconds: number | undefined;
  if (t.tolerationSeconds !== undefined) {
    if (t.effect !== 'NoExecute') {
      throw PatternError.invalidProp(scope, `${prop}.tolerationSeconds`, t.effect ?? 'every effect',
        "applies only with effect 'NoExecute': set effect to 'NoExecute' or drop tolerationSeconds");
    }
    tolerationSeconds = checkWholeSeconds(scope, `${prop}.tolerationSeconds`, t.tolerationSeconds, 0);
  }
  return { key: t.key, operator, value: operator === 'Equal' ? t.value ?? '' : undefined, effect: t.effect, tolerationSeconds };
}

function renderNodeAffinity(scope: IConstruct, affinity: NodeAffinity): k8s.NodeAffinity {
  const required = affinity.required === undefined ? undefined : checkList(scope, 'nodeAffinity.required', affinity.required);
  const preferred = affinity.preferred === undefined ? undefined : checkList(scope, 'nodeAffinity.preferred', affinity.preferred);
  if (required !== undefined && required.length === 0) {
    throw PatternError.invalidProp(scope, 'nodeAffinity.required', [], 'must hold at least one term (leave it unset for any node)');
  }
  return {
    requiredDuringSchedulingIgnoredDuringExecution: required && {
      nodeSelectorTerms: required.map((term, i) => renderTerm(scope, `nodeAffinity.required[${i}]`, term)),
    },
    preferredDuringSchedulingIgnoredDuringExecution: preferred?.map((term, i) => {
      checkInteger(scope, `nodeAffinity.preferred[${i}].weight`, term.weight, 1, 100);
      return { weight: term.weight, preference: renderTerm(scope, `nodeAffinity.preferred[${i}]`, term) };
    }),
  };
}

function renderTerm(scope: IConstruct, prop: string, term: NodeTerm): k8s.NodeSelectorTerm {
  const expressions = checkList(scope, `${prop}.expressions`, term?.expressions ?? []);
  if (expressions.length === 0) {
    throw PatternError.invalidProp(scope, `${prop}.expressions`, [], 'must hold at least one node label expression');
  }
  return { matchExpressions: expressions.map((e, i) => renderExpression(scope, `${prop}.expressions[${i}]`, e)) };
}

function renderExpression(scope: IConstruct, prop: string, e: NodeLabelExpression): k8s.NodeSelectorRequirement {
  checkLabelKey(scope, `${prop}.key`, e.key);
  checkEnum(scope, `${prop}.operator`, e.operator, NODE_OPERATORS);
  const values = e.values === undefined ? [] : [...checkList(scope, `${prop}.values`, e.values)];
  values.forEach((v, i) => checkLabelValue(scope, `${prop}.values[${i}]`, v));
  if ((e.operator === 'In' || e.operator === 'NotIn') && values.length === 0) {
    throw PatternError.invalidProp(scope, `${prop}.values`, values, `must hold at least one value with operator '${e.operator}'`);
  }
  if ((e.operator === 'Exists' || e.operator === 'DoesNotExist') && values.length > 0) {
    throw PatternError.invalidProp(scope, `${prop}.values`, values, `must be empty with operator '${e.operator}'`);
  }
  if ((e.operator === 'Gt' || e.operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(values[0]))) {
    throw PatternError.invalidProp(scope, `${prop}.values`, values, `must be exactly one integer with operator '${e.operator}'`);
  }
  return { key: e.key, operator: e.operator, values: values.length ? values : undefined };
}

function renderPullSecrets(scope: IConstruct, names: readonly string[]): k8s.LocalObjectReference[] {
  checkList(scope, 'imagePullSecrets', names).forEach((name, i) => checkDnsSubdomain(scope, `imagePullSecrets[${i}]`, name));
  checkUnique(scope, 'imagePullSecrets', names);
  for (const name of names) Validation.of(scope).declareExternal('Secret', name);
  return names.map((name) => ({ name }));
}
