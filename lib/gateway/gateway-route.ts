// The routes of an ApiGateway: path prefixes, the workloads or declared external hosts they reach, and their checks.
import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { IConnectable } from '../network/wiring-graph';
import { checkDnsSubdomain, checkInteger, checkUnique } from '../private/prop-checks';

/** Options of `ExternalTarget.host`. */
export interface ExternalTargetOptions {
  /**
   * The protocol towards the host. `https` verifies the host's certificate against the image's CA bundle.
   * @default 'https'
   */
  readonly protocol?: 'http' | 'https';
}

/**
 * A host outside the cluster that a route may send requests to. It has to be declared as such: a route can
 * otherwise only reach workloads of its own Platform.
 */
export class ExternalTarget {
  /** A host name (not a URL) and port, e.g. `ExternalTarget.host('api.example.com', 443)`. */
  public static host(hostname: string, port: number, options: ExternalTargetOptions = {}): ExternalTarget {
    return new ExternalTarget(hostname, port, options.protocol ?? 'https');
  }

  private constructor(
    public readonly hostname: string,
    public readonly port: number,
    public readonly protocol: 'http' | 'https',
  ) {}
}

/** A per-client request rate limit (nginx `limit_req`); requests beyond it get 429. */
export interface RouteRateLimit {
  /** The sustained rate per client and gateway replica. */
  readonly requestsPerSecond: number;
  /**
   * Requests above the rate that are still served at once.
   * @default - requestsPerSecond (one second's worth)
   */
  readonly burst?: number;
}

/**
 * One route: a path prefix and the workload (or declared external host) that serves it.
 * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html
 */
export interface GatewayRoute {
  /** The path prefix, starting with `/` (e.g. `/api/posts/`); the longest matching prefix wins. */
  readonly path: string;
  /** A workload of the gateway's own Platform (its Service's first port), or an `ExternalTarget`. */
  readonly to: IConnectable | ExternalTarget;
  /**
   * Replaces the matched prefix before the request is passed on: `{ path: '/api/posts/', rewrite: '/' }` sends
   * `/api/posts/42` as `/42`.
   * @default - the request path is passed unchanged
   */
  readonly rewrite?: string;
  /**
   * How long the upstream may take between two reads or writes.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How long opening a connection to the upstream may take.
   * @default Duration.seconds(5)
   */
  readonly connectTimeout?: Duration;
  /**
   * A per-client request rate limit.
   * @default - none
   */
  readonly rateLimit?: RouteRateLimit;
  /**
   * The request body limit of this route.
   * @default - the gateway's maxBodySize
   */
  readonly maxBodySize?: Size;
}

/** Who may open connections to the gateway: the Ingress controller's pods. */
export interface IngressControllerPeer {
  /**
   * The controller's namespace.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
  /**
   * Labels of the controller's pods, to admit only them from that namespace.
   * @default - every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

const SAFE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/** @internal The host names of a gateway: at least one, each a DNS subdomain (a leading `*.` allowed), no repeats. */
export function checkHosts(scope: Construct, hosts: readonly string[]): readonly string[] {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw PatternError.invalidProp(scope, 'hosts', hosts, 'must hold at least one host name');
  }
  hosts.forEach((host, i) => checkDnsSubdomain(scope, `hosts[${i}]`, typeof host === 'string' ? host.replace(/^\*\./, '') : host));
  checkUnique(scope, 'hosts', hosts);
  return [...hosts];
}

/** @internal A route path or rewrite: `/` first, safe characters, no empty steps. */
export function checkRoutePath(scope: Construct, prop: string, path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw PatternError.invalidProp(scope, prop, path, 'must start with "/"');
  }
  if (!SAFE_PATH.test(path) || path.includes('//')) {
    throw PatternError.invalidProp(scope, prop, path, 'must hold only letters, digits, ".", "_", "~", "-" and single "/"');
  }
}

/** @internal A route's rate limit with its burst resolved. */
export function rateLimitOf(scope: Construct, prop: string, limit: RouteRateLimit) {
  checkInteger(scope, `${prop}.requestsPerSecond`, limit.requestsPerSecond, 1, 100_000);
  const burst = limit.burst ?? limit.requestsPerSecond;
  checkInteger(scope, `${prop}.burst`, burst, 0, 100_000);
  return { requestsPerSecond: limit.requestsPerSecond, burst };
}
