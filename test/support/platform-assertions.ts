// Cross-checks for the reference platforms' tests: pod templates and selectors, NetworkPolicy allows as
// (from, to, port) triples, the gateway's nginx routes and Kubernetes quantities, read from synthesized objects.
import { App, Testing } from 'cdk8s';
import { Environment, Platform } from '../../lib';
import { KubernetesVersion } from '../../lib/kubernetes-version';
import { blogPlatform } from '../../apps/blog';
import { ecommercePlatform } from '../../apps/ecommerce';
import { K8sObject } from './objects';

/** A reference platform of `apps/`, by the name its output folder has. */
export interface ReferencePlatform {
  readonly name: 'blog' | 'ecommerce';
  readonly build: (app: App, environment: Environment, kubernetesVersion?: KubernetesVersion) => Platform;
}

export const REFERENCE_PLATFORMS: readonly ReferencePlatform[] = [
  { name: 'blog', build: blogPlatform },
  { name: 'ecommerce', build: ecommercePlatform },
];

export const ENVIRONMENTS: readonly Environment[] = [Environment.DEVELOPMENT, Environment.STAGING, Environment.PRODUCTION];

/** One platform in one environment, as a `describe.each` row. */
export interface PlatformCase {
  readonly platformName: ReferencePlatform['name'];
  readonly environmentName: string;
  readonly reference: ReferencePlatform;
  readonly environment: Environment;
}

/** Every platform × environment. */
export const PLATFORM_CASES: readonly PlatformCase[] = REFERENCE_PLATFORMS.flatMap((reference) =>
  ENVIRONMENTS.map((environment) => ({ platformName: reference.name, environmentName: environment.name, reference, environment })));

/** A platform built alone in a fresh app, and its synthesized objects. */
export function buildReference(reference: ReferencePlatform, environment: Environment): { platform: Platform; objects: K8sObject[] } {
  const platform = reference.build(Testing.app(), environment);
  return { platform, objects: Testing.synth(platform) as K8sObject[] };
}

/** How many objects of each kind, as a plain record sorted by kind. */
export function countByKind(objects: readonly K8sObject[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of objects.map((o) => o.kind as string).sort()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Kinds whose objects run pods from a template. */
export const POD_BEARING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'Rollout', 'CronJob'];

/** Kinds whose pods a Service may select (a CronJob's pods serve nobody). */
export const SERVING_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'Rollout'];

/** The pod template of a Deployment, StatefulSet, Rollout or CronJob; undefined for other kinds. */
export function podTemplateOf(object: K8sObject): K8sObject | undefined {
  if (object.kind === 'CronJob') return object.spec.jobTemplate.spec.template;
  if (SERVING_KINDS.includes(object.kind)) return object.spec.template;
  return undefined;
}

/** Every container of a pod template, init containers included. */
export function containersOf(template: K8sObject): K8sObject[] {
  return [...(template.spec.initContainers ?? []), ...template.spec.containers];
}

/** `Kind/name`, for failure lists. */
export function nameOf(object: K8sObject): string {
  return `${object.kind}/${object.metadata.name}`;
}

