// The API versions the kit validates: the Kubernetes API and, per operator, the group/versions (and kinds) its
// current release serves. One table for both sides: scripts/generate-schemas.ts bundles a validator for every kind
// listed here, and the schema check rejects a custom resource of an operator's group at any other version.

/** The schema source of one operator (or of the Kubernetes API). */
export interface OperatorApis {
  /** Who serves these APIs, as findings name it. */
  readonly operator: string;
  /** The generated validator bundle, `generated/schemas/<bundle>.js`. */
  readonly bundle: string;
  /** The npm package whose models the bundle is built from. */
  readonly package: string;
  /** Whether an API group belongs to this operator. */
  readonly owns: (group: string) => boolean;
  /**
   * The served group/versions (`group/version`, core: `v1`), each with its served kinds or `'*'` for every kind the
   * package models at that version; `'*'` alone: every group/version the package models.
   */
  readonly served: Readonly<Record<string, readonly string[] | '*'>> | '*';
  /** Why a group/version the operator no longer serves is refused, for versions with a known end. */
  readonly retired?: Readonly<Record<string, string>>;
}

const ALL = '*';

/** The operators, most specific group first (`gateway.networking.k8s.io` before the core `*.k8s.io`). */
export const OPERATOR_APIS: readonly OperatorApis[] = [
  {
    operator: 'Gateway API (standard channel)',
    bundle: 'gateway-api',
    package: '@kubernetes-models/gateway-api',
    owns: (g) => g === 'gateway.networking.k8s.io' || g === 'gateway.networking.x-k8s.io',
    // v1beta1 only for ReferenceGrant: Gateway, GatewayClass and HTTPRoute are served there too, but deprecated.
    served: { 'gateway.networking.k8s.io/v1': ALL, 'gateway.networking.k8s.io/v1beta1': ['ReferenceGrant'] },
  },
  {
    operator: 'cert-manager',
    bundle: 'cert-manager',
    package: '@kubernetes-models/cert-manager',
    owns: (g) => g === 'cert-manager.io' || g === 'acme.cert-manager.io',
    served: { 'cert-manager.io/v1': ALL, 'acme.cert-manager.io/v1': ALL },
    retired: Object.fromEntries(['v1alpha2', 'v1alpha3', 'v1beta1'].flatMap((v) => [
      [`cert-manager.io/${v}`, 'not served by cert-manager since v1.7; use cert-manager.io/v1'],
      [`acme.cert-manager.io/${v}`, 'not served by cert-manager since v1.7; use acme.cert-manager.io/v1'],
    ])),
  },
  {
    operator: 'External Secrets Operator',
    bundle: 'external-secrets',
    package: '@kubernetes-models/external-secrets',
    owns: (g) => g === 'external-secrets.io' || g === 'generators.external-secrets.io',
    served: {
      'external-secrets.io/v1': ['ClusterExternalSecret', 'ClusterSecretStore', 'ExternalSecret', 'SecretStore'],
      'external-secrets.io/v1alpha1': ['ClusterPushSecret', 'PushSecret'],
      'generators.external-secrets.io/v1alpha1': ALL,
    },
    retired: { 'external-secrets.io/v1beta1': 'not served by External Secrets Operator since v0.17.0; use external-secrets.io/v1' },
  },
  {
    operator: 'Prometheus Operator',
    bundle: 'prometheus-operator',
    package: '@kubernetes-models/prometheus-operator',
    owns: (g) => g === 'monitoring.coreos.com',
    served: { 'monitoring.coreos.com/v1': ALL, 'monitoring.coreos.com/v1alpha1': ALL, 'monitoring.coreos.com/v1beta1': ALL },
  },
  {
    operator: 'Argo Rollouts',
    bundle: 'argo-rollouts',
    package: '@kubernetes-models/argo-rollouts',
    owns: (g) => g === 'argoproj.io',
    served: { 'argoproj.io/v1alpha1': ['AnalysisRun', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'Experiment', 'Rollout'] },
  },
  {
    operator: 'Argo CD',
    bundle: 'argo-cd',
    package: '@kubernetes-models/argo-cd',
    owns: (g) => g === 'argoproj.io',
    served: { 'argoproj.io/v1alpha1': ['AppProject', 'Application', 'ApplicationSet'] },
  },
  {
    operator: 'Flux',
    bundle: 'flux-cd',
    package: '@kubernetes-models/flux-cd',
    owns: (g) => g.endsWith('.toolkit.fluxcd.io'),
    // The GA versions, and notification v1beta3 for Alert and Provider, which have no GA version yet.
    served: {
      'helm.toolkit.fluxcd.io/v2': ALL,
      'image.toolkit.fluxcd.io/v1': ALL,
      'kustomize.toolkit.fluxcd.io/v1': ALL,
      'notification.toolkit.fluxcd.io/v1': ALL,
      'notification.toolkit.fluxcd.io/v1beta3': ['Alert', 'Provider'],
      'source.toolkit.fluxcd.io/v1': ALL,
    },
  },
  {
    operator: 'CloudNativePG',
    bundle: 'cloudnative-pg',
    package: '@kubernetes-models/cloudnative-pg',
    // barmancloud.cnpg.io (the Barman Cloud Plugin's ObjectStore) has no model: its spec.configuration is checked
    // through the Cluster schema's barmanObjectStore, the same type (lib/database/cnpg-backup.ts).
    owns: (g) => g === 'postgresql.cnpg.io',
    served: { 'postgresql.cnpg.io/v1': ALL },
  },
  {
    operator: 'Kubernetes',
    bundle: 'kubernetes',
    package: 'kubernetes-models',
    // The core group, unqualified groups (apps, batch …) and the *.k8s.io groups of the API server itself.
    owns: (g) => g === '' || !g.includes('.') || g.endsWith('.k8s.io'),
    served: ALL,
  },
];

