// The e-commerce platform: the seed's user-service as written, the release strategies, the wiring and the
// nightly job, in every environment.
import { Environment } from '../../lib';
import { findResource, findResources, matchers } from '../../lib/testing';
import { K8sObject } from '../support/objects';
import {
  buildReference, bytes, cpuMillis, egressByWorkload, ENVIRONMENTS, observabilityOf, podTemplateOf, REFERENCE_PLATFORMS, selects,
} from '../support/platform-assertions';

expect.extend(matchers);

const SHOP = REFERENCE_PLATFORMS.find((p) => p.name === 'ecommerce')!;
const METRICS_SERVICES = ['cart-service', 'order-service', 'payment-service', 'product-catalog', 'user-service'];

describe.each(ENVIRONMENTS.map((environment) => ({ environment, environmentName: environment.name })))(
  'ecommerce in $environmentName', ({ environment }) => {
    let objects: K8sObject[];
    beforeAll(() => {
      ({ objects } = buildReference(SHOP, environment));
    });

    test('user-service is the seed\'s: image, port 8080, DATABASE_URL from db-credentials, probes and their timing', () => {
      expect(objects).toHaveResource('Deployment', {
        metadata: { name: 'user-service', namespace: 'ecommerce' },
        spec: {
          template: {
            spec: {
              containers: [{
                image: 'ecommerce/user-service:v1.2.0',
                ports: expect.arrayContaining([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]),
                env: [{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db-credentials', key: 'url' } } }],
                livenessProbe: { httpGet: { path: '/health', port: 'http' }, initialDelaySeconds: 30, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 5, periodSeconds: 5 },
              }],
            },
          },
        },
      });
    });

    test('user-service has the seed\'s requests and limits (100m/128Mi, 200m/256Mi), scaled by the environment', () => {
      const [container] = findResource(objects, 'Deployment', 'user-service').spec.template.spec.containers;
      const scale = environment.resourceScale;
      expect({
        requests: [cpuMillis(container.resources.requests.cpu), bytes(container.resources.requests.memory)],
        limits: [cpuMillis(container.resources.limits.cpu), bytes(container.resources.limits.memory)],
      }).toEqual({
        requests: [100 * scale, 128 * 2 ** 20 * scale],
        limits: [200 * scale, 256 * 2 ** 20 * scale],
      });
    });

    test('the catalog ships as an Argo Rollouts canary (20 %, 50 %, 80 % with pauses), autoscaled as a Rollout', () => {
      expect(findResources(objects, 'Deployment', 'product-catalog')).toEqual([]);
      expect(objects).toHaveResource('Rollout', {
        metadata: { name: 'product-catalog' },
        spec: {
          strategy: {
            canary: {
              maxUnavailable: 0,
              steps: [
                { setWeight: 20 }, { pause: { duration: '300s' } },
                { setWeight: 50 }, { pause: { duration: '300s' } },
                { setWeight: 80 }, { pause: { duration: '300s' } },
              ],
            },
          },
        },
      });
      expect(findResource(objects, 'HorizontalPodAutoscaler', 'product-catalog').spec.scaleTargetRef)
        .toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'product-catalog' });
    });

    test('orders switch blue/green: the Service serves blue (4.1.0), the preview Service green (4.2.0)', () => {
      const servedBy = (serviceName: string) => {
        const service = findResource(objects, 'Service', serviceName);
        return findResources(objects, 'Deployment')
          .filter((d) => selects(service.spec.selector, podTemplateOf(d)!.metadata.labels))
          .map((d) => `${d.metadata.name} ${d.spec.template.spec.containers[0].image}`);
      };
      expect(servedBy('order-service')).toEqual(['order-service-blue registry.example.com/ecommerce/order-service:4.1.0']);
      expect(servedBy('order-service-preview')).toEqual(['order-service-green registry.example.com/ecommerce/order-service:4.2.0']);
    });

    test('each service reaches only what it uses: orders call users and payments as the seed\'s OrderService does', () => {
      const egress = egressByWorkload(objects);
      expect({
        'api-gateway': egress['api-gateway'],
        'user-service': egress['user-service'],
        'product-catalog': egress['product-catalog'],
        'cart-service': egress['cart-service'],
        'order-service': egress['order-service'],
        'payment-service': egress['payment-service'],
        'storefront': egress.storefront,
        'nightly-sales-report': egress['nightly-sales-report'],
      }).toEqual({
        'api-gateway': ['cart-service:8080', 'order-service:8080', 'payment-service:8080', 'product-catalog:8080', 'storefront:8080',
          'user-service:8080'],
        'user-service': ['postgres:5432'],
        'product-catalog': ['postgres:5432'],
        'cart-service': ['cart-redis:6379'],
        'order-service': ['payment-service:8080', 'postgres:5432', 'user-service:8080'],
        'payment-service': ['postgres:5432'],
        'storefront': [],
        'nightly-sales-report': ['postgres:5432'],
      });
    });

    test('the nightly sales report is a non-overlapping CronJob with a 30-minute deadline, hardened like every pod', () => {
      expect(objects).toHaveResource('CronJob', {
        metadata: { name: 'nightly-sales-report' },
        spec: {
          schedule: '30 1 * * *',
          concurrencyPolicy: 'Forbid',
          jobTemplate: {
            spec: {
              activeDeadlineSeconds: 1800,
              template: {
                spec: {
                  automountServiceAccountToken: false,
                  restartPolicy: 'Never',
                  containers: [{
                    image: 'registry.example.com/ecommerce/sales-report:1.3.0',
                    securityContext: {
                      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
                      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
                    },
                  }],
                },
              },
            },
          },
        },
      });
    });
  });

