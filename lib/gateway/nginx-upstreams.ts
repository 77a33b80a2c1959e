// How the gateway's nginx reaches its upstreams: upstream blocks for Services, names re-resolved for external hosts.
import { isIP } from 'net';
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** Where a location sends its requests. */
export interface NginxUpstream {
  /** The DNS name nginx connects to (a Service's `<svc>.<ns>.svc.cluster.local`, or an external host). */
  readonly host: string;
  readonly port: number;
  /** `https` for TLS to the upstream (external hosts), verified against the system CA bundle. */
  readonly protocol: 'http' | 'https';
  /** Whether the upstream is outside the cluster: it then gets its own host as `Host` and as TLS server name. */
  readonly external: boolean;
}

/**
 * How nginx looks up external hosts. nginx resolves a name written into `proxy_pass` or an `upstream` block once,
 * at start, and refuses to start when it does not resolve; a name held in a variable is looked up at request
 * time through these servers instead, cached for `cacheTtl`.
 * @see https://nginx.org/en/docs/http/ngx_http_core_module.html#resolver
 */
export interface GatewayDnsOptions {
  /**
   * The DNS servers asked for external hosts: IP addresses, optionally with a port (`10.96.0.10`,
   * `10.96.0.10:53`, `[fd00::a]:53`). nginx's `resolver` takes no names, and the cluster DNS Service's address
   * is not known at synth time.
   * @default - the pod's own nameservers (the cluster DNS, or NodeLocal DNSCache when the kubelet points pods at
   * it), read from /etc/resolv.conf when the container starts
   */
  readonly resolvers?: readonly string[];
  /**
   * How long an answer is used before nginx asks again, whatever TTL the answer carries.
   * @default Duration.seconds(30)
   */
  readonly cacheTtl?: Duration;
  /**
   * How long a lookup may take before the request fails with 502.
   * @default Duration.seconds(5)
   */
  readonly timeout?: Duration;
  /**
   * Whether nginx also asks for IPv6 addresses; off, an IPv4-only pod never tries an address it cannot reach.
   * @default false
   */
  readonly ipv6?: boolean;
}

/** The resolver settings as the renderer takes them. */
export interface NginxResolver {
  /** The servers, or undefined to include the file the start script writes from /etc/resolv.conf. */
  readonly servers?: readonly string[];
  readonly validSeconds: number;
  readonly timeoutSeconds: number;
  readonly ipv6: boolean;
}

/** The file the start script writes the `resolver` directive into (under the runtime directory). */
export const RESOLVER_FILE = 'resolver.conf';

/** Checks the options and resolves their defaults; `prop` prefixes errors. */
export function resolveGatewayDns(scope: IConstruct, prop: string, options: GatewayDnsOptions = {}): NginxResolver {
  const validSeconds = wholeSeconds(scope, `${prop}.cacheTtl`, options.cacheTtl ?? Duration.seconds(30), 1, 86_400);
  const timeoutSeconds = wholeSeconds(scope, `${prop}.timeout`, options.timeout ?? Duration.seconds(5), 1, 60);
  if (options.resolvers === undefined) return { validSeconds, timeoutSeconds, ipv6: options.ipv6 ?? false };
  if (!Array.isArray(options.resolvers) || options.resolvers.length === 0) {
    throw PatternError.invalidProp(scope, `${prop}.resolvers`, options.resolvers, 'must list at least one DNS server address, or be left out to use the pod\'s own');
  }
  const servers = options.resolvers.map((server, i) => resolverAddress(scope, `${prop}.resolvers[${i}]`, server));
  return { servers, validSeconds, timeoutSeconds, ipv6: options.ipv6 ?? false };
}

/** The `resolver` directive with explicit servers. */
export function resolverDirective(resolver: NginxResolver, servers: readonly string[]): string {
  return `resolver ${servers.join(' ')} valid=${resolver.validSeconds}s ipv6=${resolver.ipv6 ? 'on' : 'off'};`;
}

/**
 * The container's start script when the servers come from the pod: write the `resolver` directive from the
 * nameservers of /etc/resolv.conf, then become nginx. Plain POSIX sh (no awk), since the image contract
 * promises only `sh`; the official images' entrypoint does the same through its templates, but the kit starts
 * nginx directly because those scripts write to the read-only root filesystem.
 */