/** Whether an equality selector (`matchLabels` or a Service selector) selects these labels; an empty one selects all. */
export function selects(selector: Readonly<Record<string, string>> | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

/** Whether a container port is the target `targetPort` names (a port name or number). */
export function containerHasPort(container: K8sObject, targetPort: string | number): boolean {
  return (container.ports ?? []).some((p: K8sObject) =>
    (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort));
}

/** The container port number `targetPort` resolves to in a pod template, or undefined. */
export function resolveContainerPort(template: K8sObject, targetPort: string | number): number | undefined {
  for (const container of template.spec.containers) {
    const port = (container.ports ?? []).find((p: K8sObject) =>
      (typeof targetPort === 'number' ? p.containerPort === targetPort : p.name === targetPort));
    if (port) return port.containerPort;
  }
  return undefined;
}

const NAME_LABEL = 'app.kubernetes.io/name';
/** The one label a workload's own NetworkPolicy and PDB select its pods by. */
const INSTANCE_LABEL = 'app.kubernetes.io/instance';

/** One allowed connection: `from` may open connections to `to` on `port`. */
export function triple(from: string, to: string, port: number): string {
  return `${from} -> ${to} :${port}`;
}

/**
 * The connections the workload NetworkPolicies admit, read from their ingress rules: a podSelector peer is the
 * workload named by its `app.kubernetes.io/name` label (`namespace/name` across namespaces); a
 * namespaceSelector-only peer is named through `externalNames` (namespace → description); anything else throws.
 */
export function ingressAllows(objects: readonly K8sObject[], externalNames: Readonly<Record<string, string>>): string[] {
  const triples = new Set<string>();
  for (const policy of workloadPolicies(objects)) {
    const to = policy.spec.podSelector.matchLabels[INSTANCE_LABEL];
    for (const rule of policy.spec.ingress ?? []) {
      for (const peer of rule.from ?? []) {
        const from = peerName(policy, peer, externalNames);
        for (const port of rule.ports ?? []) triples.add(triple(from, to, port.port));
      }
    }
  }
  return [...triples].sort();
}

/** The connections the workload NetworkPolicies let out to other workloads (DNS and other peers left out). */
export function egressAllowsToWorkloads(objects: readonly K8sObject[]): string[] {
  const triples = new Set<string>();
  for (const policy of workloadPolicies(objects)) {
    const from = policy.spec.podSelector.matchLabels[INSTANCE_LABEL];
    for (const rule of policy.spec.egress ?? []) {
      for (const peer of rule.to ?? []) {
        if (!peer.podSelector?.matchLabels?.[NAME_LABEL]) continue;
        const to = peerName(policy, peer, {});
        for (const port of rule.ports ?? []) triples.add(triple(from, to, port.port));
      }
    }
  }
  return [...triples].sort();
}

/** NetworkPolicies that select one workload's pods (not the namespace-wide default-deny or allow-dns). */
export function workloadPolicies(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'NetworkPolicy' && o.spec.podSelector?.matchLabels?.[INSTANCE_LABEL] !== undefined);
}

function peerName(policy: K8sObject, peer: K8sObject, externalNames: Readonly<Record<string, string>>): string {
  const podName = peer.podSelector?.matchLabels?.[NAME_LABEL];
  const namespace = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];
  // Pods of a namespace outside the platform (Prometheus, the edge's data plane) go by the diagram's name for them.
  if (namespace !== undefined && namespace !== policy.metadata.namespace && externalNames[namespace] !== undefined) {
    return externalNames[namespace];
  }
  if (podName !== undefined) {
    return namespace === undefined || namespace === policy.metadata.namespace ? podName : `${namespace}/${podName}`;
  }
  throw new Error(`NetworkPolicy/${policy.metadata.name}: peer ${JSON.stringify(peer)} is neither a workload nor a known namespace`);
}

/** One `location` of the gateway's nginx.conf that proxies to an upstream, with that upstream's server. */
export interface NginxRoute {
  readonly path: string;
  readonly upstream: string;
  readonly host: string;
  readonly port: number;
}

/**
 * The proxied locations of an nginx.conf, each resolved through its `upstream` block to the `server` host and
 * port. Locations that do not proxy (health endpoints) are left out; a proxy_pass to an unknown upstream throws.
 */
