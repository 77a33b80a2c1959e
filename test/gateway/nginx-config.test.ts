// The nginx.conf renderer on its own: every block and directive it emits, its ordering and its guards.
import { NginxConfigOptions, NginxLocation, NginxUpstream, renderNginxConfig, upstreamName } from '../../lib/gateway/nginx-config';

const POSTS: NginxUpstream = { host: 'posts.blog.svc.cluster.local', port: 8080, protocol: 'http', external: false };
const AUTH: NginxUpstream = { host: 'auth.blog.svc.cluster.local', port: 9000, protocol: 'http', external: false };
const PAYMENTS: NginxUpstream = { host: 'api.payments.example.com', port: 443, protocol: 'https', external: true };

function location(path: string, upstream: NginxUpstream, extra: Partial<NginxLocation> = {}): NginxLocation {
  return { path, upstream, connectTimeoutSeconds: 5, timeoutSeconds: 60, ...extra };
}

function options(locations: NginxLocation[], extra: Partial<NginxConfigOptions> = {}): NginxConfigOptions {
  return {
    listenPort: 8080, healthPort: 8081, livenessPath: '/healthz', readinessPath: '/readyz', runtimeDir: '/tmp',
    workerProcesses: 1, workerConnections: 1024, maxBodyBytes: 1048576, gzip: true, hsts: true,
    resolver: { validSeconds: 30, timeoutSeconds: 5, ipv6: false }, trustedProxies: [], stubStatus: false, locations, ...extra,
  };
}

