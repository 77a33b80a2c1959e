// The client address on a real nginx with a trusted proxy: X-Forwarded-For believed from it only, limits per client.
import { ApiGateway, ResilientMicroservice } from '../../lib';
import { findObject, synth, testPlatform } from '../support/objects';
import { describeRealNginx, EchoedRequest, EchoUpstream, freePort, get, NginxSandbox, toLoopback } from '../support/real-nginx';

/** 127.0.0.1 plays the ingress controller's pod (trusted); 127.0.0.2 a pod that may not speak for clients. */
const TRUSTED = '127.0.0.1';
const UNTRUSTED = '127.0.0.2';

function trustingGatewayConfig(): string {
  const { platform } = testPlatform({ namespace: 'shop' });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
  new ApiGateway(platform, 'api-gateway', {
    hosts: ['shop.example.com'],
    routes: [
      { path: '/api/orders/', to: orders },
      { path: '/api/checkout/', to: orders, rateLimit: { requestsPerSecond: 1, burst: 0 } },
    ],
    trustedProxies: [`${TRUSTED}/32`],
    metrics: false,
  });
  return findObject(synth(platform), 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'];
}

describeRealNginx('trusted proxies on a real nginx', (nginx) => {
  let orders: EchoUpstream;
  let sandbox: NginxSandbox;
  let port: number;

  beforeAll(async () => {
    orders = await EchoUpstream.start('orders');
    port = await freePort();
    sandbox = new NginxSandbox(nginx);
    sandbox.writeConfig(toLoopback(trustingGatewayConfig(), {
      upstreams: { 'orders.shop.svc.cluster.local:8080': orders.port },
      listen: { 8080: port, 8081: await freePort() },
      runtimeDir: sandbox.dir,
    }));
    await sandbox.start(port);
  }, 20_000);

  afterAll(async () => {
    await sandbox?.dispose();
    await orders?.stop();
  });

  async function echoed(headers: Record<string, string>, from: string): Promise<EchoedRequest> {
    const response = await get(port, '/api/orders/1', headers, from);
    if (response.status !== 200) throw new Error(`answered ${response.status}: ${response.body}`);
    return JSON.parse(response.body) as EchoedRequest;
  }

  test('from the trusted proxy, the client is the last untrusted address of X-Forwarded-For; the proxy is appended', async () => {
    // when
    const plain = await echoed({ 'X-Forwarded-For': '198.51.100.7' }, TRUSTED);
    const prefixed = await echoed({ 'X-Forwarded-For': '203.0.113.66, 198.51.100.8' }, TRUSTED);
    const withoutHeader = await echoed({}, TRUSTED);
    // then: a forged left part is passed on but never becomes the client
    expect(plain.headers).toMatchObject({ 'x-real-ip': '198.51.100.7', 'x-forwarded-for': '198.51.100.7, 127.0.0.1' });
    expect(prefixed.headers).toMatchObject({ 'x-real-ip': '198.51.100.8', 'x-forwarded-for': '203.0.113.66, 198.51.100.8, 127.0.0.1' });
    expect(withoutHeader.headers).toMatchObject({ 'x-real-ip': '127.0.0.1', 'x-forwarded-for': '127.0.0.1' });
  });

  test('from any other peer, X-Forwarded-For and X-Real-IP are ignored and replaced by the peer', async () => {
    // when
    const forged = await echoed({ 'X-Forwarded-For': '198.51.100.9', 'X-Real-IP': '198.51.100.9' }, UNTRUSTED);
    // then
    expect(forged.headers).toMatchObject({ 'x-real-ip': UNTRUSTED, 'x-forwarded-for': UNTRUSTED });
    const entry = sandbox.accessLog().map((l) => JSON.parse(l)).find((e) => e.x_forwarded_for === '198.51.100.9');
    expect(entry.remote_addr).toBe(UNTRUSTED);
  });

  test('limits count per client behind the trusted proxy, and per peer for anyone else, whatever it claims', async () => {
    // when: two clients behind the proxy, two requests each; an untrusted peer rotating its claimed address
    const behindProxy: number[] = [];
    for (const client of ['192.0.2.1', '192.0.2.2', '192.0.2.1', '192.0.2.2']) {
      behindProxy.push((await get(port, '/api/checkout/', { 'X-Forwarded-For': client }, TRUSTED)).status);
    }
    const rotating: number[] = [];
    for (let i = 0; i < 8; i++) rotating.push((await get(port, '/api/checkout/', { 'X-Forwarded-For': `192.0.2.${100 + i}` }, UNTRUSTED)).status);
    // then: each client's first request passes; the untrusted peer is one client however it rotates
    expect(behindProxy.slice(0, 2)).toEqual([200, 200]);
    expect(behindProxy.slice(2).filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    expect(rotating.filter((s) => s === 200).length).toBeLessThanOrEqual(2);
    expect(rotating.filter((s) => s === 429).length).toBeGreaterThanOrEqual(6);
  });
});
