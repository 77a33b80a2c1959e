// Renders the API gateway's whole nginx.conf from routes and options: a pure function, text in, text out.
import { clientAddressMaps, forwardedForHeaders, realIpLines } from './nginx-client-address';
import { NginxResolver, NginxUpstream, proxyPassLines, RESOLVER_FILE, resolverDirective, upstreamBlocks } from './nginx-upstreams';

export type { GatewayDnsOptions, NginxResolver, NginxUpstream } from './nginx-upstreams';
export { upstreamName } from './nginx-upstreams';

/** Per-client request rate limit of one location. */
export interface NginxRateLimit {
  readonly requestsPerSecond: number;
  /** Requests above the rate that are still served at once; the rest get 429. */
  readonly burst: number;
}

/** One route: a path prefix and where it goes. */
export interface NginxLocation {
  /** The path prefix, starting with `/`. */
  readonly path: string;
  readonly upstream: NginxUpstream;
  /** Replaces the matched prefix before proxying; undefined passes the request URI unchanged. */
  readonly rewrite?: string;
  readonly connectTimeoutSeconds: number;
  /** Read and send timeout towards the upstream. */
  readonly timeoutSeconds: number;
  /** Overrides the server's request body limit. */
  readonly maxBodyBytes?: number;
  readonly rateLimit?: NginxRateLimit;
}

/** Everything the configuration is rendered from. */
export interface NginxConfigOptions {
  /** The port routes are served on. */
  readonly listenPort: number;
  /** The port of the health server (probes only; not exposed by the Service). */
  readonly healthPort: number;
  readonly livenessPath: string;
  readonly readinessPath: string;
  /** The only directory nginx writes to: pid file and every temp path. */
  readonly runtimeDir: string;
  readonly workerProcesses: number;
  readonly workerConnections: number;
  /** The request body limit (`client_max_body_size`). */
  readonly maxBodyBytes: number;
  readonly gzip: boolean;
  /** Adds Strict-Transport-Security: only when clients reach the gateway over TLS. */
  readonly hsts: boolean;
  /** How external hosts are looked up (only rendered when a location has one). */
  readonly resolver: NginxResolver;
  /** CIDRs of the proxies whose X-Forwarded-For is believed; empty: the client is the TCP peer. */
  readonly trustedProxies: readonly string[];
  /** Serves nginx's connection counters at `STUB_STATUS_PATH` on the health port, to loopback only. */
  readonly stubStatus: boolean;
  readonly locations: readonly NginxLocation[];
}

/** Where the health server answers nginx's connection counters (for the exporter sidecar). */
export const STUB_STATUS_PATH = '/stub_status';

/** The CA bundle external TLS upstreams are verified against (Debian's, as in the nginx images). */
export const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

// Paths and host names go into the config unquoted: anything outside this set could break out of a directive.
const SAFE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;
const SAFE_HOST = /^[A-Za-z0-9.-]+$/;

/**
 * The whole nginx.conf. Locations are emitted sorted by path (code-point order), upstreams by name, so the
 * text depends only on the set of routes, never on the order they were declared in; nginx picks the longest
 * matching prefix whatever the order.
 */
