// External hosts on a real nginx: it starts while a name does not resolve and follows address changes after the TTL.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from 'cdk8s';
import { ApiGateway, ExternalTarget, GatewayDnsOptions } from '../../lib';
import { DnsStub } from '../support/dns-stub';
import { findObject, synth, testPlatform } from '../support/objects';
import { describeRealNginx, FixedBodyUpstream, freePort, get, HttpResult, NginxSandbox, sleep, toLoopback } from '../support/real-nginx';

const HOST = 'partner.example.net';

function gateway(props: { port: number; dns?: GatewayDnsOptions }) {
  const { platform } = testPlatform({ namespace: 'shop' });
  const api = new ApiGateway(platform, 'api-gateway', {
    hosts: ['shop.example.com'],
    routes: [{ path: '/partner/', to: ExternalTarget.host(HOST, props.port, { protocol: 'http' }), rewrite: '/' }],
    dns: props.dns,
    metrics: false,
  });
  const objects = synth(platform);
  const container = findObject(objects, 'Deployment', 'api-gateway').spec.template.spec.containers[0];
  return { api, config: findObject(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'] as string, command: container.command as string[] };
}

/** Two backends on the same port of 127.0.0.1 and 127.0.0.2, so only the address DNS gives tells them apart. */
async function twoBackends(): Promise<[FixedBodyUpstream, FixedBodyUpstream]> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = await FixedBodyUpstream.start('127.0.0.1', 0, 'first');
    try {
      return [first, await FixedBodyUpstream.start('127.0.0.2', first.port, 'second')];
    } catch {
      await first.stop(); // that port is taken on 127.0.0.2: try another
    }
  }
  throw new Error('no port free on both 127.0.0.1 and 127.0.0.2 in 10 attempts');
}

/** Asks until the answer has `body`, at most `attempts` times 100 ms apart; returns the answers and the time taken. */
async function until(port: number, body: string, attempts: number): Promise<{ answers: HttpResult[]; ms: number }> {
  const started = Date.now();
  const answers: HttpResult[] = [];
  for (let i = 0; i < attempts; i++) {
    const answer = await get(port, '/partner/x');
    answers.push(answer);
    if (answer.status === 200 && answer.body === body) break;
    await sleep(100);
  }
  return { answers, ms: Date.now() - started };
}

describeRealNginx('external hosts re-resolved at request time by a real nginx', (nginx) => {
  let dns: DnsStub;
  let backends: [FixedBodyUpstream, FixedBodyUpstream];
  let sandbox: NginxSandbox;
  let port: number;

  beforeAll(async () => {
    dns = await DnsStub.start();
    backends = await twoBackends();
    port = await freePort();
    sandbox = new NginxSandbox(nginx);
    // nginx caches every answer (NXDOMAIN too) for `valid`: 1 s keeps the test short
    const { config } = gateway({ port: backends[0].port, dns: { resolvers: [`127.0.0.1:${dns.port}`], cacheTtl: Duration.seconds(1) } });
    sandbox.writeConfig(toLoopback(config, { upstreams: {}, listen: { 8080: port, 8081: await freePort() }, runtimeDir: sandbox.dir }));
  }, 20_000);

  afterAll(async () => {
    await sandbox?.dispose();
    await dns?.stop();
    for (const backend of backends ?? []) await backend.stop();
  });

  test('nginx starts while the host does not resolve, answers 502, then follows each address change', async () => {
    // given the name does not resolve: nginx with the name in proxy_pass itself would refuse to start here
    await sandbox.start(port);
    const unresolved = await get(port, '/partner/x');
    // when it appears, and later moves to another address
    dns.set(HOST, '127.0.0.1');
    const appeared = await until(port, 'first', 40);
    dns.set(HOST, '127.0.0.2');
    const moved = await until(port, 'second', 40);
    // then
    expect(unresolved.status).toBe(502);
    expect(appeared.answers.at(-1)).toMatchObject({ status: 200, body: 'first' });
    expect(moved.answers.at(-1)).toMatchObject({ status: 200, body: 'second' });
    expect(moved.answers.every((a) => a.status === 200)).toBe(true); // the switch drops no request
    expect(moved.ms).toBeLessThan(3000);
    expect(dns.queries.filter((q) => q.name === HOST).length).toBeGreaterThanOrEqual(3);
    expect(sandbox.errorOutput()).toMatch(/partner\.example\.net could not be resolved/);
  }, 20_000);
});

describeRealNginx('the resolver written at container start from /etc/resolv.conf', (nginx) => {
  test('the start script turns the pod\'s nameservers into a resolver line that nginx accepts', async () => {
    // given the gateway without dns.resolvers, and a pod's resolv.conf (IPv6 server, no final newline)
    const { config, command } = gateway({ port: 8443 });
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-resolv-'));
    const sandbox = new NginxSandbox(nginx);
    try {
      writeFileSync(join(dir, 'resolv.conf'), 'search shop.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver fd00::a\noptions ndots:5');
      // the harness points the script at that file and the sandbox, and stops it before it would exec nginx
      const script = command[2].replace(/ \/tmp\//g, ` ${sandbox.dir}/`).replace('/etc/resolv.conf', join(dir, 'resolv.conf'))
        .replace('exec nginx -g "daemon off;"', 'exit 0');
      // when
      const run = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 5000 });
      sandbox.writeConfig(toLoopback(config, { upstreams: {}, listen: { 8080: await freePort(), 8081: await freePort() }, runtimeDir: sandbox.dir }));
      const tested = sandbox.testConfig();
      // then
      expect(command.slice(0, 2)).toEqual(['sh', '-c']);
      expect(command[2]).toMatch(/exec nginx -g "daemon off;"$/);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(readFileSync(join(sandbox.dir, 'resolver.conf'), 'utf8')).toBe('resolver 10.96.0.10 [fd00::a] valid=30s ipv6=off;\n');
      expect(config).toContain(`  include /tmp/resolver.conf;`);
      expect(tested.output).toContain('test is successful');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await sandbox.dispose();
    }
  });

  test('the start script fails, saying why, when resolv.conf names no server', () => {
    // given
    const { command } = gateway({ port: 8443 });
    const dir = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-resolv-'));
    try {
      writeFileSync(join(dir, 'resolv.conf'), 'search svc.cluster.local\n');
      // when
      const run = spawnSync('sh', ['-c', command[2].replace(/ \/tmp\//g, ` ${dir}/`).replace('/etc/resolv.conf', join(dir, 'resolv.conf'))],
        { encoding: 'utf8', timeout: 5000 });
      // then
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('no nameserver in /etc/resolv.conf: set dns.resolvers');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
