// Alert rules for what keeps a platform's data and edge alive: databases (up, connections, replication),
// backups (age of the last success, failures), certificates (expiry, readiness) and the edge (5xx, gateway up).
// Each family appears only when the platform has its subject.
import { ApiObject } from 'cdk8s';
import { alternation, matchers, promDuration } from './prometheus-series';
import { ServiceMonitor } from './service-monitor';
import { LabelKeys } from '../labels';
import { Platform } from '../platform';

/** One alerting rule as prometheus-operator reads it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The thresholds the operations rules use, resolved by PlatformAlerts. */
export interface OperationsThresholds {
  /** Share of a database's connection limit in use above which it alerts (0–1). */
  readonly connectionRatio: number;
  /** Seconds a PostgreSQL standby may lag its primary. */
  readonly replicationLagSeconds: number;
  /** Seconds since a backup's last success before BackupTooOld fires. */
  readonly backupMaxAgeSeconds: number;
  /** Seconds before a certificate's expiry at which CertificateExpiresSoon fires. */
  readonly certificateExpirySeconds: number;
  /** Share of the edge's requests answered with 5xx above which EdgeHighErrorRate fires (0–1). */
  readonly errorRatio: number;
}

const rule = (alert: string, expr: string, forTime: string, severity: string, summary: string, description: string): AlertRule =>
  ({ alert, expr, for: forTime, labels: { severity }, annotations: { summary, description } });

/** Rules for the platform's database exporters. */
export function databaseRules(platform: Platform, t: OperationsThresholds): AlertRule[] {
  const ns = platform.namespaceName;
  const jobsOf = (engine: string) => ServiceMonitor.allIn(platform).filter((m) => m.databaseExporter === engine).map((m) => m.workloadName);
  const rules: AlertRule[] = [];
  const pg = jobsOf('postgresql');
  if (pg.length > 0) {
    const sel = matchers([['namespace', '=', ns], ['job', '=~', alternation(pg)]]);
    rules.push(
      rule('PostgresDown', `pg_up${sel} == 0`, '2m', 'critical', 'PostgreSQL does not answer its exporter',
        'The exporter of {{ $labels.job }} ({{ $labels.pod }}) cannot reach PostgreSQL.'),
      rule('PostgresConnectionsNearLimit',
        `sum by (job, pod) (pg_stat_activity_count${sel}) / max by (job, pod) (pg_settings_max_connections${sel}) > ${t.connectionRatio}`,
        '10m', 'warning', 'PostgreSQL is close to max_connections',
        `{{ $labels.pod }} uses more than ${Math.round(t.connectionRatio * 100)} % of its connections.`),
      rule('PostgresReplicationLag', `pg_replication_lag_seconds${sel} > ${t.replicationLagSeconds}`, '5m', 'warning',
        'A PostgreSQL standby lags its primary', `Standby {{ $labels.pod }} is more than ${t.replicationLagSeconds}s behind.`),
    );
  }
  const redis = jobsOf('redis');
  if (redis.length > 0) {
    const sel = matchers([['namespace', '=', ns], ['job', '=~', alternation(redis)]]);
    rules.push(
      rule('RedisDown', `redis_up${sel} == 0`, '2m', 'critical', 'Redis does not answer its exporter',
        'The exporter of {{ $labels.job }} ({{ $labels.pod }}) cannot reach Redis.'),
      rule('RedisConnectionsNearLimit', `redis_connected_clients${sel} / redis_config_maxclients${sel} > ${t.connectionRatio}`, '10m', 'warning',
        'Redis is close to maxclients', `{{ $labels.pod }} uses more than ${Math.round(t.connectionRatio * 100)} % of its client slots.`),
      rule('RedisReplicaLinkDown', `redis_master_link_up${sel} == 0`, '5m', 'warning',
        'A Redis replica lost its primary', 'Replica {{ $labels.pod }} has no link to its primary.'),
    );
  }
  return rules;
}

/** Rules for the backup CronJobs (component `backup`), from kube-state-metrics. */
export function backupRules(platform: Platform, t: OperationsThresholds, objects: PlatformObjects): AlertRule[] {
  const cronJobs = ofKind(objects, 'CronJob')
    .filter((o) => o.metadata.getLabel(LabelKeys.COMPONENT) === 'backup').map((o) => o.name);
  const cnpg = cloudNativePgBackupRules(platform, t, objects);
  if (cronJobs.length === 0) return cnpg;
  const ns = platform.namespaceName;
  const names = alternation(cronJobs);
  return [...cnpg,
    rule('BackupTooOld',
      `time() - kube_cronjob_status_last_successful_time${matchers([['namespace', '=', ns], ['cronjob', '=~', names]])} > ${t.backupMaxAgeSeconds}`,
      '10m', 'critical', 'A backup has not succeeded for too long',
      `{{ $labels.cronjob }} last succeeded more than ${promDuration(t.backupMaxAgeSeconds)} ago.`),
    rule('BackupFailed',
      `kube_job_status_failed${matchers([['namespace', '=', ns], ['job_name', '=~', `(${names})-[0-9]+`]])} > 0`,
      '0m', 'warning', 'A backup run failed', 'Backup job {{ $labels.job_name }} failed; the next run retries.'),
  ];
}

