// Reads the effective egress to addresses outside the cluster back from NetworkPolicies, as a CNI enforces them:
// a pod may reach an address on a port when a policy selecting it allows an ipBlock holding the address (and no
// except of that block holds it) on that port.
import { cidrContains, parseCidr, Cidr } from '../../lib/network/cidr';
import { K8sObject } from './objects';

function block(text: string): Cidr {
  const parsed = parseCidr(text);
  if ('reason' in parsed) throw new Error(`${text}: ${parsed.reason}`);
  return parsed;
}

function selectsPod(policy: K8sObject, podLabels: Readonly<Record<string, string>>): boolean {
  const selector = policy.spec.podSelector ?? {};
  return Object.entries(selector.matchLabels ?? {}).every(([k, v]) => podLabels[k] === v)
    && (selector.matchExpressions ?? []).length === 0;
}

/** The ports (`TCP/443`, or `any`) on which pods with `podLabels` may reach `address` (an IPv4 or IPv6 address). */
export function portsReaching(objects: readonly K8sObject[], podLabels: Readonly<Record<string, string>>, address: string): string[] {
  const target = block(address.includes(':') ? `${address}/128` : `${address}/32`);
  const ports = new Set<string>();
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy' && selectsPod(o, podLabels))) {
    if (!(policy.spec.policyTypes ?? []).includes('Egress')) continue;
    for (const rule of policy.spec.egress ?? []) {
      const holds = (rule.to ?? []).some((peer: K8sObject) => peer.ipBlock
        && cidrContains(block(peer.ipBlock.cidr), target)
        && !(peer.ipBlock.except ?? []).some((except: string) => cidrContains(block(except), target)));
      if (!holds && rule.to !== undefined) continue;
      if (!rule.ports || rule.ports.length === 0) ports.add('any');
      for (const p of rule.ports ?? []) ports.add(`${p.protocol ?? 'TCP'}/${p.port}`);
    }
  }
  return [...ports].sort();
}

/** The pod labels of every pod template in the output (Deployments, StatefulSets, Rollouts, CronJobs), by name. */
export function podLabelsByWorkload(objects: readonly K8sObject[]): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  for (const o of objects) {
    const template = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : ['Deployment', 'StatefulSet', 'Rollout'].includes(o.kind) ? o.spec.template : undefined;
    if (template) result[`${o.kind}/${o.metadata.name}`] = template.metadata.labels;
  }
  return result;
}
