// The address ranges a Platform's egress to the outside must never reach: the cluster's own ranges (declared per
// Platform) and the link-local and cloud metadata ranges (always). Every ipBlock the kit writes excepts them.
import { IConstruct } from 'constructs';
import * as k8s from '../private/k8s';
import { Cidr, cidrContains, knownCidr, parseCidr } from './cidr';
import { PatternError } from '../errors';

/** Ranges no egress to the outside may reach, on any cluster: link-local (incl. 169.254.169.254) and AWS IMDS on IPv6. */
const ALWAYS_EXCEPTED = ['169.254.0.0/16', 'fe80::/10', 'fd00:ec2::254/128'].map(knownCidr);

/** The private ranges (RFC 1918, carrier-grade NAT, IPv6 unique local): where a cluster's pods and Services live. */
const PRIVATE_RANGES = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

/** Props of ClusterNetwork.of(). */
export interface ClusterNetworkProps {
  /**
   * The cluster's own address ranges: pod, Service and node CIDRs and the API server's addresses. Egress to the
   * outside excepts them, and a destination inside one is refused (reach workloads with connectTo).
   */
  readonly internalCidrs: readonly string[];
}

/**
 * What a Platform knows of its cluster's addresses, for the ipBlocks of egress to the outside.
 * @see https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 */
export class ClusterNetwork {
  /**
   * Every private range counts as the cluster's own (10/8, 100.64/10, 172.16/12, 192.168/16, fc00::/7): the safe
   * default when the cluster's CIDRs are not declared. A destination in a private range (a managed database in the
   * VPC) then needs the Platform's real ranges declared with ClusterNetwork.of().
   */
  public static privateRanges(): ClusterNetwork {
    return new ClusterNetwork(PRIVATE_RANGES.map(knownCidr));
  }

  /** The cluster's declared ranges, e.g. `ClusterNetwork.of({ internalCidrs: ['10.0.0.0/14', '10.4.0.0/19'] })`. */
  public static of(props: ClusterNetworkProps): ClusterNetwork {
    if (typeof props !== 'object' || props === null || !Array.isArray(props.internalCidrs) || props.internalCidrs.length === 0) {
      throw new PatternError('ClusterNetwork.of', `internalCidrs (${JSON.stringify(props?.internalCidrs)}) must list the cluster's pod, Service and node CIDRs`);
    }
    return new ClusterNetwork(props.internalCidrs.map((text) => {
      const parsed = parseCidr(text);
      if ('reason' in parsed) throw PatternError.invalidProp('ClusterNetwork.of', 'internalCidrs', text, parsed.reason);
      return parsed;
    }));
  }

  private constructor(public readonly internal: readonly Cidr[]) {}

  /**
   * The NetworkPolicy peer for a destination outside the cluster: the block with every internal, link-local and
   * metadata range inside it excepted. A destination within one of those ranges is refused, naming `scope` and `prop`.
   */
  public ipBlock(scope: IConstruct, prop: string, text: string): k8s.NetworkPolicyPeer {
    const cidr = parseCidr(text);
    if ('reason' in cidr) throw PatternError.invalidProp(scope, prop, text, `${cidr.reason}`);
    for (const range of ALWAYS_EXCEPTED) {
      if (cidrContains(range, cidr)) {
        throw PatternError.invalidProp(scope, prop, text,
          `is within the link-local range ${range.text} (node-local services and the cloud metadata endpoint): no workload may reach it; name a public address block`);
      }
    }
    for (const range of this.internal) {
      if (cidrContains(range, cidr)) {
        throw PatternError.invalidProp(scope, prop, text,
          `is within the cluster's range ${range.text}: reach workloads with connectTo, or, for a destination outside the cluster in that range, declare the Platform's real ranges with clusterNetwork: ClusterNetwork.of({ internalCidrs })`);
      }
    }
    const byText = new Map([...ALWAYS_EXCEPTED, ...this.internal].map((range) => [range.text, range]));
    const inside = [...byText.values()].filter((range) => cidrContains(cidr, range));
    const except = inside.filter((range) => !inside.some((other) => other !== range && cidrContains(other, range)))
      .map((range) => range.text).sort();
    return { ipBlock: except.length > 0 ? { cidr: cidr.text, except } : { cidr: cidr.text } };
  }
}
