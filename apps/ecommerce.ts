// The e-commerce platform grown from seed 001's user-service: catalog, cart, orders, payments and a storefront.
import { App, Duration } from 'cdk8s';
import {
  ApiGateway, ClusterDns, DatabaseCredentials, DatabaseEngine, Environment, ExternalService, GatewayDataPlane, GatewayTls,
  Platform, PlatformAlerts, PlatformDashboard, PlatformEdge, PlatformSecret, Probe, Release, ResilientMicroservice,
  ScheduledJob, SecretSource, StatefulDatabase,
} from '../lib';
import type { PlatformProps } from '../lib';

const REGISTRY = 'registry.example.com/ecommerce';

/** Builds the e-commerce platform for one environment and, unless the Platform's default, a Kubernetes minor. */
export function ecommercePlatform(app: App, environment: Environment, kubernetesVersion?: PlatformProps['kubernetesVersion']): Platform {
  // The shop attaches to the cluster's shared Gateway (Envoy Gateway, namespace `gateway-system`), whose HTTPS
  // listener admits routes of the namespace and names the shop's certificate Secrets: cert-manager issues them
  // from Certificates here by DNS-01, and a ReferenceGrant lets the Gateway read them. Its nodes run NodeLocal
  // DNSCache, so pods resolve at 169.254.20.10 (kube-dns behind it).
  const shop = new Platform(app, `ecommerce-${environment.name}`, {
    name: 'ecommerce', namespace: 'ecommerce', environment, kubernetesVersion,
    dns: ClusterDns.nodeLocal(),
    secretStore: { name: 'shop-secrets', kind: 'ClusterSecretStore' },
    edge: PlatformEdge.gatewayApi({
      gateway: { name: 'shared-edge', namespace: 'gateway-system', sectionName: 'https', httpSectionName: 'http' },
      dataPlane: GatewayDataPlane.envoyGateway(),
      acmeSolver: 'dns01',
    }),
  });
  // Every Secret the pods read is produced here. PostgreSQL's credentials and the seed's db-credentials (whose URL
  // holds the same password) come from the secrets manager in every environment; the cart's Redis, whose server
  // and clients read one Secret, gets a generated password in development.
  const fromManager = (name: string, keys: Record<string, string>) =>
    new PlatformSecret(shop, name, { source: SecretSource.fromStore({ remoteKey: `ecommerce/${environment.name}/${name}`, keys }) });
  fromManager('postgres-credentials', { username: 'username', password: 'password' });
  fromManager('db-credentials', { url: 'url' });
  fromManager('payment-provider', { 'api-key': 'api-key' });
  new PlatformSecret(shop, 'cart-redis-credentials', {
    source: environment === Environment.DEVELOPMENT
      ? SecretSource.generatedPassword()
      : SecretSource.fromStore({ remoteKey: `ecommerce/${environment.name}/cart-redis-credentials`, keys: { password: 'password' } }),
  });
  const tls = GatewayTls.certManager(environment === Environment.PRODUCTION ? 'letsencrypt-prod' : 'letsencrypt-staging');
  const host = (name: string) => (environment === Environment.PRODUCTION ? `${name}.example.com` : `${name}.${environment.name}.example.com`);

  const postgres = new StatefulDatabase(shop, 'postgres', {
    engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'shop', maxConnections: 200 }),
    storage: '50Gi',
    credentials: DatabaseCredentials.fromExistingSecret('postgres-credentials'),
  });
  const cartStore = new StatefulDatabase(shop, 'cart-redis', {
    engine: DatabaseEngine.redis({ version: '7.2.5', maxMemory: '192Mi', maxMemoryPolicy: 'volatile-lru' }),
    storage: '5Gi',
    credentials: DatabaseCredentials.fromExistingSecret('cart-redis-credentials'),
  });

  // The seed's user-service, as written there: DATABASE_URL from db-credentials, liveness after 30 s every 10 s,
  // readiness after 5 s every 5 s.
  const users = new ResilientMicroservice(shop, 'user-service', {
    image: 'ecommerce/user-service:v1.2.0',
    port: 8080,
    secretEnv: { DATABASE_URL: { secretName: 'db-credentials', key: 'url' } },
    probes: {
      liveness: Probe.http('/health', { initialDelay: Duration.seconds(30), period: Duration.seconds(10) }),
      readiness: Probe.http('/ready', { initialDelay: Duration.seconds(5), period: Duration.seconds(5) }),
    },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    metrics: { port: 9090 },
  });
  users.allowTo(postgres);

  // The catalog ships new versions as an Argo Rollouts canary: 20 %, 50 %, 80 % of requests with pauses between,
  // moved by the weights of its own HTTPRoute (Argo Rollouts' Gateway API plugin).
  const catalog = new ResilientMicroservice(shop, 'product-catalog', {
    image: `${REGISTRY}/product-catalog:3.4.0`,
    resources: { requests: { cpu: '200m', memory: '256Mi' } },
    metrics: { port: 9090 },
    expose: { host: host('catalog'), tls },
    release: Release.argoRollout({ trafficRouting: 'gateway-api' }),
  });
  catalog.connectTo(postgres);

  const cart = new ResilientMicroservice(shop, 'cart-service', {
    image: `${REGISTRY}/cart-service:2.0.3`,
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    metrics: { port: 9090 },
  });
  cart.connectTo(cartStore);

  // Orders change behind a blue/green switch: green is the next version, blue serves; the preview colour has a
  // host of its own for checks before the switch.
  const orders = new ResilientMicroservice(shop, 'order-service', {
    image: `${REGISTRY}/order-service:4.1.0`,
    resources: { requests: { cpu: '200m', memory: '256Mi' } },
    metrics: { port: 9090 },
    expose: { host: host('orders'), path: '/api/', tls },
    release: Release.blueGreen({
      active: 'blue', green: { image: `${REGISTRY}/order-service:4.2.0` }, previewHost: host('orders-preview'),
    }),
  });
  orders.connectTo(postgres);
  orders.connectTo(users);        // the seed's OrderService calls user-service

  const payments = new ResilientMicroservice(shop, 'payment-service', {
    image: `${REGISTRY}/payment-service:1.8.2`,
    resources: { requests: { cpu: '100m', memory: '128Mi' } },
    metrics: { port: 9090 },
    secretEnv: { PAYMENT_PROVIDER_KEY: { secretName: 'payment-provider', key: 'api-key' } },
  });
  payments.connectTo(postgres, { envPrefix: 'PAYMENTS_' });
  // The payment provider's API, on 443 only, at the address blocks it publishes (documentation ranges here):
  // PAYMENT_PROVIDER_HOST / _PORT in the env, an ipBlock egress with the cluster's and metadata ranges excepted.
  payments.connectTo(ExternalService.of({
    name: 'payment-provider', host: 'api.payments.example.com',
    cidrs: ['198.51.100.0/24', '203.0.113.0/24'], ports: [{ port: 443 }],
  }));
  orders.connectTo(payments);

  const storefront = new ResilientMicroservice(shop, 'storefront', {
    image: `${REGISTRY}/storefront:5.0.1`,
    component: 'frontend',
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    writablePaths: ['/tmp', '/var/cache/nginx'],
  });

  new ApiGateway(shop, 'api-gateway', {
    hosts: [host('shop')],
    tls,
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    routes: [
      { path: '/api/users/', to: users, rewrite: '/' },
      { path: '/api/products/', to: catalog, rewrite: '/' },
      { path: '/api/cart/', to: cart, rewrite: '/' },
      { path: '/api/orders/', to: orders, rewrite: '/' },
      { path: '/api/payments/', to: payments, rewrite: '/', rateLimit: { requestsPerSecond: 5, burst: 10 } },
      { path: '/', to: storefront },
    ],
  });

  const report = new ScheduledJob(shop, 'nightly-sales-report', {
    image: `${REGISTRY}/sales-report:1.3.0`,
    schedule: '30 1 * * *',
    timeout: Duration.minutes(30),
    // Rows processed and run time while it runs, scraped through a PodMonitor (its pods have no Service).
    metrics: { port: 9091 },
  });
  report.connectTo(postgres);
  // Each client's own database user, and the exporter's and backup job's read-only users: each password in
  // <database>-<user>-credentials, from the secrets manager (the cart store's generated in development, like the
  // Redis password).
  for (const client of [...postgres.clients, ...postgres.serviceUsers]) fromManager(client.secretName, { password: 'password' });
  for (const client of [...cartStore.clients, ...cartStore.serviceUsers]) {
    new PlatformSecret(shop, client.secretName, {
      source: environment === Environment.DEVELOPMENT
        ? SecretSource.generatedPassword()
        : SecretSource.fromStore({ remoteKey: `ecommerce/${environment.name}/${client.secretName}`, keys: { password: 'password' } }),
    });
  }

  if (environment.metrics) {
    new PlatformAlerts(shop, 'Alerts');
    new PlatformDashboard(shop, 'Dashboard');
  }
  return shop;
}
