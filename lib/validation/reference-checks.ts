// Cross-reference checks: every selector, port, target and name that points at another object finds it.
import { Finding, finding, foundText, KubeObject } from './finding';
import { IndexedObject, isEmptySelector, ObjectIndex, PodTemplate, selectorMatches, WORKLOAD_KINDS } from './object-index';
import { checkHttpRoute } from './route-checks';

/** Rule ids of the reference checks. */
export const ReferenceRules = {
  DUPLICATE: 'ref/duplicate-object',
  NAME: 'ref/invalid-name',
  SERVICE_SELECTOR: 'ref/service-selector',
  SERVICE_TARGET_PORT: 'ref/service-target-port',
  HPA_TARGET: 'ref/hpa-target',
  PDB_SELECTOR: 'ref/pdb-selector',
  PDB_BLOCKS_EVICTION: 'ref/pdb-blocks-eviction',
  NETWORK_POLICY_SELECTOR: 'ref/network-policy-selector',
  CONFIG_MAP: 'ref/missing-configmap',
  SECRET: 'ref/missing-secret',
  SERVICE_ACCOUNT: 'ref/missing-service-account',
  PVC: 'ref/missing-pvc',
  VOLUME_MOUNT: 'ref/volume-mount',
  PROBE_PORT: 'ref/probe-port',
  STATEFULSET_SERVICE: 'ref/statefulset-service',
  INGRESS_BACKEND: 'ref/ingress-backend',
} as const;

/** Whether a referenced object is known to exist although it is not in the output. */
export type ExternalLookup = (kind: string, namespace: string, name: string, from: IndexedObject) => boolean;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kinds whose names become DNS labels (Service hostnames, namespace names). */
const LABEL_NAMED_KINDS = new Set(['Service', 'Namespace']);
/** CronJob names are at most 52 characters: the controller appends 11 to name each Job. */
const NAME_LIMITS: Readonly<Record<string, number>> = { CronJob: 52 };
const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'];

/** Runs every reference check over the indexed set; `replicas` are the workloads' `replicaCounts`. */
export function checkReferences(index: ObjectIndex, isExternal: ExternalLookup, replicas: ReadonlyMap<IndexedObject, number>): Finding[] {
  const findings: Finding[] = [];
  findings.push(...checkDuplicates(index));
  for (const object of index.all) {
    const badName = checkName(object);
    if (badName) findings.push(badName);
    switch (object.kind) {
      case 'Service': checkService(index, object, findings); break;
      case 'HorizontalPodAutoscaler': checkHpa(index, object, findings); break;
      case 'PodDisruptionBudget': findings.push(...checkPdb(index, object, replicas)); break;
      case 'NetworkPolicy': findings.push(...checkNetworkPolicy(index, object)); break;
      case 'StatefulSet': findings.push(...checkStatefulSetService(index, object)); break;
      case 'Ingress': findings.push(...checkIngress(index, object)); break;
      case 'HTTPRoute': if (object.json.apiVersion?.startsWith?.('gateway.networking.k8s.io/')) findings.push(...checkHttpRoute(index, object)); break;
      default: break;
    }
  }
  for (const template of index.podTemplates) {
    checkPodReferences(index, template, isExternal, findings);
    checkMountsAndProbes(template, findings);
  }
  return findings;
}

/**
 * The replica count the PDB checks assume for each workload: `spec.replicas`, else its HPA's minReplicas, else 1
 * (the API default).
 */
export function replicaCounts(index: ObjectIndex): Map<IndexedObject, number> {
  const counts = new Map<IndexedObject, number>();
  for (const template of index.podTemplates) {
    const replicas = template.owner.json.spec?.replicas;
    if (typeof replicas === 'number') counts.set(template.owner, replicas);
  }
  for (const hpa of index.everyOfKind('HorizontalPodAutoscaler')) {
    const ref = hpa.json.spec?.scaleTargetRef ?? {};
    for (const target of index.find(String(ref.kind), hpa.scope, String(ref.name))) {
      if (!counts.has(target)) counts.set(target, Number(hpa.json.spec?.minReplicas ?? 1));
    }
  }
  for (const template of index.podTemplates) {
    if (!counts.has(template.owner)) counts.set(template.owner, template.owner.kind === 'DaemonSet' ? 2 : 1);
  }
  return counts;
}