/** The text of the block that opens with `opening` (a line ending in `{`), up to its closing brace. */
function block(config: string, opening: string): string {
  const lines = config.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${opening} {`);
  if (start < 0) throw new Error(`no block "${opening}" in:\n${config}`);
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    depth += (lines[i].match(/\{/g) ?? []).length - (lines[i].match(/\}/g) ?? []).length;
    if (depth === 0) return lines.slice(start, i + 1).join('\n');
  }
  throw new Error(`unclosed block "${opening}"`);
}

describe('renderNginxConfig', () => {
  test('one upstream per distinct service, by its Service DNS name and port, with keepalive', () => {
    // given two routes to posts and one to auth
    const config = renderNginxConfig(options([
      location('/api/posts/', POSTS), location('/feed/', POSTS), location('/api/auth/', AUTH),
    ]));
    // then
    expect(block(config, 'upstream posts_blog_8080')).toContain('server posts.blog.svc.cluster.local:8080;');
    expect(block(config, 'upstream auth_blog_9000')).toContain('server auth.blog.svc.cluster.local:9000;');
    expect(block(config, 'upstream posts_blog_8080')).toContain('keepalive 16;');
    expect(config.match(/^\s*upstream /gm)).toHaveLength(2);
  });

  test('a location proxies with Host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto, and its timeouts', () => {
    // when
    const config = renderNginxConfig(options([location('/api/posts/', POSTS, { connectTimeoutSeconds: 3, timeoutSeconds: 20 })]));
    // then
    const posts = block(config, 'location /api/posts/');
    expect(posts).toContain('proxy_pass http://posts_blog_8080;');
    expect(posts).toContain('proxy_set_header Host $host;');
    expect(posts).toContain('proxy_set_header X-Real-IP $remote_addr;');
    expect(posts).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(posts).toContain('proxy_set_header X-Forwarded-Proto $forwarded_proto;');
    expect(posts).toContain('proxy_connect_timeout 3s;');
    expect(posts).toContain('proxy_read_timeout 20s;');
    expect(posts).toContain('proxy_send_timeout 20s;');
    expect(posts).not.toContain('client_max_body_size');
  });

  test('X-Forwarded-Proto keeps what the ingress controller set, else falls back to our own scheme', () => {
    // when
    const config = renderNginxConfig(options([]));
    // then
    expect(block(config, 'map $http_x_forwarded_proto $forwarded_proto')).toMatch(/default \$http_x_forwarded_proto;\n\s*'' \$scheme;/);
  });

  test('without trusted proxies the client is the TCP peer: no realip, no client header read for it', () => {
    // when
    const config = renderNginxConfig(options([location('/api/posts/', POSTS, { rateLimit: { requestsPerSecond: 1, burst: 0 } })]));
    // then
    expect(config).not.toMatch(/real_ip|\$http_x_real_ip|\$proxy_add_x_forwarded_for|\$forwarded_for\b|geo /);
    expect(config).toContain('limit_req_zone $binary_remote_addr zone=route_api_posts:10m rate=1r/s;');
  });

  test('with trusted proxies, realip in the routes\' server only, and X-Forwarded-For extended by the proxy', () => {
    // when
    const config = renderNginxConfig(options([location('/api/posts/', POSTS)], { trustedProxies: ['10.0.0.0/8', 'fd00::/8'] }));
    // then
    const main = block(config, 'server');
    expect(main).toContain('    set_real_ip_from 10.0.0.0/8;\n    set_real_ip_from fd00::/8;\n    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;');
    expect(config.match(/set_real_ip_from 10\.0\.0\.0\/8/g)).toHaveLength(1);
    expect(block(config, 'geo $realip_remote_addr $from_trusted_proxy')).toBe(
      '  geo $realip_remote_addr $from_trusted_proxy {\n    default 0;\n    10.0.0.0/8 1;\n    fd00::/8 1;\n  }');
    expect(block(config, 'map "$from_trusted_proxy:$http_x_forwarded_for" $forwarded_for')).toContain('"~^1:(?<chain>.+)$" "$chain, $realip_remote_addr";');
    const posts = block(config, 'location /api/posts/');
    expect(posts).toContain('proxy_set_header X-Real-IP $remote_addr;');
    expect(posts).toContain('proxy_set_header X-Forwarded-For $forwarded_for;');
  });

  test('a rewrite replaces the matched prefix through the URI part of proxy_pass (a Service upstream)', () => {
    // when
    const config = renderNginxConfig(options([location('/api/posts/', POSTS, { rewrite: '/v2/' })]));
    // then
    expect(block(config, 'location /api/posts/')).toContain('proxy_pass http://posts_blog_8080/v2/;');
  });

  test('an external https host gets its own name as Host and SNI, with verified certificates', () => {
    // when
    const config = renderNginxConfig(options([location('/payments/', PAYMENTS)]));
    // then
    const payments = block(config, 'location /payments/');
    expect(payments).toContain('set $external_api_payments_example_com_443 api.payments.example.com;');
    expect(payments).toContain('proxy_pass https://$external_api_payments_example_com_443:443;');
    expect(payments).toContain('proxy_set_header Host api.payments.example.com;');
    expect(payments).toContain('proxy_ssl_server_name on;');
    expect(payments).toContain('proxy_ssl_name api.payments.example.com;');
    expect(payments).toContain('proxy_ssl_verify on;');
    expect(payments).toContain('proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;');
    expect(config).not.toContain('upstream api_payments');
  });

  test('an external host is looked up at request time through the resolver, which only then is rendered', () => {
    // when
    const fromPod = renderNginxConfig(options([location('/payments/', PAYMENTS)]));
    const explicit = renderNginxConfig(options([location('/payments/', PAYMENTS)], {
      resolver: { servers: ['10.96.0.10', '[fd00::a]:53'], validSeconds: 10, timeoutSeconds: 2, ipv6: true },
    }));
    const internalOnly = renderNginxConfig(options([location('/api/posts/', POSTS)]));
    // then
    expect(fromPod).toContain('  include /tmp/resolver.conf;');
    expect(fromPod).toContain('  resolver_timeout 5s;');
    expect(explicit).toContain('  resolver 10.96.0.10 [fd00::a]:53 valid=10s ipv6=on;\n  resolver_timeout 2s;');
    expect(explicit).not.toContain('include /tmp');
    expect(internalOnly).not.toMatch(/resolver/);
  });

  test('a rewrite towards an external host is a rewrite…break, since proxy_pass with a variable keeps the URI', () => {
    // when
    const config = renderNginxConfig(options([location('/pay.v1/', PAYMENTS, { rewrite: '/v2/' })]));
    // then
    const payments = block(config, 'location /pay.v1/');
    expect(payments).toContain('      rewrite ^/pay\\.v1/(.*)$ /v2/$1 break;\n      proxy_pass https://$external_api_payments_example_com_443:443;');
  });

  test('a rate limit declares a zone keyed by client and applies it with its burst; burst 0 writes none', () => {
    // when
    const config = renderNginxConfig(options([
      location('/api/posts/', POSTS, { rateLimit: { requestsPerSecond: 10, burst: 20 } }),
      location('/api/auth/', AUTH, { rateLimit: { requestsPerSecond: 2, burst: 0 } }),
    ]));
    // then
    expect(config).toContain('limit_req_zone $binary_remote_addr zone=route_api_posts:10m rate=10r/s;');
    expect(config).toContain('limit_req_zone $binary_remote_addr zone=route_api_auth:10m rate=2r/s;');
    expect(config).toContain('limit_req_status 429;');
    expect(block(config, 'location /api/posts/')).toContain('limit_req zone=route_api_posts burst=20 nodelay;');
    expect(block(config, 'location /api/auth/')).toContain('limit_req zone=route_api_auth;');
  });

  test('rate-limit zone names that would clash get a numeric suffix; none at all without limits', () => {
    // when
    const limited = renderNginxConfig(options([
      location('/a-b/', POSTS, { rateLimit: { requestsPerSecond: 1, burst: 1 } }),
      location('/a_b/', AUTH, { rateLimit: { requestsPerSecond: 1, burst: 1 } }),
    ]));
    const unlimited = renderNginxConfig(options([location('/a/', POSTS)]));
    // then
    expect(block(limited, 'location /a-b/')).toContain('zone=route_a_b ');
    expect(block(limited, 'location /a_b/')).toContain('zone=route_a_b_2 ');
    expect(unlimited).not.toContain('limit_req');
  });

  test('unknown paths answer 404, unless a route takes "/"', () => {
    // when
    const withoutRoot = renderNginxConfig(options([location('/api/', POSTS)]));
    const withRoot = renderNginxConfig(options([location('/', POSTS)]));
    // then
    const mainServer = (config: string) => block(config, 'server').split('\n').filter((l) => !/^\s*$/.test(l)).join('\n');
    expect(block(mainServer(withoutRoot), 'location /')).toContain('return 404;');
    expect(block(withRoot, 'location /')).toContain('proxy_pass http://posts_blog_8080;');
    expect(withRoot.match(/^ {4}location \/ \{/gm)).toHaveLength(2); // the route, and the health server's 404
  });

  test('the health server listens on its own port with exact-match liveness and readiness paths', () => {
    // when
    const config = renderNginxConfig(options([], { healthPort: 9901, livenessPath: '/live', readinessPath: '/ready' }));
    // then
    expect(config).toContain('    listen 9901;\n    access_log off;');
    expect(block(config, 'location = /live')).toContain('return 200 "ok\\n";');
    expect(block(config, 'location = /ready')).toContain('return 200 "ready\\n";');
    expect(config).toContain('    listen 8080;\n    server_name _;');
  });

  test('stub_status only with metrics on, on the health port, to loopback only', () => {
    // when
    const withMetrics = renderNginxConfig(options([], { stubStatus: true }));
    const without = renderNginxConfig(options([]));
    // then
    expect(block(withMetrics, 'location = /stub_status')).toBe(
      '    location = /stub_status {\n      stub_status;\n      allow 127.0.0.1;\n      deny all;\n    }');
    expect(withMetrics.indexOf('location = /stub_status')).toBeGreaterThan(withMetrics.indexOf('listen 8081;'));
    expect(without).not.toContain('stub_status');
  });

  test('pid and every temp path sit under the runtime directory; logs go to stdout and stderr', () => {
    // when
    const config = renderNginxConfig(options([], { runtimeDir: '/tmp/' }));
    // then
    expect(config).toContain('pid /tmp/nginx.pid;');
    for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) {
      expect(config).toMatch(new RegExp(`^ {2}${temp}_temp_path /tmp/\\w+_temp;$`, 'm'));
    }
    expect(config).toContain('error_log stderr warn;');
    expect(config).toContain('access_log /dev/stdout json;');
    // nothing else is written: every other file path (URL paths of locations aside) is read-only input
    const directives = config.split('\n').filter((l) => !/^\s*location /.test(l)).join('\n');
    const absolutePaths = directives.match(/ \/[a-z][^\s;']*/g) ?? [];
    expect(absolutePaths.filter((p) => !p.startsWith(' /tmp/') && p !== ' /dev/stdout')).toEqual([]);
  });

  test('the access log format is JSON', () => {
    // when
    const config = renderNginxConfig(options([]));
    // then: the format's pieces joined, with sample values, parse as JSON
    const format = /log_format json escape=json ((?:'[^']*'\s*)+);/.exec(config)![1];
    const text = format.split(/'\s*'/).join('').replace(/^'|'$/g, '').replace(/\$\w+/g, (v) => (/status|bytes_sent|request_time$/.test(v) ? '1' : 'x'));
    expect(Object.keys(JSON.parse(text))).toEqual(expect.arrayContaining(['time', 'remote_addr', 'uri', 'status', 'upstream', 'request_id']));
  });

  test('gzip, the security headers and HSTS; gzip and HSTS can be off', () => {
    // when
    const on = renderNginxConfig(options([]));
    const off = renderNginxConfig(options([], { gzip: false, hsts: false }));
    // then
    expect(on).toContain('  gzip on;');
    expect(on).toContain('gzip_types application/json');
    expect(on).toContain('add_header X-Content-Type-Options nosniff always;');
    expect(on).toContain('add_header X-Frame-Options DENY always;');
    expect(on).toContain('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
    expect(on).toContain('server_tokens off;');
    expect(off).not.toContain('gzip');
    expect(off).not.toContain('Strict-Transport-Security');
    expect(off).toContain('add_header X-Content-Type-Options nosniff always;');
  });

  test('body limits: the server-wide one in bytes, and a route\'s own', () => {
    // when
    const config = renderNginxConfig(options([location('/upload/', POSTS, { maxBodyBytes: 10485760 })], { maxBodyBytes: 2048 }));
    // then
    expect(config).toContain('  client_max_body_size 2048;');
    expect(block(config, 'location /upload/')).toContain('client_max_body_size 10485760;');
  });

  test('workers and connections come from the options', () => {
    // when
    const config = renderNginxConfig(options([], { workerProcesses: 3, workerConnections: 4096 }));
    // then
    expect(config).toMatch(/^worker_processes 3;$/m);
    expect(block(config, 'events')).toContain('worker_connections 4096;');
  });

  test('output depends on the set of routes, not their order: locations sorted by path, upstreams by name', () => {
    // given
    const routes = [location('/b/', POSTS), location('/a/', AUTH), location('/c/', PAYMENTS)];
    // when
    const forward = renderNginxConfig(options(routes));
    const backward = renderNginxConfig(options([...routes].reverse()));
    // then
    expect(backward).toBe(forward);
    expect(forward.indexOf('location /a/')).toBeLessThan(forward.indexOf('location /b/'));
    expect(forward.indexOf('location /b/')).toBeLessThan(forward.indexOf('location /c/'));
    expect(forward.indexOf('upstream auth_blog')).toBeLessThan(forward.indexOf('upstream posts_blog'));
  });

  test('guards against text that could break out of a directive', () => {
    // then
    expect(() => renderNginxConfig(options([location('/a; return 200', POSTS)])))
      .toThrow('nginx config: path "/a; return 200" contains characters that are unsafe in nginx.conf');
    expect(() => renderNginxConfig(options([location('/a/', POSTS, { rewrite: '/{x}' })]))).toThrow('nginx config: rewrite "/{x}"');
    expect(() => renderNginxConfig(options([location('/a/', { ...POSTS, host: 'evil;host' })]))).toThrow('nginx config: upstream host "evil;host"');
    expect(() => renderNginxConfig(options([], { runtimeDir: '/tmp dir' }))).toThrow('nginx config: runtimeDir "/tmp dir"');
    expect(() => renderNginxConfig(options([], { livenessPath: 'healthz' }))).toThrow('nginx config: livenessPath "healthz"');
  });

  test('two upstreams whose names would collide are refused', () => {
    // given Services that differ only in where the "-" and "." are
    const a: NginxUpstream = { host: 'a-b.c.svc.cluster.local', port: 80, protocol: 'http', external: false };
    const b: NginxUpstream = { host: 'a.b-c.svc.cluster.local', port: 80, protocol: 'http', external: false };
    // then
    expect(() => renderNginxConfig(options([location('/a/', a), location('/b/', b)])))
      .toThrow('upstreams a-b.c.svc.cluster.local:80 and a.b-c.svc.cluster.local:80 would share the name a_b_c_80');
  });
});

describe('upstreamName', () => {
  test('drops the cluster suffix of Service names and keeps the port', () => {
    expect(upstreamName(POSTS)).toBe('posts_blog_8080');
    expect(upstreamName(PAYMENTS)).toBe('api_payments_example_com_443');
  });
});