export function parseNginxRoutes(conf: string): NginxRoute[] {
  const servers = new Map<string, { host: string; port: number }>();
  for (const match of conf.matchAll(/^\s*upstream\s+(\S+)\s*\{([^}]*)\}/gm)) {
    const server = /^\s*server\s+([^\s:;]+):(\d+)[^;]*;/m.exec(match[2]);
    if (!server) throw new Error(`upstream ${match[1]} has no "server host:port;" line`);
    servers.set(match[1], { host: server[1], port: Number(server[2]) });
  }
  const routes: NginxRoute[] = [];
  for (const match of conf.matchAll(/^\s*location\s+(?:[=~^]+\s+)?(\S+)\s*\{([^}]*)\}/gm)) {
    const proxy = /^\s*proxy_pass\s+https?:\/\/([^/;\s]+)/m.exec(match[2]);
    if (!proxy) continue;
    const server = servers.get(proxy[1]);
    if (!server) throw new Error(`location ${match[1]} proxies to ${proxy[1]}, which is no upstream of the file`);
    routes.push({ path: match[1], upstream: proxy[1], ...server });
  }
  return routes;
}

const BINARY_SUFFIXES: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL_SUFFIXES: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A CPU quantity (`250m`, `2`, `0.5`) in millicores. */
export function cpuMillis(quantity: string | number): number {
  const text = String(quantity);
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!match) throw new Error(`not a CPU quantity: "${text}"`);
  return match[2] === 'm' ? Number(match[1]) : Math.round(Number(match[1]) * 1000);
}

/** A memory or storage quantity (`64Mi`, `1Gi`, `500M`, `1024`) in bytes. */
export function bytes(quantity: string | number): number {
  const text = String(quantity);
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)$/.exec(text);
  if (!match) throw new Error(`not a byte quantity: "${text}"`);
  return Math.round(Number(match[1]) * (BINARY_SUFFIXES[match[2]] ?? DECIMAL_SUFFIXES[match[2]]));
}

/** What a platform needs with every workload at its maximum replicas plus rollout surge, read from its objects. */
export interface MaximumScale {
  readonly pods: number;
  readonly 'requests.cpu': number;
  readonly 'requests.memory': number;
  readonly 'limits.cpu': number;
  readonly 'limits.memory': number;
  readonly 'requests.storage': number;
  readonly 'requests.ephemeral-storage': number;
  readonly 'limits.ephemeral-storage': number;
  readonly persistentvolumeclaims: number;
}

/**
 * The maximum scale computed from the YAML alone: replicas from each workload's HPA (else `spec.replicas`, one
 * run for a non-overlapping CronJob), surge from its rolling-update or canary `maxSurge`, pod resources as the
 * scheduler counts them (the larger of the containers' sum and the largest init container), storage from claim
 * templates per replica and standalone claims. CPU in millicores, the rest in bytes.
 */
export function maximumScaleOf(objects: readonly K8sObject[]): MaximumScale {
  const totals = {
    'pods': 0, 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0, 'requests.storage': 0,
    'requests.ephemeral-storage': 0, 'limits.ephemeral-storage': 0, 'persistentvolumeclaims': 0,
  };
  for (const workload of objects.filter((o) => POD_BEARING_KINDS.includes(o.kind))) {
    const replicas = maxReplicasOf(workload, objects);
    const pods = replicas + surgeOf(workload, replicas);
    const template = podTemplateOf(workload)!;
    totals.pods += pods;
    totals['requests.cpu'] += pods * podResource(template, 'requests', 'cpu', cpuMillis);
    totals['requests.memory'] += pods * podResource(template, 'requests', 'memory', bytes);
    totals['limits.cpu'] += pods * podResource(template, 'limits', 'cpu', cpuMillis);
    totals['limits.memory'] += pods * podResource(template, 'limits', 'memory', bytes);
    totals['requests.ephemeral-storage'] += pods * podResource(template, 'requests', 'ephemeral-storage', bytes);
    totals['limits.ephemeral-storage'] += pods * podResource(template, 'limits', 'ephemeral-storage', bytes);
    for (const claim of workload.kind === 'StatefulSet' ? workload.spec.volumeClaimTemplates ?? [] : []) {
      totals['requests.storage'] += replicas * bytes(claim.spec.resources.requests.storage);
      totals.persistentvolumeclaims += replicas;
    }
  }
  for (const claim of objects.filter((o) => o.kind === 'PersistentVolumeClaim')) {
    totals['requests.storage'] += bytes(claim.spec.resources.requests.storage);
    totals.persistentvolumeclaims += 1;
  }
  return totals;
}