function checkDuplicates(index: ObjectIndex): Finding[] {
  return index.duplicates().flatMap((group) => group.map((object) =>
    finding(ReferenceRules.DUPLICATE, 'error', object, 'metadata.name', object.name,
      `a name no other ${object.kind} in the ${object.namespace ? `namespace "${object.namespace}"` : 'cluster'} uses (also produced by ${group.filter((o) => o !== object).map((o) => o.constructPath || o.ref).join(', ')})`)));
}

function checkName(object: IndexedObject): Finding | undefined {
  const name = object.json.metadata?.name;
  if (typeof name !== 'string') return undefined; // the schema check reports a missing name
  const labelNamed = LABEL_NAMED_KINDS.has(object.kind);
  const limit = NAME_LIMITS[object.kind] ?? (labelNamed ? 63 : 253);
  const valid = name.length <= limit && (labelNamed ? DNS_LABEL : DNS_SUBDOMAIN).test(name);
  if (valid) return undefined;
  const shape = labelNamed
    ? 'a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit)'
    : 'a DNS-1123 subdomain (dot-separated labels of lower-case letters, digits and \'-\')';
  return finding(ReferenceRules.NAME, 'error', object, 'metadata.name', name, `${shape} of at most ${limit} characters`);
}

function matchingTemplates(index: ObjectIndex, scope: string, selector: KubeObject | undefined): readonly PodTemplate[] {
  return index.templatesMatching(scope, selector);
}

function checkService(index: ObjectIndex, service: IndexedObject, findings: Finding[]): void {
  const spec = service.json.spec ?? {};
  const selector = spec.selector as Record<string, string> | undefined;
  if (spec.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) return;
  const templates = index.templatesLabelled(service.scope, selector);
  if (templates.length === 0) {
    findings.push(finding(ReferenceRules.SERVICE_SELECTOR, 'error', service, 'spec.selector', selector,
      `labels of some pod template in namespace "${service.namespace}" (${describeCandidates(index.templatesIn(service.scope))})`));
    return;
  }
  (spec.ports ?? []).forEach((port: KubeObject, i: number) => {
    const target = port.targetPort ?? port.port;
    const served = templates.some((t) => t.containers.some(({ container }) =>
      (container.ports ?? []).some((p: KubeObject) => (typeof target === 'number' ? p.containerPort === target : p.name === target))));
    if (!served) {
      const offered = templates.flatMap((t) => t.containers.flatMap(({ container }) =>
        (container.ports ?? []).map((p: KubeObject) => (p.name ? `${p.name} (${p.containerPort})` : String(p.containerPort)))));
      findings.push(finding(ReferenceRules.SERVICE_TARGET_PORT, 'error', service, `spec.ports[${i}].targetPort`, target,
        `a port of the selected containers: ${offered.length ? unique(offered).join(', ') : 'they declare none'}`));
    }
  });
}

function checkHpa(index: ObjectIndex, hpa: IndexedObject, findings: Finding[]): void {
  const ref = hpa.json.spec?.scaleTargetRef ?? {};
  if (index.find(String(ref.kind), hpa.scope, String(ref.name)).length > 0) return;
  findings.push(finding(ReferenceRules.HPA_TARGET, 'error', hpa, 'spec.scaleTargetRef', foundText(`${ref.kind}/${ref.name}, which is not in the output`),
    `a workload in namespace "${hpa.namespace}": ${describeWorkloads(index, hpa.scope)}`));
}

function checkPdb(index: ObjectIndex, pdb: IndexedObject, replicas: ReadonlyMap<IndexedObject, number>): Finding[] {
  const spec = pdb.json.spec ?? {};
  const templates = matchingTemplates(index, pdb.scope, spec.selector);
  if (templates.length === 0) {
    return [finding(ReferenceRules.PDB_SELECTOR, 'error', pdb, 'spec.selector', spec.selector ?? {},
      `a selector matching some pod template in namespace "${pdb.namespace}" (${describeCandidates(index.templatesIn(pdb.scope))})`)];
  }
  const total = templates.reduce((sum, t) => sum + (replicas.get(t.owner) ?? 1), 0);
  const fix = 'a budget that lets at least one pod be evicted, e.g. maxUnavailable: 1, so node drains can proceed';
  if (spec.maxUnavailable !== undefined && percentOrCount(spec.maxUnavailable, total) === 0) {
    return [finding(ReferenceRules.PDB_BLOCKS_EVICTION, 'error', pdb, 'spec.maxUnavailable', spec.maxUnavailable, fix)];
  }
  if (spec.minAvailable !== undefined && percentOrCount(spec.minAvailable, total, true) >= total) {
    return [finding(ReferenceRules.PDB_BLOCKS_EVICTION, 'error', pdb, 'spec.minAvailable',
      foundText(`${JSON.stringify(spec.minAvailable)} of ${total} replica(s)`), fix)];
  }
  return [];
}

