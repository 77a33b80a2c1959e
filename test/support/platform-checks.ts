// Whole-platform checks over synthesized objects; each returns the problems it found, so a failure lists them all.
import { K8sObject } from './objects';

/** Allowed flows, each `from>to:port/protocol`, seen from the receiving end (ingress) and the sending end (egress). */
export interface FlowSets {
  readonly ingress: Set<string>;
  readonly egress: Set<string>;
}

/** One flow as a comparable string. */
export function flowKey(from: string, to: string, port: number | string, protocol = 'TCP'): string {
  return `${from}>${to}:${port}/${protocol}`;
}

const NAME_LABEL = 'app.kubernetes.io/name';
/** The one label a workload's own NetworkPolicy selects its pods by. */
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Kinds whose names must be DNS-1123 labels (they become DNS names or label values). */
const LABEL_NAMED_KINDS = new Set(['Namespace', 'Service', 'Deployment', 'StatefulSet', 'CronJob', 'Rollout']);

/** A pod template of a workload object. */
export interface PodTemplate {
  readonly ref: string;
  readonly labels: Record<string, string>;
  readonly spec: K8sObject;
}

/** The pod templates of Deployments, StatefulSets, Argo Rollouts and CronJobs. */
export function podTemplates(objects: readonly K8sObject[]): PodTemplate[] {
  const templates: PodTemplate[] = [];
  for (const o of objects) {
    const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template
      : ['Deployment', 'StatefulSet', 'Rollout'].includes(o.kind) ? o.spec.template : undefined;
    if (template) templates.push({ ref: `${o.kind}/${o.metadata.name}`, labels: template.metadata?.labels ?? {}, spec: template.spec });
  }
  return templates;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/**
 * A NetworkPolicy peer as a name: a workload, `dns`, `ns:<namespace>`, `pods:<namespace>{k=v,…}` (pods of another
 * namespace that are no workload, e.g. Prometheus or the edge's proxies) or `cidr:<block>`.
 */
function peerName(peer: K8sObject, ownNamespace: string): string {
  if (peer.ipBlock) return `cidr:${peer.ipBlock.cidr}${peer.ipBlock.except ? ` except ${peer.ipBlock.except.join(',')}` : ''}`;
  const namespace = peer.namespaceSelector ? peer.namespaceSelector.matchLabels?.[NAMESPACE_LABEL] ?? '*' : ownNamespace;
  const pods = peer.podSelector?.matchLabels;
  if (pods === undefined) return peer.namespaceSelector ? `ns:${namespace}` : `?${JSON.stringify(peer)}`;
  if (namespace === 'kube-system' && pods['k8s-app'] === 'kube-dns' && Object.keys(pods).length === 1) return 'dns';
  const name = pods[NAME_LABEL];
  if (namespace !== ownNamespace && (name === undefined || Object.keys(pods).length !== 2)) return podsKey(namespace, pods);
  if (name === undefined || Object.keys(pods).length !== 2) return `?${JSON.stringify(peer)}`;
  return namespace === ownNamespace ? name : `${namespace}/${name}`;
}

/** The name of some labelled pods of a namespace. */
export function podsKey(namespace: string, labels: Readonly<Record<string, string>>): string {
  return `pods:${namespace}{${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}}`;
}

function portsOf(rule: K8sObject): Array<[string | number, string]> {
  if (!rule.ports) return [['*', '*']];
  return rule.ports.map((p: K8sObject) => [p.port ?? '*', p.protocol ?? 'TCP'] as [string | number, string]);
}

/**
 * The flows the workload NetworkPolicies (those with a pod selector) allow. A rule with no peers or no ports shows
 * up as `*`, so an allow-all can never go unnoticed.
 */
export function policyFlows(objects: readonly K8sObject[]): FlowSets {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  for (const policy of objects.filter(isWorkloadPolicy)) {
    const namespace = policy.metadata.namespace;
    const self = policy.spec.podSelector.matchLabels[INSTANCE_LABEL] ?? `?${policy.metadata.name}`;
    for (const rule of policy.spec.ingress ?? []) {
      const peers: string[] = rule.from ? rule.from.map((p: K8sObject) => peerName(p, namespace)) : ['*'];
      for (const peer of peers) for (const [port, protocol] of portsOf(rule)) ingress.add(flowKey(peer, self, port, protocol));
    }
    for (const rule of policy.spec.egress ?? []) {
      const peers: string[] = rule.to ? rule.to.map((p: K8sObject) => peerName(p, namespace)) : ['*'];
      for (const peer of peers) for (const [port, protocol] of portsOf(rule)) egress.add(flowKey(self, peer, port, protocol));
    }
  }
  return { ingress, egress };
}

function isWorkloadPolicy(o: K8sObject): boolean {
  return o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector ?? {}).length > 0;
}