function maxReplicasOf(workload: K8sObject, objects: readonly K8sObject[]): number {
  if (workload.kind === 'CronJob') {
    if (workload.spec.concurrencyPolicy !== 'Forbid') throw new Error(`${nameOf(workload)} may overlap its runs`);
    return 1;
  }
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler'
    && o.spec.scaleTargetRef.kind === workload.kind && o.spec.scaleTargetRef.name === workload.metadata.name);
  return hpa ? hpa.spec.maxReplicas : workload.spec.replicas ?? 1;
}

function surgeOf(workload: K8sObject, replicas: number): number {
  const strategy = workload.kind === 'Deployment' ? workload.spec.strategy?.rollingUpdate
    : workload.kind === 'Rollout' ? workload.spec.strategy?.canary : undefined;
  if (workload.kind === 'Rollout' && !strategy) throw new Error(`${nameOf(workload)}: only canary Rollouts are counted`);
  if (!strategy) return 0;
  const surge = strategy.maxSurge ?? '25%';
  return typeof surge === 'number' ? surge : Math.ceil((replicas * Number(surge.replace('%', ''))) / 100);
}

function podResource(template: K8sObject, bound: 'requests' | 'limits', resource: 'cpu' | 'memory' | 'ephemeral-storage', parse: (q: string) => number): number {
  const amount = (c: K8sObject) => (c.resources?.[bound]?.[resource] === undefined ? 0 : parse(c.resources[bound][resource]));
  const running = template.spec.containers.reduce((sum: number, c: K8sObject) => sum + amount(c), 0);
  const init = Math.max(0, ...(template.spec.initContainers ?? []).map(amount));
  return Math.max(running, init);
}

/** One row of the capacity report's "Against the namespace quota" table. */
export interface QuotaRow {
  readonly resource: string;
  readonly atMaximum: string;
  readonly quota: string;
  readonly usedPercent: number;
}

/** The rows of the capacity report's quota table, as written. */
export function quotaTableOf(report: string): QuotaRow[] {
  const section = report.split('## Against the namespace quota')[1];
  if (section === undefined) throw new Error('the capacity report has no "Against the namespace quota" section');
  return [...section.matchAll(/^\| ([a-z.]+) \| (\S+) \| (\S+) \| (\d+) % \|$/gm)]
    .map((m) => ({ resource: m[1], atMaximum: m[2], quota: m[3], usedPercent: Number(m[4]) }));
}

/** A quota figure in the unit `maximumScaleOf` uses for that resource. */
export function quotaAmount(resource: string, quantity: string | number): number {
  if (resource === 'pods' || resource === 'persistentvolumeclaims') return Number(quantity);
  return resource.endsWith('.cpu') ? cpuMillis(quantity) : bytes(quantity);
}

/** Services without pods behind them, or whose targetPort some selected pod does not expose. */
export function serviceProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    if (Object.keys(service.spec.selector ?? {}).length === 0) problems.push(`${nameOf(service)} has no selector`);
    const selected = podsSelectedBy(objects, service.spec.selector, SERVING_KINDS);
    if (selected.length === 0) problems.push(`${nameOf(service)} selects no pods`);
    for (const port of service.spec.ports) {
      const target = port.targetPort ?? port.port;
      for (const workload of selected) {
        if (!podTemplateOf(workload)!.spec.containers.some((c: K8sObject) => containerHasPort(c, target))) {
          problems.push(`${nameOf(service)} port ${port.port} targets ${target}, which ${nameOf(workload)} does not expose`);
        }
      }
    }
  }
  return problems;
}

