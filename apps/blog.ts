// The blog platform of seed 001: a React frontend and four services behind an nginx gateway, PostgreSQL and Redis.
import { App } from 'cdk8s';
import {
  ApiGateway, DatabaseCredentials, DatabaseEngine, Environment, GatewayTls, Platform, PlatformAlerts, PlatformDashboard,
  PlatformEdge, PlatformSecret, ResilientMicroservice, SecretSource, StatefulDatabase,
} from '../lib';
import type { PlatformProps } from '../lib';

/** HPA targets from the seed: CPU 70 %, memory 80 %; bounds come from the environment (2–10 in production). */
const AUTOSCALING = { targetCpuUtilization: 70, targetMemoryUtilization: 80 };
const REGISTRY = 'registry.example.com/blog';

/** Builds the blog platform for one environment and, unless the Platform's default, a Kubernetes minor. */
export function blogPlatform(app: App, environment: Environment, kubernetesVersion?: PlatformProps['kubernetesVersion']): Platform {
  // The blog owns its edge: a Gateway of Envoy Gateway's class in its namespace, one HTTPS listener per host with
  // a certificate cert-manager issues from the Gateway's annotation (ACME HTTP-01 through the HTTP listener).
  const blog = new Platform(app, `blog-${environment.name}`, {
    name: 'blog', namespace: 'blog-platform', environment, kubernetesVersion,
    edge: PlatformEdge.gatewayApi({ create: { className: 'eg' }, acmeSolver: 'http01' }),
    secretStore: { name: 'platform-secrets', kind: 'ClusterSecretStore' },
  });
  // Every Secret the pods read is produced here: in development random passwords that External Secrets Operator
  // generates once (server and clients read the same Secret), elsewhere the values of the secrets manager.
  for (const [name, username] of [['postgres-credentials', 'blog'], ['redis-credentials', undefined]] as const) {
    new PlatformSecret(blog, name, {
      source: environment === Environment.DEVELOPMENT
        ? SecretSource.generatedPassword(username ? { literals: { username } } : {})
        : SecretSource.fromStore({
          remoteKey: `blog/${environment.name}/${name}`,
          keys: username ? { username: 'username', password: 'password' } : { password: 'password' },
        }),
    });
  }

  const postgres = new StatefulDatabase(blog, 'postgres', {
    engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'blog' }),
    storage: '20Gi',
    credentials: DatabaseCredentials.fromExistingSecret('postgres-credentials'),
  });
  const redis = new StatefulDatabase(blog, 'redis', {
    engine: DatabaseEngine.redis({ version: '7.2.5', maxMemory: '192Mi', maxMemoryPolicy: 'allkeys-lru', appendOnly: false }),
    storage: '2Gi',
    credentials: DatabaseCredentials.fromExistingSecret('redis-credentials'),
  });

  // CPU / memory requests from the seed's capacity table; the image service and frontend are sized by us.
  const service = (id: string, cpu: string, memory: string) => new ResilientMicroservice(blog, id, {
    image: `${REGISTRY}/${id}:1.0.0`,
    port: 8080,
    resources: { requests: { cpu, memory } },
    autoscaling: AUTOSCALING,
    metrics: { port: 9090 },
    config: { LOG_LEVEL: environment === Environment.PRODUCTION ? 'info' : 'debug' },
  });
  const auth = service('auth-service', '100m', '128Mi');
  const posts = service('blog-service', '200m', '256Mi');
  const comments = service('comment-service', '100m', '128Mi');
  const images = service('image-service', '250m', '512Mi');
  const frontend = new ResilientMicroservice(blog, 'frontend', {
    image: `${REGISTRY}/frontend:1.0.0`,
    port: 8080,
    component: 'frontend',
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    autoscaling: AUTOSCALING,
    writablePaths: ['/tmp', '/var/cache/nginx'],
  });

  // Each service reaches only the stores it uses.
  auth.connectTo(postgres);
  auth.connectTo(redis);          // sessions
  posts.connectTo(postgres);
  posts.connectTo(redis);         // post cache
  posts.connectTo(auth);          // token checks
  comments.connectTo(postgres);
  comments.connectTo(auth);
  images.connectTo(postgres);     // image metadata
  // Each client's own database user, and the exporter's and backup job's read-only users: each password in
  // <database>-<user>-credentials, made like the others.
  for (const client of [...postgres.clients, ...postgres.serviceUsers, ...redis.clients, ...redis.serviceUsers]) {
    new PlatformSecret(blog, client.secretName, {
      source: environment === Environment.DEVELOPMENT
        ? SecretSource.generatedPassword()
        : SecretSource.fromStore({ remoteKey: `blog/${environment.name}/${client.secretName}`, keys: { password: 'password' } }),
    });
  }

  new ApiGateway(blog, 'api-gateway', {
    hosts: ['blog.example.com'],
    tls: GatewayTls.certManager('letsencrypt-prod'),
    resources: { requests: { cpu: '50m', memory: '64Mi' } },
    autoscaling: AUTOSCALING,
    routes: [
      { path: '/api/auth/', to: auth, rewrite: '/', rateLimit: { requestsPerSecond: 10, burst: 20 } },
      { path: '/api/posts/', to: posts, rewrite: '/' },
      { path: '/api/comments/', to: comments, rewrite: '/' },
      { path: '/api/images/', to: images, rewrite: '/' },
      { path: '/', to: frontend },
    ],
  });
  if (environment.metrics) {
    new PlatformAlerts(blog, 'Alerts');
    new PlatformDashboard(blog, 'Dashboard');
  }
  return blog;
}
