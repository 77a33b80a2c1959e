// The cluster DNS every pod must reach, and the egress rule that allows it.
import { k8s } from 'cdk8s-plus-28';

/** Where cluster DNS runs: CoreDNS keeps the `k8s-app: kube-dns` label in `kube-system` for compatibility. */
export const CLUSTER_DNS = {
  namespace: 'kube-system',
  podLabels: { 'k8s-app': 'kube-dns' },
  port: 53,
} as const;

/** Egress to cluster DNS on port 53, UDP and TCP (large answers fall back to TCP). */
export function dnsEgressRule(): k8s.NetworkPolicyEgressRule {
  return {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CLUSTER_DNS.namespace } },
      podSelector: { matchLabels: { ...CLUSTER_DNS.podLabels } },
    }],
    ports: ['UDP', 'TCP'].map((protocol) => ({ port: k8s.IntOrString.fromNumber(CLUSTER_DNS.port), protocol })),
  };
}
