// The Kubernetes API server's endpoints, which workloads granted API access may reach: NetworkPolicies match the
// endpoints' addresses, not the Service IP, so the Platform declares them.
import { IConstruct } from 'constructs';
import { parseCidr } from './cidr';
import { PatternError } from '../errors';
import { checkPort } from '../private/prop-checks';

/** Where the Kubernetes API server answers, for the egress of workloads granted API access. */
export interface ApiServerEndpoints {
  /** The endpoints' addresses as CIDR blocks, e.g. `['10.0.0.2/32']`. */
  readonly cidrs: readonly string[];
  /**
   * The endpoints' port (443 on most managed clusters, 6443 on kubeadm).
   * @default 443
   */
  readonly port?: number;
}

/** Checks the declared endpoints; errors name `scope`. */
export function checkApiServer(scope: IConstruct, endpoints: ApiServerEndpoints): { cidrs: string[]; port: number } {
  if (typeof endpoints !== 'object' || endpoints === null || !Array.isArray(endpoints.cidrs) || endpoints.cidrs.length === 0) {
    throw PatternError.invalidProp(scope, 'apiServer.cidrs', endpoints?.cidrs, 'must list the API server endpoints\' addresses, e.g. ["10.0.0.2/32"]');
  }
  for (const cidr of endpoints.cidrs) {
    const parsed = parseCidr(cidr);
    if ('reason' in parsed) throw PatternError.invalidProp(scope, 'apiServer.cidrs', cidr, parsed.reason);
    if (parsed.prefix < (parsed.family === 4 ? 24 : 112)) {
      throw PatternError.invalidProp(scope, 'apiServer.cidrs', cidr, 'must name the endpoints closely (a /24 or narrower): a wide block opens more than the API server');
    }
  }
  const port = endpoints.port ?? 443;
  checkPort(scope, 'apiServer.port', port);
  return { cidrs: [...endpoints.cidrs].sort(), port };
}
