// Which apiVersion/kind pairs a cluster serves: the built-in APIs of the target Kubernetes minor (1.32 to 1.35), the
// custom resources of the operators the kit emits for (at their current releases), CRDs in the output, and kinds
// the user declared. Anything else would be refused by `kubectl apply` ("no matches for kind"), so it is an error.
import { KUBERNETES_VERSIONS, kubernetesMinor, KubernetesVersion } from '../kubernetes-version';
import { Finding, finding, foundText } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';
import { isUnder, KindDeclaration, KubernetesTarget } from './rule';
import { closest } from './schema-check';
import { schemaModel } from './schema-models';

/** Rule ids of the served-version checks. */
export const ServedVersionRules = {
  /** A kind no served API, no CRD in the output and no declaration knows (a typo, or an operator not declared). */
  UNKNOWN_KIND: 'api/unknown-kind',
  /** An apiVersion that Kubernetes (or the operator) no longer serves. */
  REMOVED_VERSION: 'api/removed-version',
  /** A built-in kind that the target Kubernetes minor does not serve yet (GA in a later minor). */
  NOT_YET_SERVED: 'api/not-yet-served',
} as const;

/** The built-in API groups and versions every Kubernetes from 1.32 to 1.35 serves, with their kinds. */
const BUILT_IN: Readonly<Record<string, readonly string[]>> = {
  'v1': ['Binding', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume',
    'PersistentVolumeClaim', 'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'Service', 'ServiceAccount'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authentication.k8s.io/v1': ['SelfSubjectReview', 'TokenReview'],
  'authorization.k8s.io/v1': ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
  'autoscaling/v1': ['HorizontalPodAutoscaler'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
};

/**
 * Built-in kinds that became GA within the range, with the first minor serving them by default (their beta
 * versions are off by default, so earlier minors refuse them).
 */
const SERVED_FROM: Readonly<Record<string, Readonly<Record<string, KubernetesVersion>>>> = {
  'networking.k8s.io/v1': { IPAddress: '1.33', ServiceCIDR: '1.33' },
  'resource.k8s.io/v1': { DeviceClass: '1.34', ResourceClaim: '1.34', ResourceClaimTemplate: '1.34', ResourceSlice: '1.34' },
  'storage.k8s.io/v1': { VolumeAttributesClass: '1.34' },
};

/** Built-in versions no target serves, with the minor that stopped serving them (the deprecation guide's). */
const REMOVED_IN: Readonly<Record<string, string>> = {
  'flowcontrol.apiserver.k8s.io/v1beta3': '1.32',
  'flowcontrol.apiserver.k8s.io/v1beta2': '1.29',
  'storage.k8s.io/v1beta1': '1.27',
  'flowcontrol.apiserver.k8s.io/v1beta1': '1.26',
  'autoscaling/v2beta2': '1.26',
  'autoscaling/v2beta1': '1.25',
  'batch/v1beta1': '1.25',
  'discovery.k8s.io/v1beta1': '1.25',
  'events.k8s.io/v1beta1': '1.25',
  'node.k8s.io/v1beta1': '1.25',
  'policy/v1beta1': '1.25',
  'networking.k8s.io/v1beta1': '1.22',
  'extensions/v1beta1': '1.22',
};

/** Built-in groups: a version of theirs that the table lacks is removed (or not yet served by every target). */
const BUILT_IN_GROUPS = new Set([...Object.keys(BUILT_IN).map(groupOf), 'extensions']);

/**
 * Custom resources of the operators the kit works with, at their current releases. Versions the operators stopped
 * serving are listed with the one to use.
 */
const CUSTOM: Readonly<Record<string, readonly string[]>> = {
  'autoscaling.k8s.io/v1': ['VerticalPodAutoscaler', 'VerticalPodAutoscalerCheckpoint'],
  'bitnami.com/v1alpha1': ['SealedSecret'],
  'cert-manager.io/v1': ['Certificate', 'CertificateRequest', 'ClusterIssuer', 'Issuer'],
  'gateway.networking.k8s.io/v1': ['Gateway', 'GatewayClass', 'GRPCRoute', 'HTTPRoute'],
  'gateway.networking.k8s.io/v1beta1': ['ReferenceGrant'],
};
const REMOVED_CUSTOM: Readonly<Record<string, string>> = {
  'external-secrets.io/v1alpha1': 'external-secrets.io/v1 (External Secrets Operator 0.17 and later serve only v1)',
  'external-secrets.io/v1beta1': 'external-secrets.io/v1 (External Secrets Operator 0.17 and later serve only v1)',
};

/** Kinds by name, for "use <apiVersion>" and "did you mean". */
const SERVED_BY_KIND = new Map<string, string[]>();
for (const [apiVersion, kinds] of [...Object.entries(BUILT_IN), ...Object.entries(SERVED_FROM).map(([v, k]) => [v, Object.keys(k)] as const)]) {
  for (const kind of kinds) SERVED_BY_KIND.set(kind, [...(SERVED_BY_KIND.get(kind) ?? []), apiVersion]);
}

/**
 * Reports every object whose apiVersion/kind the target clusters do not serve: the minor of the Platform it is in,
 * or every minor of the range for objects outside one.
 */
export function checkServedVersions(index: ObjectIndex, declared: readonly KindDeclaration[] = [],
  targets: readonly KubernetesTarget[] = []): Finding[] {
  const fromCrds = crdKinds(index);
  const findings: Finding[] = [];
  for (const object of index.all) {
    const { apiVersion, kind } = object.json;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !kind) continue; // the schema check reports it
    if (fromCrds.size > 0 && fromCrds.has(`${apiVersion}/${kind}`)) continue;
    if (declared.some((d) => d.apiVersion === apiVersion && d.kind === kind && isUnder(object.constructPath, d.scopePath ?? ''))) continue;
    const problem = BUILT_IN_GROUPS.has(groupOf(apiVersion))
      ? builtInProblem(object, apiVersion, kind, targets) : customProblem(object, apiVersion, kind);
    if (problem) findings.push(problem);
  }
  return findings;
}

/** The minor of the innermost target scope an object is under; undefined outside every Platform. */
function targetOf(path: string, targets: readonly KubernetesTarget[]): KubernetesVersion | undefined {
  let best: KubernetesTarget | undefined;
  for (const t of targets) {
    const under = t.scopePath !== '' && (path === t.scopePath || path.startsWith(`${t.scopePath}/`));
    if (under && (!best || t.scopePath.length > best.scopePath.length)) best = t;
  }
  return best?.version;
}

function builtInProblem(object: IndexedObject, apiVersion: string, kind: string, targets: readonly KubernetesTarget[]): Finding | undefined {
  if (BUILT_IN[apiVersion]?.includes(kind)) return undefined;
  const target = targetOf(object.constructPath, targets);
  const targetText = target ? `Kubernetes ${target} (the Platform's kubernetesVersion)` : `every Kubernetes from ${KUBERNETES_VERSIONS[0]}`;
  const from = SERVED_FROM[apiVersion]?.[kind];
  if (from) {
    if (kubernetesMinor(target ?? KUBERNETES_VERSIONS[0]) >= kubernetesMinor(from)) return undefined;
    return finding(ServedVersionRules.NOT_YET_SERVED, 'error', object, 'apiVersion', apiVersion,
      `a kind ${targetText} serves: ${apiVersion} ${kind} is served from Kubernetes ${from}; target kubernetesVersion '${from}' or later`);
  }
  const served = SERVED_BY_KIND.get(kind);
  if (served) {
    const removed = REMOVED_IN[apiVersion] ? ` (removed in Kubernetes ${REMOVED_IN[apiVersion]})` : '';
    return finding(ServedVersionRules.REMOVED_VERSION, 'error', object, 'apiVersion', apiVersion,
      `${served.join(' or ')}: ${targetText} does not serve ${kind} in ${apiVersion}${removed}`);
  }
  if (kind === 'PodSecurityPolicy') {
    return finding(ServedVersionRules.REMOVED_VERSION, 'error', object, 'apiVersion', apiVersion,
      'no PodSecurityPolicy: removed in Kubernetes 1.25; Pod Security admission (namespace labels) replaces it');
  }
  const known = new Set(SERVED_BY_KIND.keys());
  const suggestion = closest(kind, known);
  return finding(ServedVersionRules.UNKNOWN_KIND, 'error', object, 'kind', kind,
    `a kind the Kubernetes API serves${suggestion ? ` (did you mean "${suggestion}"?)` : ''}, or one declared with Validation.of(scope).declareKind('${apiVersion}', '${kind}')`);
}

function customProblem(object: IndexedObject, apiVersion: string, kind: string): Finding | undefined {
  const replacement = REMOVED_CUSTOM[apiVersion];
  if (replacement) {
    return finding(ServedVersionRules.REMOVED_VERSION, 'error', object, 'apiVersion', apiVersion, `${replacement}: ${apiVersion} is no longer served`);
  }
  if (CUSTOM[apiVersion]?.includes(kind) || schemaModel(apiVersion, kind)) return undefined;
  return finding(ServedVersionRules.UNKNOWN_KIND, 'error', object, 'kind', foundText(`${apiVersion} ${kind}, which no installed schema, CRD in the output or declaration knows`),
    `a custom resource whose CRD is in the output, or one declared with Validation.of(scope).declareKind('${apiVersion}', '${kind}') once its operator is installed`);
}

/** `group/version/kind` served by the CustomResourceDefinitions in the output. */
function crdKinds(index: ObjectIndex): Set<string> {
  const kinds = new Set<string>();
  for (const crd of index.everyOfKind('CustomResourceDefinition')) {
    const spec = crd.json.spec ?? {};
    for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
      if (version?.served !== false) kinds.add(`${spec.group}/${version?.name}/${spec.names?.kind}`);
    }
  }
  return kinds;
}

function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