/** Differences between the flows the policies allow and those declared: `+` allowed but undeclared, `-` missing. */
export function flowDifferences(actual: FlowSets, declared: FlowSets): string[] {
  const diff = (direction: string, a: Set<string>, d: Set<string>) => [
    ...[...a].filter((f) => !d.has(f)).map((f) => `+ ${direction} ${f} (allowed, not declared)`),
    ...[...d].filter((f) => !a.has(f)).map((f) => `- ${direction} ${f} (declared, not allowed)`),
  ];
  return [...diff('ingress', actual.ingress, declared.ingress), ...diff('egress', actual.egress, declared.egress)].sort();
}

/**
 * Every pod is selected by exactly one workload NetworkPolicy with both policy types, and the namespace-wide
 * policies only deny, or allow DNS egress.
 */
export function networkCoverageProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const policies = objects.filter(isWorkloadPolicy);
  for (const pod of podTemplates(objects)) {
    const covering = policies.filter((p) => selects(p.spec.podSelector.matchLabels, pod.labels));
    if (covering.length !== 1) problems.push(`${pod.ref}: selected by ${covering.length} workload NetworkPolicies, expected 1`);
    for (const p of covering) {
      const types = [...(p.spec.policyTypes ?? [])].sort().join(',');
      if (types !== 'Egress,Ingress') problems.push(`${pod.ref}: NetworkPolicy ${p.metadata.name} has policyTypes ${types}`);
    }
  }
  for (const p of objects.filter((o) => o.kind === 'NetworkPolicy' && !isWorkloadPolicy(o))) {
    if ((p.spec.ingress ?? []).length > 0) problems.push(`NetworkPolicy ${p.metadata.name} selects every pod and allows ingress`);
    const egress = (p.spec.egress ?? []).flatMap((rule: K8sObject) => (rule.to ?? [{}]).map((peer: K8sObject) => peerName(peer, p.metadata.namespace)));
    if (egress.some((peer: string) => peer !== 'dns')) problems.push(`NetworkPolicy ${p.metadata.name} selects every pod and allows egress to ${egress.join(', ')}`);
  }
  return problems;
}

/** Every Service selects the pods of at least one workload, and each targetPort names a port of those pods. */
export function serviceProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const pods = podTemplates(objects);
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const selector = service.spec.selector;
    const ref = `Service/${service.metadata.name}`;
    if (!selector || Object.keys(selector).length === 0) {
      problems.push(`${ref}: has no selector`);
      continue;
    }
    const targets = pods.filter((p) => selects(selector, p.labels));
    if (targets.length === 0) problems.push(`${ref}: selects no pods`);
    for (const target of targets) {
      const ports = (target.spec.containers as K8sObject[]).flatMap((c) => c.ports ?? []);
      for (const port of service.spec.ports) {
        const found = ports.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort);
        if (!found) problems.push(`${ref}: targetPort ${port.targetPort} is no container port of ${target.ref}`);
      }
    }
  }
  return problems;
}

/** Object names are unique per kind and namespace and valid DNS names; label values are valid. */
export function nameProblems(objects: readonly K8sObject[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    const name: string = o.metadata?.name;
    const ref = `${o.kind}/${o.metadata?.namespace ?? ''}/${name}`;
    if (seen.has(ref)) problems.push(`${ref}: appears twice`);
    seen.add(ref);
    const label = LABEL_NAMED_KINDS.has(o.kind);
    if (typeof name !== 'string' || !(label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253)) {
      problems.push(`${ref}: invalid name for a ${o.kind}`);
    }
    for (const [key, value] of Object.entries<string>(o.metadata?.labels ?? {})) {
      if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) problems.push(`${ref}: label ${key}=${JSON.stringify(value)} is no valid label value`);
    }
  }
  return problems;
}

/**
 * No secret value leaks: Secrets exist only where plaintext was opted into, `marker` (held by every generated
 * secret value) appears only inside those Secrets, and no env var with a secret-like name has a literal value.
 */
export function secretProblems(objects: readonly K8sObject[], marker: string, plaintextSecretNames: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind === 'Secret') {
      if (!plaintextSecretNames.has(o.metadata.name)) problems.push(`Secret/${o.metadata.name}: emitted without a plaintext opt-in`);
      continue;
    }
    if (JSON.stringify(o).includes(marker)) problems.push(`${o.kind}/${o.metadata?.name}: holds a secret value`);
  }
  for (const pod of podTemplates(objects)) {
    for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])] as K8sObject[]) {
      for (const env of c.env ?? []) {
        if (/PASSWORD|SECRET|TOKEN|CREDENTIAL|PLAIN_/i.test(env.name) && env.value !== undefined) {
          problems.push(`${pod.ref}: container ${c.name} has a literal value for ${env.name}`);
        }
      }
    }
  }
  return problems;
}