function percentOrCount(value: unknown, total: number, roundUp = false): number {
  if (typeof value === 'string' && value.endsWith('%')) {
    const share = (Number(value.slice(0, -1)) / 100) * total;
    return roundUp ? Math.ceil(share) : Math.floor(share);
  }
  return Number(value);
}

/**
 * Labels of pods an operator starts in the namespace on its own, which no output holds: cert-manager's ACME HTTP-01
 * solvers (`acme.cert-manager.io/http01-solver: "true"`, for the length of a challenge).
 */
const OPERATOR_POD_LABELS: readonly (readonly [string, string])[] = [['acme.cert-manager.io/http01-solver', 'true']];

/**
 * Labels an operator in the output puts on the pods it makes: a CloudNativePG Cluster's `inheritedMetadata` (its
 * instances and jobs) and a Pooler's template.
 */
function operatorPodLabels(index: ObjectIndex, scope: string): Readonly<Record<string, string>>[] {
  const cnpg = (o: IndexedObject) => String(o.json.apiVersion).startsWith('postgresql.cnpg.io/');
  return [
    ...index.ofKind('Cluster', scope).filter(cnpg).map((o) => o.json.spec?.inheritedMetadata?.labels),
    ...index.ofKind('Pooler', scope).filter(cnpg).map((o) => o.json.spec?.template?.metadata?.labels),
  ].filter((labels): labels is Record<string, string> => typeof labels === 'object' && labels !== null);
}

function checkNetworkPolicy(index: ObjectIndex, policy: IndexedObject): Finding[] {
  const selector = policy.json.spec?.podSelector;
  if (!selector || isEmptySelector(selector)) return [];
  if (OPERATOR_POD_LABELS.some(([key, value]) => selector.matchLabels?.[key] === value)) return [];
  if (matchingTemplates(index, policy.scope, selector).length > 0) return [];
  if (operatorPodLabels(index, policy.scope).some((labels) => selectorMatches(selector, labels))) return [];
  return [finding(ReferenceRules.NETWORK_POLICY_SELECTOR, 'error', policy, 'spec.podSelector', selector,
    `a selector matching some pod template in namespace "${policy.namespace}" (${describeCandidates(index.templatesIn(policy.scope))})`)];
}

function checkStatefulSetService(index: ObjectIndex, statefulSet: IndexedObject): Finding[] {
  const serviceName = statefulSet.json.spec?.serviceName;
  if (typeof serviceName !== 'string' || serviceName === '') {
    return [finding(ReferenceRules.STATEFULSET_SERVICE, 'error', statefulSet, 'spec.serviceName', serviceName,
      'the name of a headless Service (clusterIP: None) that gives the pods stable DNS names')];
  }
  const services = index.find('Service', statefulSet.scope, serviceName);
  if (services.length === 0) {
    return [finding(ReferenceRules.STATEFULSET_SERVICE, 'error', statefulSet, 'spec.serviceName',
      foundText(`"${serviceName}", which is not a Service in the output`), `a headless Service in namespace "${statefulSet.namespace}"`)];
  }
  if (services[0].json.spec?.clusterIP !== 'None') {
    return [finding(ReferenceRules.STATEFULSET_SERVICE, 'error', statefulSet, 'spec.serviceName',
      foundText(`"${serviceName}", whose clusterIP is ${JSON.stringify(services[0].json.spec?.clusterIP ?? 'assigned')}`),
      'a headless Service: clusterIP "None"')];
  }
  return [];
}

