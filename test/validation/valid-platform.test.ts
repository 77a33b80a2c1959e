// A valid platform passes every check with zero errors and zero warnings; validation stays cheap beside synthesis.
import { App, Testing } from 'cdk8s';
import { ApiGateway, DatabaseCredentials, DatabaseEngine, Environment, GatewayTls, Platform, Release, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { formatFinding } from '../../lib/validation';

/** A shop: gateway → web → orders → PostgreSQL and Redis, plus `extra` plain services in a chain. */
function shop(app: App, environment: Environment, extra = 0): Platform {
  const platform = new Platform(app, `shop-${environment.name}`, { namespace: 'shop', environment });
  const postgres = new StatefulDatabase(platform, 'postgres', {
    engine: DatabaseEngine.postgres(), credentials: DatabaseCredentials.fromExistingSecret('postgres-credentials'),
  });
  const redis = new StatefulDatabase(platform, 'redis', { engine: DatabaseEngine.redis(), metrics: true });
  const orders = new ResilientMicroservice(platform, 'orders', {
    image: 'registry.example.com/shop/orders:2.1.0',
    config: { LOG_LEVEL: 'info' },
    configFiles: { 'app.yaml': 'feature: on\n' },
    secretEnv: { PAYMENT_TOKEN: { secretName: 'payment-api', key: 'token' } },
    metrics: { port: 9090 },
    verticalPodAutoscaler: true,
  });
  orders.connectTo(postgres);
  orders.connectTo(redis);
  const cart = new ResilientMicroservice(platform, 'cart', {
    image: 'registry.example.com/shop/cart:1.0.0',
    release: Release.blueGreen({ active: 'blue', green: { image: 'registry.example.com/shop/cart:1.1.0' } }),
  });
  const web = new ResilientMicroservice(platform, 'web', { image: 'registry.example.com/shop/web:3.0.2' });
  web.connectTo(orders);
  web.connectTo(cart);
  let previous = web;
  for (let i = 0; i < extra; i++) {
    const service = new ResilientMicroservice(platform, `service-${i}`, { image: `registry.example.com/shop/service-${i}:1.0.${i}` });
    previous.connectTo(service, { envPrefix: `S${i}_` });
    previous = service;
  }
  new ApiGateway(platform, 'gateway', {
    hosts: ['shop.example.com'],
    routes: [{ path: '/', to: web }, { path: '/cart/', to: cart }],
    tls: GatewayTls.certManager('letsencrypt-prod'),
  });
  return platform;
}

describe('a valid platform', () => {
  test.each([Environment.DEVELOPMENT, Environment.PRODUCTION].map((e) => [e.name, e] as const))(
    'in %s: zero errors, zero warnings, only the VPA unchecked', (_name, environment) => {
      // given a platform with services, databases, a gateway and a blue/green release
      const app = Testing.app();
      shop(app, environment);
      // when it is validated
      const { report } = validateApp(app);
      // then nothing is found, and only the VerticalPodAutoscaler (no published model) goes unchecked
      expect([...report.errors, ...report.warnings].map(formatFinding)).toEqual([]);
      expect(report.unchecked).toEqual(['VerticalPodAutoscaler/shop/orders (autoscaling.k8s.io/v1)']);
    });

  test('the same platform in two environments is two clusters: no duplicate-object errors across them', () => {
    const app = Testing.app();
    shop(app, Environment.STAGING);
    shop(app, Environment.PRODUCTION);
    const { report } = validateApp(app);
    expect(report.errors.map(formatFinding)).toEqual([]);
  });

  test('a platform of ~50 microservices validates clean (its cost is measured by npm run bench, not here)', () => {
    // given a platform of 50 services
    const app = Testing.app();
    shop(app, Environment.PRODUCTION, 46);
    // when it is resolved and validated
    const { report, charts } = validateApp(app);
    // then every object is there and nothing is found
    expect(charts.flatMap((c) => c.objects).filter((o) => o.kind === 'Deployment').length).toBeGreaterThanOrEqual(46);
    expect(report.errors.map(formatFinding)).toEqual([]);
    expect(report.warnings.map(formatFinding)).toEqual([]);
  });
});
