// What the cluster must already have before a Platform's output is applied, read from the objects themselves:
// operators and the API versions used, classes, issuers, secret stores, Secrets made elsewhere, DNS and ranges.
import { Platform } from '../platform';
import { compareCodePoints } from '../private/ordering';
import { Validation } from '../validation/rule';

type KubeObject = Record<string, any>;

/** The operator behind each custom API group the kit emits, at the release line the kit targets. */
const OPERATORS: Readonly<Record<string, string>> = {
  'argoproj.io': 'Argo Rollouts (v1.7 or later; the argoproj-labs/gatewayAPI traffic-router plugin where a Rollout routes by Gateway API)',
  'autoscaling.k8s.io': 'Vertical Pod Autoscaler (v1)',
  'barmancloud.cnpg.io': 'Barman Cloud Plugin for CloudNativePG (v0.9 or later, of a release the operator supports, in the operator\'s namespace, with cert-manager for its TLS)',
  'bitnami.com': 'sealed-secrets controller',
  'cert-manager.io': 'cert-manager (v1.15 or later; Gateway API support enabled where a Gateway carries its annotation)',
  'external-secrets.io': 'External Secrets Operator (v0.17 or later: only external-secrets.io/v1 is served)',
  'gateway.networking.k8s.io': 'Gateway API CRDs (standard channel, v1.2 or later) and an implementation of them',
  'generators.external-secrets.io': 'External Secrets Operator generators (installed with the operator)',
  'monitoring.coreos.com': 'Prometheus Operator (kube-prometheus-stack)',
  'postgresql.cnpg.io': 'CloudNativePG operator (1.27 or later), in namespace cnpg-system unless the cluster\'s `operator` says otherwise',
};

/** The prerequisites of one Platform's output, as Markdown. */
export function prerequisitesReport(platform: Platform, objects: readonly KubeObject[]): string {
  const lines = [
    `# ${platform.platformName} (${platform.environment.name}): cluster prerequisites`,
    '',
    `What the cluster must have before the objects of namespace \`${platform.namespaceName}\` are applied.`,
    '',
    '## Operators and API versions',
    '',
    '| API version | Kinds | Provided by |',
    '|---|---|---|',
    ...operatorRows(objects),
    '',
    '## Cluster objects referenced',
    '',
    ...bullets('Gateway classes', unique(objects.filter((o) => o.kind === 'Gateway').map((o) => o.spec?.gatewayClassName))),
    ...bullets('Gateways attached to', attachedGateways(platform, objects)),
    ...bullets('Ingress classes', unique(objects.filter((o) => o.kind === 'Ingress').map((o) => o.spec?.ingressClassName))),
    ...bullets('cert-manager issuers', issuers(objects)),
    ...bullets('Secret stores', unique(objects.filter((o) => o.kind === 'ExternalSecret' && o.spec?.secretStoreRef)
      .map((o) => `${o.spec.secretStoreRef.kind ?? 'SecretStore'} ${o.spec.secretStoreRef.name}`))),
    ...bullets('Secrets made outside this output', secretsFromElsewhere(platform, objects)),
    ...bullets('Priority classes', priorityClasses(objects)),
    ...bullets('Storage classes', storageClasses(objects)),
    '',
    '## Network',
    '',
    `- DNS: ${platform.dns.mode}, port ${platform.dns.port}`,
    `- Cluster ranges excepted from egress to the outside: ${platform.clusterNetwork.internal.map((c) => `\`${c.text}\``).join(', ')}`,
    `- Prometheus: pods ${labelText(platform.prometheusPodLabels)} in namespace \`${platform.monitoringNamespace}\`, selecting monitors by ${labelText(platform.monitorSelectorLabels)}`,
    '',
  ];
  return lines.join('\n');
}

