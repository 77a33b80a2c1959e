// PlatformAlerts' operations rules: databases, backups, certificates and the edge, each only with its subject.
import { Duration } from 'cdk8s';
import { ApiGateway, DatabaseCredentials, DatabaseEngine, GatewayTls, PlatformAlerts, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, synth, testPlatform } from '../support/objects';

const rulesOf = (objects: K8sObject[]): K8sObject[] => findObject(objects, 'PrometheusRule', 'shop-alerts').spec.groups[0].rules;
const exprOf = (objects: K8sObject[], alert: string): string | undefined => rulesOf(objects).find((r) => r.alert === alert)?.expr;

function shopWithData(alertProps = {}) {
  const { platform } = testPlatform();
  new PlatformAlerts(platform, 'Alerts', alertProps);
  new StatefulDatabase(platform, 'orders-db', {
    engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'orders' }), storage: '10Gi', metrics: true, backup: { schedule: '0 2 * * *' },
    credentials: DatabaseCredentials.fromExistingSecret('orders-db-credentials'),
  } as any);
  new StatefulDatabase(platform, 'cache', {
    engine: DatabaseEngine.redis({ version: '7.2.5', maxMemory: '64Mi' }), storage: '1Gi', metrics: true,
    credentials: DatabaseCredentials.fromExistingSecret('cache-credentials'),
  });
  return platform;
}

describe('operations alerts', () => {
  test('databases: up, connections and replication per engine, scoped to the namespace and the exporters\' jobs', () => {
    const objects = synth(shopWithData());
    expect(exprOf(objects, 'PostgresDown')).toBe('pg_up{namespace="shop", job=~"orders-db"} == 0');
    expect(exprOf(objects, 'PostgresConnectionsNearLimit')).toBe(
      'sum by (job, pod) (pg_stat_activity_count{namespace="shop", job=~"orders-db"}) / max by (job, pod) (pg_settings_max_connections{namespace="shop", job=~"orders-db"}) > 0.8');
    expect(exprOf(objects, 'PostgresReplicationLag')).toBe('pg_replication_lag_seconds{namespace="shop", job=~"orders-db"} > 30');
    expect(exprOf(objects, 'RedisDown')).toBe('redis_up{namespace="shop", job=~"cache"} == 0');
    expect(exprOf(objects, 'RedisReplicaLinkDown')).toBe('redis_master_link_up{namespace="shop", job=~"cache"} == 0');
    const job = findObject(objects, 'ServiceMonitor', 'orders-db');
    expect(job.spec.jobLabel).toBe('app.kubernetes.io/name');
  });

  test('backups: the age of the last success and failed runs of the backup CronJobs only', () => {
    const objects = synth(shopWithData({ backupMaxAge: Duration.hours(8) }));
    const backups = objectsNamed(objects, 'CronJob');
    expect(exprOf(objects, 'BackupTooOld')).toBe(
      `time() - kube_cronjob_status_last_successful_time{namespace="shop", cronjob=~"${backups.join('|')}"} > 28800`);
    expect(exprOf(objects, 'BackupFailed')).toBe(`kube_job_status_failed{namespace="shop", job_name=~"(${backups.join('|')})-[0-9]+"} > 0`);
  });

  test('certificates and the edge: only when the platform has certificates and routes; thresholds typed', () => {
    const { platform } = testPlatform();
    new PlatformAlerts(platform, 'Alerts', { certificateExpiry: Duration.days(7) });
    const bare = synth(platform);
    expect(rulesOf(bare).map((r) => r.alert)).toEqual(['PodCrashLooping', 'PodNotReady']);
    new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], tls: GatewayTls.certManager('letsencrypt-prod') } as any);
    const objects = synth(platform);
    expect(exprOf(objects, 'CertificateExpiresSoon')).toBe('certmanager_certificate_expiration_timestamp_seconds{namespace="shop"} - time() < 604800');
    expect(exprOf(objects, 'CertificateNotReady')).toBe('certmanager_certificate_ready_status{namespace="shop", condition="False"} == 1');
    expect(exprOf(objects, 'EdgeHighErrorRate')).toContain('envoy_cluster_upstream_rq_xx{envoy_cluster_name=~"httproute/shop/.*", envoy_response_code_class="5"}');
    expect(exprOf(objects, 'GatewayDown')).toBe('nginx_up{namespace="shop", job=~"gateway"} == 0');
  });

  test('bad thresholds are refused', () => {
    const { platform } = testPlatform();
    expect(() => new PlatformAlerts(platform, 'A', { connectionRatio: 1.5 })).toThrow('[shop/A] connectionRatio (1.5) must be a share between 0 and 1');
    expect(() => new PlatformAlerts(platform, 'B', { backupMaxAge: Duration.millis(1) })).toThrow('[shop/B] backupMaxAge ("0.001s") must be a whole number of seconds');
  });
});

function objectsNamed(objects: K8sObject[], kind: string): string[] {
  return objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();
}