/** Where the validator of an apiVersion/kind is, or why there is none. */
export type ServedApi =
  /** A served kind: its validator is `bundle`'s export `key`. */
  | { readonly served: true; readonly apis: OperatorApis; readonly key: string }
  /** A kind of an operator's group at a version it does not serve: the finding's expectation. */
  | { readonly served: false; readonly apis: OperatorApis; readonly expected: string }
  /** No operator the kit knows owns the group: unchecked. */
  | undefined;

/** The key of a kind in a bundle: `group/version/Kind` (core: `v1/Kind`). */
export function bundleKey(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

/**
 * Where the schema of an apiVersion/kind comes from. `kindsIn(bundle)` lists the keys a bundle holds (the
 * generated manifest); the Kubernetes API is served at whatever its package models.
 */
export function servedApi(apiVersion: string, kind: string, kindsIn: (bundle: string) => ReadonlySet<string>): ServedApi {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  // An operator's group under *.k8s.io (Gateway API) is the operator's, not the API server's.
  const claimed = OPERATOR_APIS.filter((apis) => apis.owns(group));
  const owners = claimed.length > 1 ? claimed.filter((apis) => apis.bundle !== 'kubernetes') : claimed;
  if (owners.length === 0) return undefined;
  const key = bundleKey(apiVersion, kind);
  for (const apis of owners) {
    if (kindsIn(apis.bundle).has(key)) return { served: true, apis, key };
  }
  const apis = owners[0];
  if (apis.bundle === 'kubernetes') return undefined; // a core kind the package does not model: left to the API checks
  const retired = owners.map((o) => o.retired?.[apiVersion]).find((reason) => reason !== undefined);
  return { served: false, apis, expected: retired ?? servedElsewhere(owners, kind, kindsIn) };
}

function servedElsewhere(owners: readonly OperatorApis[], kind: string, kindsIn: (bundle: string) => ReadonlySet<string>): string {
  const versions = owners.flatMap((o) => [...kindsIn(o.bundle)].filter((key) => key.endsWith(`/${kind}`)))
    .map((key) => key.slice(0, -kind.length - 1));
  const operator = owners.map((o) => o.operator).join(' or ');
  return versions.length > 0
    ? `not an API version ${operator} serves today for ${kind}; use ${versions.join(' or ')}`
    : `a kind ${operator} serves today (none serves ${kind})`;
}