function operatorRows(objects: readonly KubeObject[]): string[] {
  const kindsByVersion = new Map<string, Set<string>>();
  for (const o of objects) {
    const group = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '';
    if (OPERATORS[group] === undefined) continue;
    kindsByVersion.set(o.apiVersion, (kindsByVersion.get(o.apiVersion) ?? new Set()).add(o.kind));
  }
  // cert-manager's gateway-shim makes the Certificates of an annotated Gateway: none of its objects is in the output.
  if (objects.some((o) => o.kind === 'Gateway' && Object.keys(o.metadata?.annotations ?? {}).some((k) => k.startsWith('cert-manager.io/')))) {
    kindsByVersion.set('cert-manager.io/v1', (kindsByVersion.get('cert-manager.io/v1') ?? new Set()).add('Certificate (made from the Gateway\'s annotation)'));
  }
  const rows = [...kindsByVersion.keys()].sort(compareCodePoints)
    .map((v) => `| \`${v}\` | ${[...kindsByVersion.get(v)!].sort(compareCodePoints).join(', ')} | ${OPERATORS[v.split('/')[0]]} |`);
  return rows.length > 0 ? rows : ['| (none) | | |'];
}

function attachedGateways(platform: Platform, objects: readonly KubeObject[]): string[] {
  const own = new Set(objects.filter((o) => o.kind === 'Gateway').map((o) => o.metadata.name));
  return unique(objects.filter((o) => o.kind === 'HTTPRoute').flatMap((route) => (route.spec?.parentRefs ?? [])
    .filter((ref: KubeObject) => !own.has(ref.name) || (ref.namespace ?? platform.namespaceName) !== platform.namespaceName)
    .map((ref: KubeObject) => `${ref.namespace ?? platform.namespaceName}/${ref.name}${ref.sectionName ? ` (listener ${ref.sectionName})` : ''}`)));
}

function issuers(objects: readonly KubeObject[]): string[] {
  const fromCertificates = objects.filter((o) => o.kind === 'Certificate')
    .map((o) => `${o.spec?.issuerRef?.kind ?? 'Issuer'} ${o.spec?.issuerRef?.name}`);
  const fromAnnotations = objects.flatMap((o) => {
    const a = o.metadata?.annotations ?? {};
    return [a['cert-manager.io/cluster-issuer'] && `ClusterIssuer ${a['cert-manager.io/cluster-issuer']}`, a['cert-manager.io/issuer'] && `Issuer ${a['cert-manager.io/issuer']}`];
  });
  return unique([...fromCertificates, ...fromAnnotations]);
}

function secretsFromElsewhere(platform: Platform, objects: readonly KubeObject[]): string[] {
  const produced = new Set(objects.flatMap((o) => (o.kind === 'Secret' || o.kind === 'SealedSecret' ? [o.metadata.name]
    : o.kind === 'ExternalSecret' ? [o.spec?.target?.name ?? o.metadata.name] : o.kind === 'Certificate' ? [o.spec?.secretName] : [])));
  const declared = Validation.collect(platform).externals.filter((e) => e.kind === 'Secret').map((e) => e.name);
  return unique(declared.filter((name) => !produced.has(name)));
}

function priorityClasses(objects: readonly KubeObject[]): string[] {
  const emitted = new Set(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name));
  return unique(objects.map((o) => podSpecOf(o)?.priorityClassName).filter((name) => name && !emitted.has(name)));
}

function storageClasses(objects: readonly KubeObject[]): string[] {
  const claims = [
    ...objects.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.spec),
    ...objects.filter((o) => o.kind === 'StatefulSet').flatMap((o) => (o.spec?.volumeClaimTemplates ?? []).map((t: KubeObject) => t.spec)),
  ];
  return unique(claims.map((spec) => (spec?.storageClassName ? spec.storageClassName : 'the default StorageClass')));
}

function podSpecOf(o: KubeObject): KubeObject | undefined {
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return ['Deployment', 'StatefulSet', 'Rollout', 'DaemonSet', 'Job'].includes(o.kind) ? o.spec?.template?.spec : undefined;
}

function bullets(title: string, items: readonly string[]): string[] {
  return [`- ${title}: ${items.length > 0 ? items.map((i) => `\`${i}\``).join(', ') : 'none'}`];
}

function unique(items: readonly (string | undefined | false)[]): string[] {
  return [...new Set(items.filter((i): i is string => typeof i === 'string' && i !== ''))].sort(compareCodePoints);
}

function labelText(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort(compareCodePoints).map((k) => `\`${k}=${labels[k]}\``).join(', ') || 'no labels';
}