/** Pod-bearing objects without a workload NetworkPolicy restricting both directions, and policies selecting no pods. */
export function networkPolicyProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = workloadPolicies(objects);
  for (const workload of objects.filter((o) => POD_BEARING_KINDS.includes(o.kind))) {
    const covering = policies.filter((p) => selects(p.spec.podSelector.matchLabels, podTemplateOf(workload)!.metadata.labels));
    if (covering.length === 0) problems.push(`${nameOf(workload)} has no NetworkPolicy of its own`);
    for (const policy of covering) {
      const types: string[] = policy.spec.policyTypes ?? [];
      if (!(types.includes('Ingress') && types.includes('Egress'))) {
        problems.push(`${nameOf(policy)} covering ${nameOf(workload)} has policyTypes [${types.join(', ')}]`);
      }
    }
  }
  for (const policy of policies) {
    if (podsSelectedBy(objects, policy.spec.podSelector.matchLabels, POD_BEARING_KINDS).length === 0) {
      problems.push(`${nameOf(policy)} selects no pods`);
    }
  }
  return problems;
}

/** Where each proxied path of the gateway goes: path → Service name. */
export type RouteTable = Record<string, string>;

/**
 * Follows every proxied location of the gateway's nginx.conf to a Service of `namespace`, its port, the
 * container port behind it, and the ingress rule of the target's NetworkPolicy that admits `gatewayName` there.
 */
export function routeProblems(objects: readonly K8sObject[], conf: string, namespace: string, gatewayName: string,
  externalNames: Readonly<Record<string, string>>): { routes: RouteTable; problems: string[] } {
  const allows = ingressAllows(objects, externalNames);
  const routes: RouteTable = {};
  const problems: string[] = [];
  for (const route of parseNginxRoutes(conf)) {
    const [serviceName, hostNamespace, ...domain] = route.host.split('.');
    routes[route.path] = serviceName;
    if (hostNamespace !== namespace || domain.join('.') !== 'svc.cluster.local') {
      problems.push(`${route.path} reaches ${route.host}, not a Service of namespace ${namespace}`);
      continue;
    }
    const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === serviceName);
    const servicePort = service?.spec.ports.find((p: K8sObject) => p.port === route.port);
    if (!servicePort) {
      problems.push(`${route.path} reaches ${serviceName}:${route.port}, which is no Service port`);
      continue;
    }
    for (const workload of podsSelectedBy(objects, service!.spec.selector, SERVING_KINDS)) {
      const template = podTemplateOf(workload)!;
      const podPort = resolveContainerPort(template, servicePort.targetPort ?? servicePort.port);
      if (podPort === undefined || !allows.includes(triple(gatewayName, template.metadata.labels[NAME_LABEL], podPort))) {
        problems.push(`${route.path}: the NetworkPolicy of ${nameOf(workload)} does not admit ${gatewayName} on port ${podPort}`);
      }
    }
  }
  return { routes, problems };
}

/** Env names whose values are secrets (Polaris sensitiveContainerEnvVar, kube-linter env-var-secret). */
export const SECRET_LIKE_ENV = /(PASS(WORD)?|SECRET|TOKEN|API_?KEY|_KEY$|PRIVATE|CREDENTIAL|(^|_)AUTH$)/i;
/** `scheme://user:password@host`: credentials inside a URL. */
const CREDENTIALS_IN_URL = /:\/\/[^\s/:@]+:[^\s/@]+@/;

/** Secret objects, secret-like env not read from a Secret, credentials in literal env values. */
export function secretProblems(objects: readonly K8sObject[]): string[] {
  const problems = objects.filter((o) => o.kind === 'Secret').map((o) => `${nameOf(o)} holds secret values`);
  for (const workload of objects.filter((o) => POD_BEARING_KINDS.includes(o.kind))) {
    for (const container of containersOf(podTemplateOf(workload)!)) {
      for (const env of container.env ?? []) {
        const where = `${nameOf(workload)} container ${container.name} env ${env.name}`;
        if (SECRET_LIKE_ENV.test(env.name) && env.value !== undefined) problems.push(`${where} has a literal value`);
        else if (SECRET_LIKE_ENV.test(env.name) && env.valueFrom?.secretKeyRef === undefined) problems.push(`${where} is not read from a Secret`);
        if (typeof env.value === 'string' && CREDENTIALS_IN_URL.test(env.value)) problems.push(`${where} has credentials in a URL`);
      }
    }
  }
  return problems;
}

