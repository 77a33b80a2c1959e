// The cluster DNS every pod must reach, chosen per Platform, and the egress rule that allows exactly it.
import * as k8s from '../private/k8s';
import { checkDnsLabel, checkLabelValue, checkPort } from '../private/prop-checks';
import { PatternError } from '../errors';

/** Props of ClusterDns.custom(). */
export interface CustomDnsProps {
  /** The namespace of the DNS pods. */
  readonly namespace: string;
  /** Labels of the DNS pods. */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * The port the DNS pods listen on (a NetworkPolicy matches the pod's port, not the Service's).
   * @default 53
   */
  readonly port?: number;
}

/**
 * Where the platform's pods resolve names: the peers and port of the DNS egress rule every policy carries.
 * @see https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
export class ClusterDns {
  /** CoreDNS or kube-dns: pods labelled `k8s-app: kube-dns` in `kube-system`, port 53. The default. */
  public static kubeDns(): ClusterDns {
    return new ClusterDns('kube-dns', [KUBE_DNS_PODS], 53);
  }

  /**
   * NodeLocal DNSCache (GKE Autopilot, EKS and AKS add-ons): the cache on each node at a link-local address
   * (169.254.20.10 by default), and kube-dns behind it for the iptables mode and when the cache restarts.
   */
  public static nodeLocal(address = '169.254.20.10'): ClusterDns {
    if (typeof address !== 'string' || !/^169\.254\.\d{1,3}\.\d{1,3}$/.test(address) || address.split('.').some((o) => Number(o) > 255)) {
      throw PatternError.invalidProp('ClusterDns.nodeLocal', 'address', address, 'must be the cache\'s link-local IPv4 address, e.g. "169.254.20.10"');
    }
    return new ClusterDns('node-local', [{ ipBlock: { cidr: `${address}/32` } }, KUBE_DNS_PODS], 53);
  }

  /** GKE Cloud DNS: pods resolve through the metadata server, 169.254.169.254, on port 53 only. */
  public static gkeCloudDns(): ClusterDns {
    return new ClusterDns('gke-cloud-dns', [{ ipBlock: { cidr: '169.254.169.254/32' } }], 53);
  }

  /** OpenShift's DNS operator: its daemon set in `openshift-dns`, listening on 5353 behind the Service's 53. */
  public static openShift(): ClusterDns {
    return new ClusterDns('openshift', [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'openshift-dns' } },
      podSelector: { matchLabels: { 'dns.operator.openshift.io/daemonset-dns': 'default' } },
    }], 5353);
  }

  /** Another DNS: its pods' namespace, labels and port. */
  public static custom(props: CustomDnsProps): ClusterDns {
    const where = 'ClusterDns.custom';
    if (typeof props !== 'object' || props === null) throw PatternError.invalidProp(where, 'props', props, 'must be an object of props');
    checkDnsLabel(where, 'namespace', props.namespace);
    const labels = Object.entries(props.podLabels ?? {});
    if (labels.length === 0) {
      throw PatternError.invalidProp(where, 'podLabels', props.podLabels, 'must select the DNS pods by at least one label (an empty selector would allow every pod of the namespace)');
    }
    for (const [, value] of labels) checkLabelValue(where, 'podLabels', value);
    const port = props.port ?? 53;
    checkPort(where, 'port', port);
    return new ClusterDns(`custom (${props.namespace})`, [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } },
      podSelector: { matchLabels: Object.fromEntries(labels) },
    }], port);
  }

  private constructor(
    /** The mode, for reports: kube-dns, node-local, gke-cloud-dns, openshift or custom. */
    public readonly mode: string,
    private readonly peers: readonly k8s.NetworkPolicyPeer[],
    /** The port the DNS servers listen on. */
    public readonly port: number,
  ) {}

  /** Egress to the DNS servers on their port, UDP and TCP (large answers fall back to TCP). */
  public egressRule(): k8s.NetworkPolicyEgressRule {
    return {
      to: this.peers.map((peer) => structuredClone(peer)),
      ports: ['UDP', 'TCP'].map((protocol) => ({ port: k8s.IntOrString.fromNumber(this.port), protocol })),
    };
  }
}

const KUBE_DNS_PODS: k8s.NetworkPolicyPeer = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