/**
 * Rules for CloudNativePG clusters backed up by the Barman Cloud Plugin, from the metrics its sidecar adds to each
 * instance's exporter (the in-tree `cnpg_collector_last_*_backup_timestamp` are superseded by them). The PodMonitor
 * job is the cluster's name; `max by (job)` takes the freshest instance, as only the one that took a backup knows.
 */
function cloudNativePgBackupRules(platform: Platform, t: OperationsThresholds, objects: PlatformObjects): AlertRule[] {
  const clusters = ofKind(objects, 'ScheduledBackup')
    .filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/'))
    .map((o) => (o.toJson() as { spec?: { cluster?: { name?: string } } }).spec?.cluster?.name)
    .filter((name): name is string => typeof name === 'string');
  if (clusters.length === 0) return [];
  const sel = matchers([['namespace', '=', platform.namespaceName], ['job', '=~', alternation(clusters)]]);
  const last = `max by (job) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp${sel})`;
  return [
    rule('CloudNativePgBackupTooOld', `time() - ${last} > ${t.backupMaxAgeSeconds}`, '10m', 'critical',
      'A CloudNativePG cluster has no recent base backup',
      `The newest base backup of {{ $labels.job }} in its object store is more than ${promDuration(t.backupMaxAgeSeconds)} old.`),
    rule('CloudNativePgBackupFailed',
      `max by (job) (barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp${sel}) > ${last}`, '0m', 'warning',
      'The last CloudNativePG backup failed', 'The last base backup of {{ $labels.job }} failed after its last success; see its Backup objects.'),
  ];
}

/** Rules for cert-manager certificates of the platform's namespace (Certificate objects or a Gateway's annotation). */
export function certificateRules(platform: Platform, t: OperationsThresholds, objects: PlatformObjects): AlertRule[] {
  const annotated = ofKind(objects, 'Gateway').some((g) => Object.keys(g.metadata.toJson().annotations ?? {}).some((k) => k.startsWith('cert-manager.io/')));
  if (!annotated && ofKind(objects, 'Certificate').length === 0) return [];
  const ns = platform.namespaceName;
  return [
    rule('CertificateExpiresSoon',
      `certmanager_certificate_expiration_timestamp_seconds${matchers([['namespace', '=', ns]])} - time() < ${t.certificateExpirySeconds}`,
      '1h', 'warning', 'A certificate expires soon and has not been renewed',
      `Certificate {{ $labels.name }} expires in less than ${promDuration(t.certificateExpirySeconds)}.`),
    rule('CertificateNotReady',
      `certmanager_certificate_ready_status${matchers([['namespace', '=', ns], ['condition', '=', 'False']])} == 1`,
      '15m', 'critical', 'A certificate is not ready', 'cert-manager cannot issue certificate {{ $labels.name }}.'),
  ];
}

/**
 * Rules for the edge: 5xx share of the platform's HTTPRoutes on an Envoy Gateway data plane (Envoy names its
 * clusters `httproute/<namespace>/<route>/rule/<n>`), and every nginx ApiGateway answering its exporter.
 */
export function edgeRules(platform: Platform, t: OperationsThresholds, objects: PlatformObjects): AlertRule[] {
  const rules: AlertRule[] = [];
  const ns = platform.namespaceName;
  const spec = platform.edge.spec;
  if (spec.kind !== 'ingress' && spec.dataPlane.implementation === 'envoy-gateway' && ofKind(objects, 'HTTPRoute').length > 0) {
    const clusters = `httproute/${ns}/.*`;
    const errors = matchers([['envoy_cluster_name', '=~', clusters], ['envoy_response_code_class', '=', '5']]);
    const all = matchers([['envoy_cluster_name', '=~', clusters]]);
    rules.push(rule('EdgeHighErrorRate',
      `sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx${errors}[5m])) / sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total${all}[5m])) > ${t.errorRatio}`,
      '5m', 'critical', 'The edge answers too many requests of a route with 5xx',
      `More than ${Math.round(t.errorRatio * 1000) / 10} % of the requests of {{ $labels.envoy_cluster_name }} failed with a 5xx status.`));
  }
  const gateways = ServiceMonitor.allIn(platform).filter((m) => m.nginxMetrics).map((m) => m.workloadName);
  if (gateways.length > 0) {
    rules.push(rule('GatewayDown', `nginx_up${matchers([['namespace', '=', ns], ['job', '=~', alternation(gateways)]])} == 0`,
      '2m', 'critical', 'An nginx gateway does not answer its exporter', 'nginx of {{ $labels.job }} ({{ $labels.pod }}) is down.'));
  }
  return rules;
}

/** The platform's API objects by kind, gathered in one walk of its construct tree. */
export type PlatformObjects = ReadonlyMap<string, readonly ApiObject[]>;

/** Walks the platform once and groups its API objects by kind. */
export function platformObjectsByKind(platform: Platform): PlatformObjects {
  const byKind = new Map<string, ApiObject[]>();
  for (const c of platform.node.findAll()) {
    if (ApiObject.isApiObject(c)) byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), c]);
  }
  return byKind;
}

function ofKind(objects: PlatformObjects, kind: string): readonly ApiObject[] {
  return objects.get(kind) ?? [];
}
