// DNS as a Platform choice: the egress every policy carries follows it.
import { ClusterDns, ResilientMicroservice } from '../../lib';
import { findObject, synth, testPlatform } from '../support/objects';

const dnsRuleOf = (dns?: ClusterDns) => {
  const { platform } = testPlatform(dns ? { dns } : {});
  new ResilientMicroservice(platform, 'svc', { image: 'registry.example.com/svc:1.0.0' });
  const objects = synth(platform);
  const workloadRule = findObject(objects, 'NetworkPolicy', 'svc').spec.egress[0];
  expect(findObject(objects, 'NetworkPolicy', 'allow-dns').spec.egress).toEqual([workloadRule]);
  return workloadRule;
};
const ports = (port: number) => [{ port, protocol: 'UDP' }, { port, protocol: 'TCP' }];
const KUBE_DNS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };

describe('ClusterDns', () => {
  test('default: kube-dns pods in kube-system on 53', () => {
    expect(dnsRuleOf()).toEqual({ to: [KUBE_DNS], ports: ports(53) });
  });

  test('NodeLocal DNSCache: the link-local cache address, and kube-dns behind it', () => {
    expect(dnsRuleOf(ClusterDns.nodeLocal())).toEqual({ to: [{ ipBlock: { cidr: '169.254.20.10/32' } }, KUBE_DNS], ports: ports(53) });
    expect(dnsRuleOf(ClusterDns.nodeLocal('169.254.25.10')).to[0]).toEqual({ ipBlock: { cidr: '169.254.25.10/32' } });
  });

  test('GKE Cloud DNS: the metadata server, on 53 only', () => {
    expect(dnsRuleOf(ClusterDns.gkeCloudDns())).toEqual({ to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: ports(53) });
  });

  test('OpenShift: the DNS daemon set in openshift-dns on 5353', () => {
    expect(dnsRuleOf(ClusterDns.openShift())).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } }, podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } } }],
      ports: ports(5353),
    });
  });

  test('custom: its namespace, labels and port; bad input refused', () => {
    expect(dnsRuleOf(ClusterDns.custom({ namespace: 'dns', podLabels: { app: 'unbound' }, port: 5300 }))).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } }, podSelector: { matchLabels: { app: 'unbound' } } }],
      ports: ports(5300),
    });
    expect(() => ClusterDns.custom({ namespace: 'dns', podLabels: {} })).toThrow('[ClusterDns.custom] podLabels ({}) must select the DNS pods by at least one label');
    expect(() => ClusterDns.custom({ namespace: 'Kube System', podLabels: { a: 'b' } })).toThrow('namespace ("Kube System") must be a DNS-1123 label');
    expect(() => ClusterDns.custom({ namespace: 'dns', podLabels: { a: 'b' }, port: 0 })).toThrow('port (0) must be an integer from 1 to 65535');
    expect(() => ClusterDns.nodeLocal('10.0.0.10')).toThrow('[ClusterDns.nodeLocal] address ("10.0.0.10") must be the cache\'s link-local IPv4 address');
    expect(() => testPlatform({ dns: 'kube-dns' as any })).toThrow('[shop] dns ("kube-dns") must be made with ClusterDns.kubeDns()');
  });
});
