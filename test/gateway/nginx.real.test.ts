// The generated nginx.conf against a real nginx on loopback: `nginx -t`, then routing, headers, 404, health, 429.
// External hosts are looked up at request time, through a DNS stub on loopback that points them at 127.0.0.1.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import * as https from 'https';
import * as net from 'net';
import { tmpdir } from 'os';
import { join } from 'path';
import * as tls from 'tls';
import { ApiGateway, ExternalTarget, ResilientMicroservice } from '../../lib';
import { DnsStub } from '../support/dns-stub';
import { findObject, synth, testPlatform } from '../support/objects';
import { describeRealNginx, EchoedRequest, EchoUpstream, freePort, get, NginxSandbox, toLoopback } from '../support/real-nginx';

/** Where the external hosts listen on loopback, and the DNS stub's port. */
interface ExternalPorts {
  readonly partner: number;
  readonly payments: number;
  readonly dns: number;
}

/** The blog's gateway as a user would write it; the config under test is the synthesized ConfigMap's text. */
function blogGatewayConfig(ports: ExternalPorts): string {
  const { platform } = testPlatform({ namespace: 'blog' });
  const auth = new ResilientMicroservice(platform, 'auth-service', { image: 'blog/auth:1.0.0', port: 8081 });
  const posts = new ResilientMicroservice(platform, 'posts-service', { image: 'blog/posts:1.0.0' });
  const comments = new ResilientMicroservice(platform, 'comments-service', { image: 'blog/comments:1.0.0', port: 9000 });
  new ApiGateway(platform, 'api-gateway', {
    hosts: ['blog.example.com'],
    routes: [
      { path: '/api/auth/', to: auth },
      { path: '/api/posts/', to: posts, rewrite: '/v2/' },
      { path: '/api/comments/', to: comments, rateLimit: { requestsPerSecond: 1, burst: 0 } },
      { path: '/partner/', to: ExternalTarget.host('partner.example.net', ports.partner, { protocol: 'http' }), rewrite: '/' },
      { path: '/payments/', to: ExternalTarget.host('api.payments.example.com', ports.payments) },
    ],
    dns: { resolvers: [`127.0.0.1:${ports.dns}`] },
  });
  return findObject(synth(platform), 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'];
}

describeRealNginx('generated nginx.conf on a real nginx', (nginx) => {
  const upstreamNames = ['auth', 'posts', 'comments', 'partner'] as const;
  const upstreams: Partial<Record<(typeof upstreamNames)[number], EchoUpstream>> = {};
  let payments: { server: https.Server; port: number; serverNames: string[]; dir: string };
  let dns: DnsStub;
  let sandbox: NginxSandbox;
  let port: number;
  let healthPort: number;

  beforeAll(async () => {
    for (const name of upstreamNames) upstreams[name] = await EchoUpstream.start(name);
    payments = await startTlsUpstream();
    dns = await DnsStub.start();
    dns.set('partner.example.net', '127.0.0.1');
    dns.set('api.payments.example.com', '127.0.0.1');
    port = await freePort();
    healthPort = await freePort();
    sandbox = new NginxSandbox(nginx);
    sandbox.writeConfig(toLoopback(blogGatewayConfig({ partner: upstreams.partner!.port, payments: payments.port, dns: dns.port }), {
      upstreams: {
        'auth-service.blog.svc.cluster.local:8081': upstreams.auth!.port,
        'posts-service.blog.svc.cluster.local:8080': upstreams.posts!.port,
        'comments-service.blog.svc.cluster.local:9000': upstreams.comments!.port,
      },
      listen: { 8080: port, 8081: healthPort },
      runtimeDir: sandbox.dir,
    }));
  }, 20_000);

  afterAll(async () => {
    await sandbox?.dispose();
    await dns?.stop();
    for (const upstream of Object.values(upstreams)) await upstream?.stop();
    if (payments) {
      payments.server.closeAllConnections();
      await new Promise<void>((resolve) => payments.server.close(() => resolve()));
      rmSync(payments.dir, { recursive: true, force: true });
    }
  });

  test('nginx -t accepts the generated config, run as a non-root user when we are root', () => {
    // when
    const result = sandbox.testConfig();
    // then
    expect(result.output).toContain('syntax is ok');
    expect(result.output).toContain('test is successful');
    expect(result.ok).toBe(true);
  });

  describe('serving', () => {
    beforeAll(async () => {
      await sandbox.start(port);
    }, 10_000);

    test('nginx runs as nobody when the tests run as root (the product runs non-root too)', () => {
      // then
      expect(sandbox.masterUid()).toBe(sandbox.asNobody ? 65534 : process.getuid!());
    });

    test('each route reaches its own upstream with the path unchanged or rewritten', async () => {
      // when
      const auth = await echoed(port, '/api/auth/login?next=%2F');
      const posts = await echoed(port, '/api/posts/42');
      const partner = await echoed(port, '/partner/quotes/7');
      // then
      expect([auth.upstream, auth.url]).toEqual(['auth', '/api/auth/login?next=%2F']);
      expect([posts.upstream, posts.url]).toEqual(['posts', '/v2/42']);
      expect([partner.upstream, partner.url]).toEqual(['partner', '/quotes/7']);
    });

    test('upstreams get Host, X-Forwarded-Proto, and the TCP peer as X-Real-IP and X-Forwarded-For', async () => {
      // when
      const direct = await echoed(port, '/api/auth/me', { Host: 'blog.example.com' });
      const forged = await echoed(port, '/api/auth/me', {
        'Host': 'blog.example.com', 'X-Real-IP': '203.0.113.7', 'X-Forwarded-For': '203.0.113.7', 'X-Forwarded-Proto': 'https',
      });
      const external = await echoed(port, '/partner/x?y=1', { Host: 'blog.example.com' });
      // then
      expect(direct.headers).toMatchObject({
        'host': 'blog.example.com', 'x-real-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http',
      });
      expect(direct.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
      // no trusted proxies: what the client claims is not passed on as its address
      expect(forged.headers).toMatchObject({ 'x-real-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'https' });
      expect([external.headers.host, external.url]).toEqual(['partner.example.net', '/x?y=1']);
      expect(dns.queries).toContainEqual({ name: 'partner.example.net', type: 1 });
    });

    test('an unknown path gets 404 from the gateway, with the security headers', async () => {
      // when
      const response = await get(port, '/wp-admin/');
      // then
      expect(response.status).toBe(404);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.server).toBe('nginx');
    });

    test('the health port answers the liveness and readiness paths, and nothing else', async () => {
      // when
      const live = await get(healthPort, '/healthz');
      const ready = await get(healthPort, '/readyz');
      const other = await get(healthPort, '/api/auth/');
      const onMainPort = await get(port, '/healthz');
      // then
      expect([live.status, live.body]).toEqual([200, 'ok\n']);
      expect([ready.status, ready.body]).toEqual([200, 'ready\n']);
      expect(other.status).toBe(404);
      expect(onMainPort.status).toBe(404);
    });

    test('JSON responses are gzipped for clients that accept it', async () => {
      // when
      const response = await get(port, '/api/auth/big', { 'Accept-Encoding': 'gzip' });
      // then
      expect(response.status).toBe(200);
      expect(response.headers['content-encoding']).toBe('gzip');
      expect(response.headers.vary).toBe('Accept-Encoding');
    });

    test('a rate-limited route answers 429 past its limit (1 r/s, no burst), whatever address headers claim', async () => {
      // when: ten requests in well under a second from one peer, each claiming another client address
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        const forged = `198.51.100.${i + 1}`;
        statuses.push((await get(port, '/api/comments/1', { 'X-Real-IP': forged, 'X-Forwarded-For': forged })).status);
      }
      const otherClient = await get(port, '/api/comments/1', {}, '127.0.0.2');
      // then: at most the first two get through (the window may turn over once), and another peer has its own limit
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(8);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      expect(otherClient.status).toBe(200);
    });

    test('an external https upstream gets SNI and is refused when its certificate is not trusted', async () => {
      // when
      const response = await get(port, '/payments/charge');
      // then: nginx verified the self-signed certificate against the CA bundle and gave up
      expect(response.status).toBe(502);
      expect(payments.serverNames).toContain('api.payments.example.com');
      expect(sandbox.errorOutput()).toMatch(/certificate/i);
    });

    test('the access log is one JSON object per request', async () => {
      // given
      await get(port, '/api/posts/logged');
      // when
      const entries = sandbox.accessLog().map((line) => JSON.parse(line));
      // then
      const entry = entries.find((e) => e.uri === '/api/posts/logged');
      expect(entry).toMatchObject({ method: 'GET', status: 200, remote_addr: '127.0.0.1', upstream: `127.0.0.1:${upstreams.posts!.port}` });
      expect(entry.request_id).toMatch(/^[0-9a-f]{32}$/);
    });
  });
});

async function echoed(port: number, path: string, headers: Record<string, string> = {}): Promise<EchoedRequest> {
  const response = await get(port, path, headers);
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.body}`);
  return JSON.parse(response.body) as EchoedRequest;
}

/** An HTTPS server with a fresh self-signed certificate, recording the SNI names clients send. */
async function startTlsUpstream() {
  const dir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-tls-'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=api.payments.example.com',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8', timeout: 20_000 });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const serverNames: string[] = [];
  const context = tls.createSecureContext({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
  const server = https.createServer({
    SNICallback: (servername, callback) => {
      serverNames.push(servername);
      callback(null, context);
    },
  }, (_req, res) => res.end('paid'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as net.AddressInfo).port, serverNames, dir };
}