function checkIngress(index: ObjectIndex, ingress: IndexedObject): Finding[] {
  const spec = ingress.json.spec ?? {};
  const backends: { path: string; backend: KubeObject }[] = [];
  if (spec.defaultBackend) backends.push({ path: 'spec.defaultBackend', backend: spec.defaultBackend });
  (spec.rules ?? []).forEach((rule: KubeObject, r: number) => (rule.http?.paths ?? []).forEach((p: KubeObject, i: number) =>
    backends.push({ path: `spec.rules[${r}].http.paths[${i}].backend`, backend: p.backend ?? {} })));
  const findings: Finding[] = [];
  for (const { path, backend } of backends) {
    const service = backend.service;
    if (!service) continue; // a resource backend: not a Service
    const found = index.find('Service', ingress.scope, String(service.name));
    if (found.length === 0) {
      findings.push(finding(ReferenceRules.INGRESS_BACKEND, 'error', ingress, `${path}.service.name`, foundText(`"${service.name}", which is not a Service in the output`),
        `a Service in namespace "${ingress.namespace}": ${describeNames(index.ofKind('Service', ingress.scope))}`));
      continue;
    }
    const ports: KubeObject[] = found[0].json.spec?.ports ?? [];
    const wanted = service.port ?? {};
    const ok = ports.some((p) => (wanted.number !== undefined ? p.port === wanted.number : p.name === wanted.name));
    if (!ok) {
      findings.push(finding(ReferenceRules.INGRESS_BACKEND, 'error', ingress, `${path}.service.port`, wanted,
        `a port of Service "${service.name}": ${ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'it has none'}`));
    }
  }
  return findings;
}

/**
 * The ServiceAccount, Secrets, ConfigMaps and PVCs a pod uses are in the output, made by an operator in it, or
 * declared external. Field paths are only spelled out for a finding: most references resolve.
 */
function checkPodReferences(index: ObjectIndex, template: PodTemplate, isExternal: ExternalLookup, findings: Finding[]): void {
  const owner = template.owner;
  const ns = owner.namespace;
  const missing = (kind: string, name: unknown, optional?: boolean): name is string => !optional && typeof name === 'string'
    && index.find(kind, owner.scope, name).length === 0 && !producedByOperator(index, kind, owner.scope, name) && !isExternal(kind, ns, name, owner);
  const report = (kind: string, rule: string, name: string, path: string) => findings.push(finding(rule, 'error', owner, path,
    foundText(`"${name}", which is not a ${kind} in the output`),
    `a ${kind} in namespace "${ns}", or one declared external with Validation.of(scope).declareExternal('${kind}', '${name}')`));
  const spec = template.spec;
  const sp = template.specPath;
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  if (account !== undefined && account !== 'default' && missing('ServiceAccount', account)) report('ServiceAccount', ReferenceRules.SERVICE_ACCOUNT, account, `${sp}.serviceAccountName`);
  (spec.imagePullSecrets ?? []).forEach((s: KubeObject, i: number) => {
    if (missing('Secret', s?.name)) report('Secret', ReferenceRules.SECRET, s.name, `${sp}.imagePullSecrets[${i}].name`);
  });
  (spec.volumes ?? []).forEach((volume: KubeObject, i: number) => {
    const configMap = volume?.configMap;
    const secret = volume?.secret;
    const claim = volume?.persistentVolumeClaim;
    if (configMap && missing('ConfigMap', configMap.name, configMap.optional)) report('ConfigMap', ReferenceRules.CONFIG_MAP, configMap.name, `${sp}.volumes[${i}].configMap.name`);
    if (secret && missing('Secret', secret.secretName, secret.optional)) report('Secret', ReferenceRules.SECRET, secret.secretName, `${sp}.volumes[${i}].secret.secretName`);
    if (claim && missing('PersistentVolumeClaim', claim.claimName)) report('PersistentVolumeClaim', ReferenceRules.PVC, claim.claimName, `${sp}.volumes[${i}].persistentVolumeClaim.claimName`);
    (volume?.projected?.sources ?? []).forEach((source: KubeObject, j: number) => {
      const at = `${sp}.volumes[${i}].projected.sources[${j}]`;
      if (source?.configMap && missing('ConfigMap', source.configMap.name, source.configMap.optional)) report('ConfigMap', ReferenceRules.CONFIG_MAP, source.configMap.name, `${at}.configMap.name`);
      if (source?.secret && missing('Secret', source.secret.name, source.secret.optional)) report('Secret', ReferenceRules.SECRET, source.secret.name, `${at}.secret.name`);
    });
  });
  for (const { container, path } of template.containers) {
    (container.env ?? []).forEach((env: KubeObject, i: number) => {
      const from = env?.valueFrom ?? {};
      const configMap = from.configMapKeyRef;
      const secret = from.secretKeyRef;
      if (configMap && missing('ConfigMap', configMap.name, configMap.optional)) report('ConfigMap', ReferenceRules.CONFIG_MAP, configMap.name, `${path}.env[${i}].valueFrom.configMapKeyRef.name`);
      if (secret && missing('Secret', secret.name, secret.optional)) report('Secret', ReferenceRules.SECRET, secret.name, `${path}.env[${i}].valueFrom.secretKeyRef.name`);
    });
    (container.envFrom ?? []).forEach((source: KubeObject, i: number) => {
      const configMap = source?.configMapRef;
      const secret = source?.secretRef;
      if (configMap && missing('ConfigMap', configMap.name, configMap.optional)) report('ConfigMap', ReferenceRules.CONFIG_MAP, configMap.name, `${path}.envFrom[${i}].configMapRef.name`);
      if (secret && missing('Secret', secret.name, secret.optional)) report('Secret', ReferenceRules.SECRET, secret.name, `${path}.envFrom[${i}].secretRef.name`);
    });
  }
}

