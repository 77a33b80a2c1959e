// The blog platform honours seed 001: its figures, probes, autoscaling and wiring, in every environment.
import { Environment } from '../../lib';
import { findResource, findResources, matchers } from '../../lib/testing';
import { K8sObject } from '../support/objects';
import { buildReference, bytes, cpuMillis, egressByWorkload, ENVIRONMENTS, observabilityOf, REFERENCE_PLATFORMS } from '../support/platform-assertions';

expect.extend(matchers);

const BLOG = REFERENCE_PLATFORMS.find((p) => p.name === 'blog')!;
const SERVICES = ['auth-service', 'blog-service', 'comment-service', 'image-service', 'frontend'];
const METRICS_SERVICES = ['auth-service', 'blog-service', 'comment-service', 'image-service'];

/** The seed's capacity table (requests at full size); image-service and frontend are sized in apps/blog.ts. */
const SEED_REQUESTS: Record<string, { cpuMillis: number; memoryMi: number }> = {
  'api-gateway': { cpuMillis: 50, memoryMi: 64 },
  'auth-service': { cpuMillis: 100, memoryMi: 128 },
  'blog-service': { cpuMillis: 200, memoryMi: 256 },
  'comment-service': { cpuMillis: 100, memoryMi: 128 },
};

describe.each(ENVIRONMENTS.map((environment) => ({ environment, environmentName: environment.name })))(
  'blog in $environmentName', ({ environment }) => {
    let objects: K8sObject[];
    beforeAll(() => {
      ({ objects } = buildReference(BLOG, environment));
    });

    test('everything is in the namespace blog-platform, but the cluster-scoped Namespace and PriorityClasses', () => {
      expect(objects).toHaveResource('Namespace', { metadata: { name: 'blog-platform' } });
      const clusterScoped = new Set(['Namespace', 'PriorityClass']);
      const elsewhere = objects.filter((o) => !clusterScoped.has(o.kind) && o.metadata.namespace !== 'blog-platform');
      expect(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    });

    test.each(Object.keys(SEED_REQUESTS))('%s requests the seed\'s CPU and memory, scaled by the environment', (name) => {
      const [container] = findResource(objects, 'Deployment', name).spec.template.spec.containers;
      const seed = SEED_REQUESTS[name];
      expect({
        cpuMillis: cpuMillis(container.resources.requests.cpu),
        memoryBytes: bytes(container.resources.requests.memory),
      }).toEqual({
        cpuMillis: seed.cpuMillis * environment.resourceScale,
        memoryBytes: seed.memoryMi * 2 ** 20 * environment.resourceScale,
      });
    });

    test.each(['api-gateway', ...SERVICES])('%s autoscales on CPU 70 %% and memory 80 %% within the environment\'s bounds', (name) => {
      expect(objects).toHaveResource('HorizontalPodAutoscaler', {
        metadata: { name },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: environment.minReplicas,
          maxReplicas: environment.maxReplicas,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
            { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
          ],
        },
      });
      expect(findResource(objects, 'Deployment', name).spec.replicas).toBeUndefined();
    });

    test.each(SERVICES)('%s is alive on /health and ready on /ready, on its http port', (name) => {
      const [container] = findResource(objects, 'Deployment', name).spec.template.spec.containers;
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(container.ports).toContainEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
    });

    test('services reach only the stores and services they use; the gateway only the routed services', () => {
      const egress = egressByWorkload(objects);
      expect({
        'api-gateway': egress['api-gateway'],
        'auth-service': egress['auth-service'],
        'blog-service': egress['blog-service'],
        'comment-service': egress['comment-service'],
        'image-service': egress['image-service'],
        'frontend': egress.frontend,
      }).toEqual({
        'api-gateway': ['auth-service:8080', 'blog-service:8080', 'comment-service:8080', 'frontend:8080', 'image-service:8080'],
        'auth-service': ['postgres:5432', 'redis:6379'],
        'blog-service': ['auth-service:8080', 'postgres:5432', 'redis:6379'],
        'comment-service': ['auth-service:8080', 'postgres:5432'],
        'image-service': ['postgres:5432'],
        'frontend': [],
      });
    });
  });

describe('blog operations by environment', () => {
  test('production ships alerts, a ServiceMonitor per service with metrics, a dashboard row per workload, and backups', () => {
    const { objects } = buildReference(BLOG, Environment.PRODUCTION);
    const observability = observabilityOf(objects);
    expect(observability).toEqual({
      alerts: ['HighErrorRate', 'PodCrashLooping', 'PodNotReady', 'HpaAtMaxReplicas', 'PvcAlmostFull',
        'PostgresDown', 'PostgresConnectionsNearLimit', 'PostgresReplicationLag', 'RedisDown', 'RedisConnectionsNearLimit',
        'RedisReplicaLinkDown', 'BackupTooOld', 'BackupFailed', 'CertificateExpiresSoon', 'CertificateNotReady',
        'EdgeHighErrorRate', 'GatewayDown'],
      scraped: [...METRICS_SERVICES, 'api-gateway-metrics', 'postgres-metrics', 'redis-metrics'].map((name) => `${name}:metrics`).sort(),
      danglingMonitors: [],
      dashboardRows: ['api-gateway', 'auth-service', 'blog-service', 'comment-service', 'frontend', 'image-service',
        'postgres', 'postgres-backup', 'redis', 'redis-backup'],
    });
    expect(findResources(objects, 'CronJob').map((c) => c.metadata.name)).toEqual(['postgres-backup', 'redis-backup']);
    expect(findResource(objects, 'StatefulSet', 'postgres').spec.replicas).toBe(2);
  });

  test('development ships no alerts, monitors, dashboards, exporters or backups', () => {
    const { objects } = buildReference(BLOG, Environment.DEVELOPMENT);
    expect(observabilityOf(objects)).toEqual({ alerts: [], scraped: [], danglingMonitors: [], dashboardRows: [] });
    expect(findResources(objects, 'CronJob')).toEqual([]);
    const postgres = findResource(objects, 'StatefulSet', 'postgres');
    expect(postgres.spec.template.spec.containers.map((c: K8sObject) => c.name)).toEqual(['database']);
    expect(postgres.spec.replicas).toBe(1);
  });
});
