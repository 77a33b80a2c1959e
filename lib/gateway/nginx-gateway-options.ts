// The ApiGateway's nginx settings beyond routing: DNS for external hosts, trusted proxies, metrics.
import { IConstruct } from 'constructs';
import { Environment } from '../environment';
import { resolveTrustedProxies } from './nginx-client-address';
import { GatewayDnsOptions, NginxResolver, resolveGatewayDns, resolverStartScript } from './nginx-upstreams';

/** Props of an ApiGateway that shape its nginx beyond the routes. */
export interface NginxGatewayOptions {
  /**
   * How external hosts (`ExternalTarget.host`) are looked up: at request time, so address changes are followed.
   * @default - the pod's nameservers, answers kept 30 s, lookups time out after 5 s, IPv4 only
   */
  readonly dns?: GatewayDnsOptions;
  /**
   * CIDRs of the proxies in front of the gateway (the ingress controller's or Gateway data plane's pods) whose
   * X-Forwarded-For is believed. Only from them is the client address (rate limits, X-Real-IP, the access log)
   * taken from that header: the last address in it that is not itself a trusted proxy.
   * @default - none: the client is the TCP peer, and no header a client sends changes it; behind a proxy, every
   * client then shares that proxy pod's rate limit
   * @see https://nginx.org/en/docs/http/ngx_http_realip_module.html
   */
  readonly trustedProxies?: readonly string[];
  /**
   * nginx's connection and request counters (stub_status on the health port, loopback only) exported by an
   * nginx-prometheus-exporter sidecar on port 9113, with a `<name>-metrics` Service and a ServiceMonitor.
   * @default - the environment's metrics setting
   */
  readonly metrics?: boolean;
}

/** The options with their defaults resolved. */
export interface ResolvedNginxGatewayOptions {
  readonly resolver: NginxResolver;
  readonly trustedProxies: readonly string[];
  readonly metrics: boolean;
  /**
   * The nginx container's command: the start script that writes the resolver first when some route goes to an
   * external host and the servers come from the pod, else nginx itself.
   */
  command(hasExternalRoutes: boolean): string[];
}

/** Checks the options and resolves their defaults. */
export function resolveNginxGatewayOptions(scope: IConstruct, options: NginxGatewayOptions, environment: Environment,
  runtimeDir: string): ResolvedNginxGatewayOptions {
  const resolver = resolveGatewayDns(scope, 'dns', options.dns);
  return {
    resolver,
    trustedProxies: resolveTrustedProxies(scope, 'trustedProxies', options.trustedProxies),
    metrics: options.metrics ?? environment.metrics,
    // nginx directly: the image's entrypoint scripts try to edit files on the read-only root filesystem.
    command: (hasExternalRoutes) => (hasExternalRoutes && !resolver.servers
      ? ['sh', '-c', resolverStartScript(resolver, runtimeDir)]
      : ['nginx', '-g', 'daemon off;']),
  };
}