export function resolverStartScript(resolver: NginxResolver, runtimeDir: string): string {
  const options = `valid=${resolver.validSeconds}s ipv6=${resolver.ipv6 ? 'on' : 'off'}`;
  return [
    'set -eu',
    'servers=""',
    'while read -r key value rest || [ -n "${key:-}" ]; do',
    '  if [ "$key" = nameserver ] && [ -n "${value:-}" ]; then',
    '    case "$value" in *:*) value="[$value]" ;; esac',
    '    servers="$servers $value"',
    '  fi',
    'done < /etc/resolv.conf',
    'if [ -z "$servers" ]; then echo "no nameserver in /etc/resolv.conf: set dns.resolvers" >&2; exit 1; fi',
    `echo "resolver$servers ${options};" > ${runtimeDir}/${RESOLVER_FILE}`,
    'exec nginx -g "daemon off;"',
  ].join('\n');
}

/** The upstream block name of a target: its host and port with every other character as `_`. */
export function upstreamName(upstream: NginxUpstream): string {
  const host = upstream.host.replace(/\.svc\.cluster\.local$/, '');
  return `${host.replace(/[^A-Za-z0-9]/g, '_')}_${upstream.port}`;
}

/**
 * In-cluster upstreams as `upstream` blocks with kept-alive connections. Their names resolve once at start,
 * which is right for a Service: its name stands for a ClusterIP that stays for the Service's lifetime, and
 * kube-proxy spreads connections over the pods behind it. External hosts get none (see `proxyPassLines`).
 */
export function upstreamBlocks(upstreams: readonly NginxUpstream[]): string[] {
  const byName = new Map<string, NginxUpstream>();
  for (const upstream of upstreams) {
    if (upstream.external) continue;
    const name = upstreamName(upstream);
    const existing = byName.get(name);
    if (existing && existing.host !== upstream.host) {
      throw new Error(`upstreams ${existing.host}:${existing.port} and ${upstream.host}:${upstream.port} would share the name ${name}`);
    }
    byName.set(name, upstream);
  }
  const lines: string[] = [];
  for (const name of [...byName.keys()].sort(compare)) {
    const upstream = byName.get(name)!;
    lines.push('', `  upstream ${name} {`, `    server ${upstream.host}:${upstream.port};`, '    keepalive 16;', '  }');
  }
  return lines;
}

/**
 * The lines that send a location's requests on. An external host is held in a variable, so nginx looks it up
 * through the resolver at request time (every `valid` seconds) and starts even when it does not resolve
 * (requests then get 502). With a variable, `proxy_pass` no longer replaces the location's prefix, so a rewrite
 * is a `rewrite … break` instead. Such connections are not kept alive: keepalive needs an `upstream` block.
 */
export function proxyPassLines(path: string, upstream: NginxUpstream, rewrite: string | undefined): string[] {
  if (!upstream.external) return [`      proxy_pass ${upstream.protocol}://${upstreamName(upstream)}${rewrite ?? ''};`];
  const variable = `$external_${upstreamName(upstream)}`;
  const lines = [`      set ${variable} ${upstream.host};`];
  if (rewrite !== undefined) lines.push(`      rewrite ^${path.replace(/\./g, '\\.')}(.*)$ ${rewrite}$1 break;`);
  lines.push(`      proxy_pass ${upstream.protocol}://${variable}:${upstream.port};`);
  return lines;
}

function resolverAddress(scope: IConstruct, prop: string, server: string): string {
  if (typeof server === 'string') {
    if (isIP(server) === 4) return server;
    if (isIP(server) === 6) return `[${server}]`;
    const withPort = /^(?:(\d{1,3}(?:\.\d{1,3}){3})|\[([0-9A-Fa-f:.]+)\]):(\d{1,5})$/.exec(server);
    const port = withPort ? Number(withPort[3]) : 0;
    if (withPort && port >= 1 && port <= 65_535 && (withPort[1] ? isIP(withPort[1]) === 4 : isIP(withPort[2]) === 6)) return server;
  }
  throw PatternError.invalidProp(scope, prop, server,
    'must be an IP address, optionally with a port ("10.96.0.10", "10.96.0.10:53", "[fd00::a]:53"); nginx\'s resolver takes no host names');
}

function wholeSeconds(scope: IConstruct, prop: string, duration: Duration, min: number, max: number): number {
  const seconds = duration instanceof Duration ? duration.toSeconds({ integral: false }) : Number.NaN;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw PatternError.invalidProp(scope, prop, duration instanceof Duration ? `${seconds}s` : duration,
      `must be a whole number of seconds from ${min} to ${max}`);
  }
  return seconds;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