/** The env entries read from Secrets, as `workload/container/ENV <- secret:key`. */
export function secretReferences(objects: readonly K8sObject[]): string[] {
  const refs: string[] = [];
  for (const workload of objects.filter((o) => POD_BEARING_KINDS.includes(o.kind))) {
    for (const container of containersOf(podTemplateOf(workload)!)) {
      for (const env of container.env ?? []) {
        const ref = env.valueFrom?.secretKeyRef;
        if (ref) refs.push(`${workload.metadata.name}/${container.name}/${env.name} <- ${ref.name}:${ref.key}`);
      }
    }
  }
  return refs;
}

function podsSelectedBy(objects: readonly K8sObject[], selector: Record<string, string> | undefined, kinds: readonly string[]): K8sObject[] {
  return objects.filter((o) => kinds.includes(o.kind) && selects(selector, podTemplateOf(o)!.metadata.labels));
}

/** Where each workload may connect, from its NetworkPolicy's egress (DNS left out): name → sorted `to:port`. */
export function egressByWorkload(objects: readonly K8sObject[]): Record<string, string[]> {
  const byWorkload: Record<string, string[]> = {};
  for (const policy of workloadPolicies(objects)) byWorkload[policy.spec.podSelector.matchLabels[INSTANCE_LABEL]] = [];
  for (const allow of egressAllowsToWorkloads(objects)) {
    const [, from, to, port] = /^(\S+) -> (\S+) :(\d+)$/.exec(allow)!;
    byWorkload[from].push(`${to}:${port}`);
  }
  return byWorkload;
}

/** What a platform ships for operations: alert names, the Services scraped (on which port), dashboard rows. */
export interface Observability {
  readonly alerts: string[];
  /** `service:port` for every Service a ServiceMonitor selects, on the endpoint port it names. */
  readonly scraped: string[];
  /** ServiceMonitors whose endpoint port no selected Service has. */
  readonly danglingMonitors: string[];
  readonly dashboardRows: string[];
}

/** The PrometheusRules, ServiceMonitors and Grafana dashboard ConfigMaps of the objects. */
export function observabilityOf(objects: readonly K8sObject[]): Observability {
  const alerts = objects.filter((o) => o.kind === 'PrometheusRule')
    .flatMap((rule) => rule.spec.groups.flatMap((g: K8sObject) => g.rules.map((r: K8sObject) => r.alert as string)));
  const scraped: string[] = [];
  const danglingMonitors: string[] = [];
  for (const monitor of objects.filter((o) => o.kind === 'ServiceMonitor')) {
    const services = objects.filter((o) => o.kind === 'Service' && selects(monitor.spec.selector.matchLabels, o.metadata.labels));
    for (const endpoint of monitor.spec.endpoints) {
      const serving = services.filter((s) => s.spec.ports.some((p: K8sObject) => p.name === endpoint.port));
      if (serving.length === 0) danglingMonitors.push(`${nameOf(monitor)} port ${endpoint.port}`);
      scraped.push(...serving.map((s) => `${s.metadata.name}:${endpoint.port}`));
    }
  }
  const dashboardRows = objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.labels?.grafana_dashboard === '1')
    .flatMap((cm) => Object.values(cm.data as Record<string, string>))
    .flatMap((json) => JSON.parse(json).panels.filter((p: K8sObject) => p.type === 'row').map((p: K8sObject) => p.title as string));
  return { alerts, scraped: scraped.sort(), danglingMonitors, dashboardRows };
}