/** Secrets that an operator object in the output creates: ExternalSecret targets and SealedSecrets. */
function producedByOperator(index: ObjectIndex, kind: string, scope: string, name: string): boolean {
  if (kind !== 'Secret') return false;
  if (index.find('SealedSecret', scope, name).length > 0) return true;
  return index.ofKind('ExternalSecret', scope).some((es) => (es.json.spec?.target?.name ?? es.name) === name);
}

function checkMountsAndProbes(template: PodTemplate, findings: Finding[]): void {
  const owner = template.owner;
  const volumes = new Set<string>((template.spec.volumes ?? []).map((v: KubeObject) => v?.name));
  for (const claim of owner.kind === 'StatefulSet' ? owner.json.spec?.volumeClaimTemplates ?? [] : []) volumes.add(claim?.metadata?.name);
  for (const { container, path } of template.containers) {
    (container.volumeMounts ?? []).forEach((mount: KubeObject, i: number) => {
      if (!volumes.has(mount?.name)) {
        findings.push(finding(ReferenceRules.VOLUME_MOUNT, 'error', owner, `${path}.volumeMounts[${i}].name`, mount?.name,
          `the name of a volume of the pod: ${[...volumes].filter(Boolean).join(', ') || 'it has none'}`));
      }
    });
    const portNames = new Set<string>((container.ports ?? []).map((p: KubeObject) => p?.name).filter(Boolean));
    for (const probe of PROBES) {
      const handler = container[probe]?.httpGet ?? container[probe]?.tcpSocket ?? container[probe]?.grpc;
      const port = handler?.port;
      if (typeof port === 'string' && !portNames.has(port)) {
        const kind = container[probe].httpGet ? 'httpGet' : container[probe].tcpSocket ? 'tcpSocket' : 'grpc';
        findings.push(finding(ReferenceRules.PROBE_PORT, 'error', owner, `${path}.${probe}.${kind}.port`, port,
          `a port name of the container: ${[...portNames].join(', ') || 'it names none'}`));
      }
    }
  }
}

function describeCandidates(templates: readonly PodTemplate[]): string {
  if (templates.length === 0) return 'there are none';
  return `candidates: ${templates.slice(0, 5).map((t) => `${t.owner.kind}/${t.owner.name} ${JSON.stringify(t.labels)}`).join('; ')}${templates.length > 5 ? '; …' : ''}`;
}

function describeWorkloads(index: ObjectIndex, scope: string): string {
  const names = WORKLOAD_KINDS.flatMap((kind) => index.ofKind(kind, scope).map((o) => `${o.kind}/${o.name}`));
  return names.length ? names.slice(0, 10).join(', ') : 'there are none';
}

function describeNames(objects: readonly IndexedObject[]): string {
  return objects.length ? objects.slice(0, 10).map((o) => o.name).join(', ') : 'there are none';
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