describe('e-commerce operations by environment', () => {
  test.each([Environment.STAGING, Environment.PRODUCTION].map((environment) => ({ environment, environmentName: environment.name })))(
    '$environmentName ships alerts, a ServiceMonitor per service with metrics and a dashboard row per workload', ({ environment }) => {
      const { objects } = buildReference(SHOP, environment);
      const { alerts, scraped, danglingMonitors, dashboardRows } = observabilityOf(objects);
      expect(alerts).toEqual(['HighErrorRate', 'PodCrashLooping', 'PodNotReady', 'HpaAtMaxReplicas', 'PvcAlmostFull',
        'PostgresDown', 'PostgresConnectionsNearLimit', 'PostgresReplicationLag', 'RedisDown', 'RedisConnectionsNearLimit',
        'RedisReplicaLinkDown', ...(environment.backups ? ['BackupTooOld', 'BackupFailed'] : []),
        'CertificateExpiresSoon', 'CertificateNotReady', 'EdgeHighErrorRate', 'GatewayDown']);
      // The blue/green monitor selects both order Services, so the green pods are scraped before the switch; the
      // catalog's monitor its stable and canary Services (Argo narrows each to its ReplicaSet during a rollout); the
      // databases' and the gateway's exporters are scraped through their own metrics Services.
      expect(scraped).toEqual([...METRICS_SERVICES, 'order-service-preview', 'product-catalog-canary', 'api-gateway-metrics', 'postgres-metrics', 'cart-redis-metrics']
        .map((name) => `${name}:metrics`).sort());
      expect(danglingMonitors).toEqual([]);
      expect(dashboardRows).toEqual(expect.arrayContaining(['api-gateway', ...METRICS_SERVICES, 'storefront', 'postgres', 'cart-redis',
        'nightly-sales-report']));
    });

  test('production backs up both stores; development ships no alerts, monitors, dashboards or backups', () => {
    const production = buildReference(SHOP, Environment.PRODUCTION).objects;
    expect(findResources(production, 'CronJob').map((c) => c.metadata.name).sort())
      .toEqual(['cart-redis-backup', 'nightly-sales-report', 'postgres-backup']);
    const development = buildReference(SHOP, Environment.DEVELOPMENT).objects;
    expect(observabilityOf(development)).toEqual({ alerts: [], scraped: [], danglingMonitors: [], dashboardRows: [] });
    expect(findResources(development, 'CronJob').map((c) => c.metadata.name)).toEqual(['nightly-sales-report']);
  });
});