export function renderNginxConfig(options: NginxConfigOptions): string {
  const locations = [...options.locations].sort((a, b) => compare(a.path, b.path));
  for (const location of locations) checkLocation(location);
  const zones = rateLimitZones(locations);
  const run = options.runtimeDir.replace(/\/+$/, '');
  checkToken('runtimeDir', run, SAFE_PATH);
  const lines = [
    ...preamble(options, run),
    ...clientAddressMaps(options.trustedProxies),
    ...resolverLines(options.resolver, run, locations),
    ...rateLimitLines(locations, zones),
  ];
  if (options.gzip) {
    lines.push(
      '',
      '  gzip on;',
      '  gzip_vary on;',
      '  gzip_proxied any;',
      '  gzip_min_length 1024;',
      '  gzip_types application/json application/javascript application/xml text/css text/plain text/xml;',
    );
  }
  lines.push(...upstreamBlocks(locations.map((l) => l.upstream)));
  lines.push(
    '',
    '  server {',
    `    listen ${options.listenPort};`,
    '    server_name _;',
    '',
    '    add_header X-Content-Type-Options nosniff always;',
    '    add_header X-Frame-Options DENY always;',
    '    add_header Referrer-Policy strict-origin-when-cross-origin always;',
  );
  if (options.hsts) lines.push('    add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
  lines.push(...realIpLines(options.trustedProxies));
  for (const location of locations) {
    lines.push('', ...renderLocation(location, zones.get(location), options.trustedProxies));
  }
  if (!locations.some((l) => l.path === '/')) {
    lines.push('', '    location / {', '      return 404;', '    }');
  }
  lines.push('  }', '', ...healthServer(options), '}', '');
  return lines.join('\n');
}

function preamble(options: NginxConfigOptions, run: string): string[] {
  return [
    '# Generated by cdk8s-patterns ApiGateway: do not edit, change the routes instead.',
    `worker_processes ${options.workerProcesses};`,
    `pid ${run}/nginx.pid;`,
    'error_log stderr warn;',
    '',
    'events {',
    `  worker_connections ${options.workerConnections};`,
    '}',
    '',
    'http {',
    '  default_type application/octet-stream;',
    '  server_tokens off;',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  keepalive_timeout 65s;',
    `  client_max_body_size ${options.maxBodyBytes};`,
    `  client_body_temp_path ${run}/client_temp;`,
    `  proxy_temp_path ${run}/proxy_temp;`,
    `  fastcgi_temp_path ${run}/fastcgi_temp;`,
    `  uwsgi_temp_path ${run}/uwsgi_temp;`,
    `  scgi_temp_path ${run}/scgi_temp;`,
    '',
    '  log_format json escape=json \'{"time":"$time_iso8601","request_id":"$request_id","remote_addr":"$remote_addr",\'',
    '    \'"x_forwarded_for":"$http_x_forwarded_for","method":"$request_method","uri":"$request_uri","status":$status,\'',
    '    \'"bytes_sent":$body_bytes_sent,"request_time":$request_time,"upstream":"$upstream_addr",\'',
    '    \'"upstream_status":"$upstream_status","upstream_response_time":"$upstream_response_time",\'',
    '    \'"user_agent":"$http_user_agent"}\';',
    '  access_log /dev/stdout json;',
    '',
    // Every ingress controller and Gateway data plane sets X-Forwarded-Proto itself, and only they may connect.
    '  # The ingress controller terminates TLS and says so in X-Forwarded-Proto; keep it, else use our own scheme.',
    '  map $http_x_forwarded_proto $forwarded_proto {',
    '    default $http_x_forwarded_proto;',
    '    \'\' $scheme;',
    '  }',
  ];
}

/** The resolver, only when some location proxies to an external host (in-cluster names need none). */
function resolverLines(resolver: NginxResolver, run: string, locations: readonly NginxLocation[]): string[] {
  if (!locations.some((l) => l.upstream.external)) return [];
  const directive = resolver.servers
    ? `  ${resolverDirective(resolver, resolver.servers)}`
    : `  include ${run}/${RESOLVER_FILE};`;
  return [
    '',
    '  # External hosts are looked up at request time (see the locations), so address changes are followed.',
    resolver.servers ? directive : `${directive}  # written at container start from /etc/resolv.conf`,
    `  resolver_timeout ${resolver.timeoutSeconds}s;`,
  ];
}

function rateLimitLines(locations: readonly NginxLocation[], zones: Map<NginxLocation, string>): string[] {
  if (zones.size === 0) return [];
  const lines = [
    '',
    '  # Keyed by the client address ($remote_addr after realip), never by a header a client can choose; each',
    '  # replica counts on its own, so a client may get the rate once per replica.',
    '  limit_req_status 429;',
    '  limit_req_log_level warn;',
  ];
  for (const location of locations) {
    const zone = zones.get(location);
    if (zone) lines.push(`  limit_req_zone $binary_remote_addr zone=${zone}:10m rate=${location.rateLimit!.requestsPerSecond}r/s;`);
  }
  return lines;
}

function healthServer(options: NginxConfigOptions): string[] {
  const lines = [
    '  # Probes only: a port of its own, so health checks never show up as routes or in the access log.',
    '  server {',
    `    listen ${options.healthPort};`,
    '    access_log off;',
    `    location = ${checkToken('livenessPath', options.livenessPath, SAFE_PATH)} {`,
    '      default_type text/plain;',
    '      return 200 "ok\\n";',
    '    }',
    `    location = ${checkToken('readinessPath', options.readinessPath, SAFE_PATH)} {`,
    '      default_type text/plain;',
    '      return 200 "ready\\n";',
    '    }',
  ];
  if (options.stubStatus) {
    lines.push(
      '    # For the exporter sidecar, which reads it over the pod\'s loopback; nobody else.',
      `    location = ${STUB_STATUS_PATH} {`,
      '      stub_status;',
      '      allow 127.0.0.1;',
      '      deny all;',
      '    }',
    );
  }
  lines.push('    location / {', '      return 404;', '    }', '  }');
  return lines;
}

function renderLocation(location: NginxLocation, zone: string | undefined, trustedProxies: readonly string[]): string[] {
  const target = location.upstream;
  const lines = [
    `    location ${location.path} {`,
    ...proxyPassLines(location.path, target, location.rewrite),
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    `      proxy_set_header Host ${target.external ? target.host : '$host'};`,
    ...forwardedForHeaders(trustedProxies),
    '      proxy_set_header X-Forwarded-Proto $forwarded_proto;',
    '      proxy_set_header X-Request-ID $request_id;',
    '      proxy_redirect off;',
    `      proxy_connect_timeout ${location.connectTimeoutSeconds}s;`,
    `      proxy_read_timeout ${location.timeoutSeconds}s;`,
    `      proxy_send_timeout ${location.timeoutSeconds}s;`,
  ];
  if (target.protocol === 'https') {
    lines.push(
      '      proxy_ssl_server_name on;',
      `      proxy_ssl_name ${target.host};`,
      '      proxy_ssl_verify on;',
      `      proxy_ssl_trusted_certificate ${CA_BUNDLE};`,
    );
  }
  if (location.maxBodyBytes !== undefined) lines.push(`      client_max_body_size ${location.maxBodyBytes};`);
  if (zone) {
    // nginx rejects `burst=0`: no burst is written as no burst parameter.
    const burst = location.rateLimit!.burst > 0 ? ` burst=${location.rateLimit!.burst} nodelay` : '';
    lines.push(`      limit_req zone=${zone}${burst};`);
  }
  lines.push('    }');
  return lines;
}

/** One zone per rate-limited location, named after its path; a clash of names gets a numeric suffix. */
function rateLimitZones(locations: readonly NginxLocation[]): Map<NginxLocation, string> {
  const zones = new Map<NginxLocation, string>();
  const used = new Set<string>();
  for (const location of locations) {
    if (!location.rateLimit) continue;
    const base = `route_${location.path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'root'}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    zones.set(location, name);
  }
  return zones;
}

function checkLocation(location: NginxLocation): void {
  checkToken('path', location.path, SAFE_PATH);
  if (location.rewrite !== undefined) checkToken('rewrite', location.rewrite, SAFE_PATH);
  checkToken('upstream host', location.upstream.host, SAFE_HOST);
}

/** The renderer's own guard: the gateway validates first, so this only fires for direct callers. */
function checkToken(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value)) throw new Error(`nginx config: ${what} ${JSON.stringify(value)} contains characters that are unsafe in nginx.conf`);
  return value;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
