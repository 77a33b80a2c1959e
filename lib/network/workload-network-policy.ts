// One NetworkPolicy per workload, derived at synth time from the wiring graph: ingress from wired clients on its
// ports, egress to wired servers and DNS. Nothing else is allowed.
import { ApiObjectMetadata, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../private/k8s';
import { ClusterDns } from './cluster-dns';
import { ExternalFlow, INetworkPeer, NetworkPort, WiringEdge, WiringGraph } from './wiring-graph';
import { compareCodePoints } from '../private/ordering';
import { sharedLabels } from '../labels';

/** Props of a WorkloadNetworkPolicy. */
export interface WorkloadNetworkPolicyProps {
  /** The workload the policy selects. */
  readonly peer: INetworkPeer;
  /** Metadata of the policy object (name, labels). */
  readonly metadata: ApiObjectMetadata;
  /** The platform's DNS, which every workload may reach. */
  readonly dns: ClusterDns;
  /**
   * The labels the policy selects the workload's pods by.
   * @default - the peer's podSelector
   */
  readonly selector?: Readonly<Record<string, string>>;
}

/** Both directions, the same (frozen) list for every policy. */
const POLICY_TYPES: readonly string[] = Object.freeze(['Ingress', 'Egress']);

/**
 * The policy of one workload. Rules are sorted by peer, so the order in which wiring was declared does not
 * change the output.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export class WorkloadNetworkPolicy extends Construct {
  /** The NetworkPolicy object. */
  public readonly apiObject: k8s.KubeNetworkPolicy;
  private readonly peer: INetworkPeer;
  private readonly dns: ClusterDns;

  constructor(scope: Construct, id: string, props: WorkloadNetworkPolicyProps) {
    super(scope, id);
    this.peer = props.peer;
    this.dns = props.dns;
    this.apiObject = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: props.metadata,
      spec: {
        podSelector: { matchLabels: sharedLabels(props.selector ?? props.peer.podSelector) },
        policyTypes: POLICY_TYPES as string[],
        ingress: Lazy.any({ produce: () => this.ingressRules() }),
        egress: Lazy.any({ produce: () => this.egressRules() }),
      },
    });
  }

  /** Ingress rules: one per wired client, then flows from outside. */
  public ingressRules(): k8s.NetworkPolicyIngressRule[] {
    const graph = WiringGraph.of(this);
    const internal = groupByPeer(graph.edgesTo(this.peer), (e) => e.from)
      .map(({ peer, ports }) => ({ from: [peerSelector(peer, this.peer.namespace)], ports: renderPorts(ports) }));
    const external = sortExternal(graph.externalAt(this.peer, 'ingress'))
      .map((f) => ({ from: [...f.others], ports: renderPorts(f.ports) }));
    return [...internal, ...external];
  }

  /** Egress rules: DNS, one per wired server, then flows to outside. */
  public egressRules(): k8s.NetworkPolicyEgressRule[] {
    const graph = WiringGraph.of(this);
    const internal = groupByPeer(graph.edgesFrom(this.peer), (e) => e.to)
      .map(({ peer, ports }) => ({ to: [peerSelector(peer, this.peer.namespace)], ports: renderPorts(ports) }));
    const external = sortExternal(graph.externalAt(this.peer, 'egress'))
      .map((f) => ({ to: [...f.others], ports: renderPorts(f.ports) }));
    return [this.dns.egressRule(), ...internal, ...external];
  }
}

/** A NetworkPolicy peer that selects another workload's pods, across namespaces when needed. */
export function peerSelector(peer: INetworkPeer, fromNamespace: string): k8s.NetworkPolicyPeer {
  const podSelector = { matchLabels: { ...peer.podSelector } };
  if (peer.namespace === fromNamespace) return { podSelector };
  return { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } } };
}

function groupByPeer(edges: readonly WiringEdge[], end: (e: WiringEdge) => INetworkPeer) {
  const groups = new Map<INetworkPeer, NetworkPort[]>();
  for (const edge of edges) {
    const peer = end(edge);
    groups.set(peer, [...(groups.get(peer) ?? []), ...edge.ports]);
  }
  return [...groups.entries()]
    .map(([peer, ports]) => ({ peer, ports }))
    .sort((a, b) => compareCodePoints(peerKey(a.peer), peerKey(b.peer)));
}

function peerKey(peer: INetworkPeer): string {
  return `${peer.namespace}/${peer.workloadName}`;
}

function sortExternal(flows: ExternalFlow[]): ExternalFlow[] {
  // Flows of one description are told apart by what they allow, never left in declaration order.
  const key = (f: ExternalFlow) => `${f.description}\u0000${JSON.stringify([f.others, f.ports])}`;
  return [...flows].sort((a, b) => compareCodePoints(key(a), key(b)));
}

function renderPorts(ports: readonly NetworkPort[]): k8s.NetworkPolicyPort[] {
  const unique = new Map<string, NetworkPort>();
  for (const p of ports) unique.set(`${p.protocol ?? 'TCP'}/${String(p.port).padStart(5, '0')}`, p);
  return [...unique.keys()].sort().map((key) => {
    const p = unique.get(key)!;
    return { port: k8s.IntOrString.fromNumber(p.port), protocol: p.protocol ?? 'TCP' };
  });
}
