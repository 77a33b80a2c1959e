// Metrics on a real nginx: stub_status to loopback only, scraped by Debian's nginx-prometheus-exporter with the pod's args.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { ApiGateway, ResilientMicroservice } from '../../lib';
import { findObject, synth, testPlatform } from '../support/objects';
import { describeRealNginx, EchoUpstream, freePort, get, NginxSandbox, sleep, toLoopback } from '../support/real-nginx';

/** Debian's package `prometheus-nginx-exporter`, the same program as the sidecar's image. */
function findExporter(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v prometheus-nginx-exporter || command -v nginx-prometheus-exporter'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim().split('\n')[0] : undefined;
}

function meteredGateway() {
  const { platform } = testPlatform({ namespace: 'shop' });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
  new ApiGateway(platform, 'api-gateway', { hosts: ['shop.example.com'], routes: [{ path: '/api/orders/', to: orders }], metrics: true });
  const objects = synth(platform);
  const containers: { name: string; args?: string[] }[] = findObject(objects, 'Deployment', 'api-gateway').spec.template.spec.containers;
  return {
    config: findObject(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'] as string,
    exporterArgs: containers.find((c) => c.name === 'metrics')!.args!,
  };
}

describeRealNginx('gateway metrics on a real nginx', (nginx) => {
  const exporter = findExporter();
  let orders: EchoUpstream;
  let sandbox: NginxSandbox;
  let port: number;
  let healthPort: number;
  let gateway: ReturnType<typeof meteredGateway>;

  beforeAll(async () => {
    orders = await EchoUpstream.start('orders');
    port = await freePort();
    healthPort = await freePort();
    gateway = meteredGateway();
    sandbox = new NginxSandbox(nginx);
    sandbox.writeConfig(toLoopback(gateway.config, {
      upstreams: { 'orders.shop.svc.cluster.local:8080': orders.port }, listen: { 8080: port, 8081: healthPort }, runtimeDir: sandbox.dir,
    }));
    await sandbox.start(port);
  }, 20_000);

  afterAll(async () => {
    await sandbox?.dispose();
    await orders?.stop();
  });

  test('stub_status answers on the health port from loopback, is refused to other peers and absent from the routes', async () => {
    // when
    const local = await get(healthPort, '/stub_status');
    const other = await get(healthPort, '/stub_status', {}, '127.0.0.2');
    const onRoutes = await get(port, '/stub_status');
    // then
    expect(local.status).toBe(200);
    expect(local.body).toMatch(/^Active connections: \d+ \nserver accepts handled requests\n \d+ \d+ \d+ \nReading: \d+ Writing: \d+ Waiting: \d+ \n$/);
    expect(other.status).toBe(403);
    expect(onRoutes.status).toBe(404);
  });

  if (!exporter && process.env.CI === 'true') {
    test('the exporter is installed (CI runs it)', () => {
      throw new Error('prometheus-nginx-exporter not found: CI must install the Debian package "prometheus-nginx-exporter" (see .ci/run)');
    });
  } else if (!exporter) {
    test.skip('the exporter scrapes nginx: prometheus-nginx-exporter is not installed', () => undefined);
  } else {
    test('the exporter, run with the sidecar\'s arguments, scrapes nginx and serves nginx_up 1 and the connection gauges', async () => {
      // given the sidecar's args, with the harness's ports in place of 8081 and 9113
      const metricsPort = await freePort();
      const args = gateway.exporterArgs.map((a) => a
        .replace('127.0.0.1:8081/', `127.0.0.1:${healthPort}/`)
        .replace(/^--web\.listen-address=:9113$/, `--web.listen-address=127.0.0.1:${metricsPort}`));
      const child: ChildProcess = spawn(exporter, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (c) => { stderr += String(c); });
      try {
        // when: scraped as Prometheus would, once it listens (at most 5 s)
        let text = '';
        for (let attempt = 0; attempt < 50 && !text.includes('nginx_up'); attempt++) {
          if (child.exitCode !== null) throw new Error(`exporter exited (${child.exitCode}): ${stderr}`);
          text = await get(metricsPort, '/metrics').then((r) => r.body, () => '');
          if (!text.includes('nginx_up')) await sleep(100);
        }
        // then
        expect(args).toEqual([`--nginx.scrape-uri=http://127.0.0.1:${healthPort}/stub_status`, `--web.listen-address=127.0.0.1:${metricsPort}`]);
        expect(text).toMatch(/^nginx_up 1$/m);
        expect(text).toMatch(/^nginx_connections_active \d+$/m);
        expect(text).toMatch(/^nginx_http_requests_total \d+$/m);
      } finally {
        child.kill('SIGTERM');
      }
    }, 15_000);
  }
});
