// PlatformAlerts: one PrometheusRule per platform, its rules derived from the workloads in the construct tree.
import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { Platform } from '../platform';
import { alternation, HttpMetricNames, matchers, promDuration, resolveHttpMetricNames } from './prometheus-series';
import { AlertRule, backupRules, certificateRules, databaseRules, edgeRules, OperationsThresholds, platformObjectsByKind } from './operations-alerts';
import { PROMETHEUS_OPERATOR_API_VERSION, ServiceMonitor } from './service-monitor';

export type { AlertRule } from './operations-alerts';

/** Thresholds of the platform's alerts. */
export interface PlatformAlertsProps {
  /**
   * Share of requests answered with a 5xx status (0–1) above which HighErrorRate fires for a service. A share
   * rather than a rate, so that busy and quiet services are judged alike.
   * @default 0.05
   */
  readonly errorRatio?: number;
  /**
   * How long the error share must stay above `errorRatio`; also the rate window.
   * @default Duration.minutes(5)
   */
  readonly errorRateFor?: Duration;
  /**
   * Container restarts within 15 minutes that count as crash looping.
   * @default 3
   */
  readonly crashLoopRestarts?: number;
  /**
   * How long a pod may stay not ready (outside completed Job pods) before PodNotReady fires.
   * @default Duration.minutes(15)
   */
  readonly podNotReadyFor?: Duration;
  /**
   * How long an HPA may stay at maxReplicas before HpaAtMaxReplicas fires: the service needs a higher bound.
   * @default Duration.minutes(15)
   */
  readonly hpaAtMaxFor?: Duration;
  /**
   * Used share of a PersistentVolumeClaim (0–1) above which PvcAlmostFull fires.
   * @default 0.85
   */
  readonly pvcUsageRatio?: number;
  /**
   * Names of the apps' HTTP metrics.
   * @default - `http_requests_total` with a `status` label
   */
  readonly httpMetrics?: HttpMetricNames;
  /**
   * Share of a database's connection limit in use (0–1) above which PostgresConnectionsNearLimit or
   * RedisConnectionsNearLimit fires.
   * @default 0.8
   */
  readonly connectionRatio?: number;
  /**
   * How far a PostgreSQL standby may lag its primary before PostgresReplicationLag fires.
   * @default Duration.seconds(30)
   */
  readonly replicationLag?: Duration;
  /**
   * How long since a backup's last success before BackupTooOld fires (a daily backup missed once, plus slack).
   * @default Duration.hours(26)
   */
  readonly backupMaxAge?: Duration;
  /**
   * How long before a certificate's expiry CertificateExpiresSoon fires (cert-manager renews at two thirds of its
   * lifetime: 30 days before for Let's Encrypt).
   * @default Duration.days(14)
   */
  readonly certificateExpiry?: Duration;
  /**
   * Labels beyond the platform's `monitoring.selectorLabels` (which the PrometheusRule carries).
   * @default - none
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
}

/**
 * A PrometheusRule `<platform>-alerts` in the platform's namespace. Expressions are scoped to the namespace and
 * grouped by job, pod, HPA or claim, so one rule covers every workload; rules whose subject the platform lacks
 * (no HPA, no volume, no service with HTTP metrics) are left out. Rules are computed at synth time, so workloads
 * added after this construct count.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */
export class PlatformAlerts extends Construct {
  public readonly apiObject: ApiObject;
  public readonly errorRatio: number;
  public readonly errorRateForSeconds: number;
  public readonly crashLoopRestarts: number;
  public readonly podNotReadyForSeconds: number;
  public readonly hpaAtMaxForSeconds: number;
  public readonly pvcUsageRatio: number;
  /** The thresholds of the database, backup, certificate and edge rules. */
  public readonly operations: OperationsThresholds;
  private readonly platform: Platform;
  private readonly props: PlatformAlertsProps;

  constructor(scope: Construct, id: string, props: PlatformAlertsProps = {}) {
    super(scope, id);
    this.platform = Platform.of(this);
    this.props = props;
    this.errorRatio = props.errorRatio ?? 0.05;
    checkRatio(this, 'errorRatio', this.errorRatio);
    this.errorRateForSeconds = wholeSeconds(this, 'errorRateFor', props.errorRateFor ?? Duration.minutes(5));
    this.crashLoopRestarts = props.crashLoopRestarts ?? 3;
    if (!Number.isInteger(this.crashLoopRestarts) || this.crashLoopRestarts < 1) {
      throw PatternError.invalidProp(this, 'crashLoopRestarts', this.crashLoopRestarts, 'must be a whole number of restarts, 1 or more');
    }
    this.podNotReadyForSeconds = wholeSeconds(this, 'podNotReadyFor', props.podNotReadyFor ?? Duration.minutes(15));
    this.hpaAtMaxForSeconds = wholeSeconds(this, 'hpaAtMaxFor', props.hpaAtMaxFor ?? Duration.minutes(15));
    this.pvcUsageRatio = props.pvcUsageRatio ?? 0.85;
    checkRatio(this, 'pvcUsageRatio', this.pvcUsageRatio);
    this.operations = {
      connectionRatio: props.connectionRatio ?? 0.8,
      replicationLagSeconds: wholeSeconds(this, 'replicationLag', props.replicationLag ?? Duration.seconds(30)),
      backupMaxAgeSeconds: wholeSeconds(this, 'backupMaxAge', props.backupMaxAge ?? Duration.hours(26)),
      certificateExpirySeconds: wholeSeconds(this, 'certificateExpiry', props.certificateExpiry ?? Duration.days(14)),
      errorRatio: this.errorRatio,
    };
    checkRatio(this, 'connectionRatio', this.operations.connectionRatio);
    const name = `${this.platform.platformName}-alerts`;
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: 'PrometheusRule',
      metadata: { name, labels: { ...this.platform.platformLabels('alerts'), ...this.platform.monitorSelectorLabels, ...(props.extraLabels ?? {}) } },
      spec: { groups: Lazy.any({ produce: () => [{ name: `${this.platform.platformName}.rules`, rules: this.rules() }] }) },
    });
  }

  /** The rules, derived from the platform's workloads as they are now. */
  public rules(): AlertRule[] {
    const ns = this.platform.namespaceName;
    const rules: AlertRule[] = [];
    const httpJobs = ServiceMonitor.allIn(this.platform).filter((m) => m.httpMetrics).map((m) => m.workloadName);
    if (httpJobs.length) rules.push(this.highErrorRate(ns, httpJobs));
    rules.push({
      alert: 'PodCrashLooping',
      expr: `increase(kube_pod_container_status_restarts_total${matchers([['namespace', '=', ns]])}[15m]) >= ${this.crashLoopRestarts}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A container keeps restarting',
        description: `Container {{ $labels.container }} of pod {{ $labels.pod }} restarted at least ${this.crashLoopRestarts} times in 15 minutes.`,
      },
    });
    rules.push({
      alert: 'PodNotReady',
      expr: `(kube_pod_status_ready${matchers([['namespace', '=', ns], ['condition', '=', 'false']])} == 1)`
        + ` unless on (namespace, pod) (kube_pod_status_phase${matchers([['namespace', '=', ns], ['phase', '=', 'Succeeded']])} == 1)`,
      for: promDuration(this.podNotReadyForSeconds),
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A pod is not ready',
        description: `Pod {{ $labels.pod }} has not been ready for ${promDuration(this.podNotReadyForSeconds)}.`,
      },
    });
    const objects = platformObjectsByKind(this.platform);
    const hpas = (objects.get('HorizontalPodAutoscaler') ?? []).map((o) => o.name);
    if (hpas.length) {
      const selector = matchers([['namespace', '=', ns], ['horizontalpodautoscaler', '=~', alternation(hpas)]]);
      rules.push({
        alert: 'HpaAtMaxReplicas',
        expr: `kube_horizontalpodautoscaler_status_current_replicas${selector} >= kube_horizontalpodautoscaler_spec_max_replicas${selector}`,
        for: promDuration(this.hpaAtMaxForSeconds),
        labels: { severity: 'warning' },
        annotations: {
          summary: 'An autoscaler is at its maximum',
          description: `HPA {{ $labels.horizontalpodautoscaler }} has run at maxReplicas for ${promDuration(this.hpaAtMaxForSeconds)}: raise maxReplicas or find the load.`,
        },
      });
    }
    if (this.platform.workloadFootprints.some((f) => f.claimsPerReplica > 0)) {
      const selector = matchers([['namespace', '=', ns]]);
      rules.push({
        alert: 'PvcAlmostFull',
        expr: `kubelet_volume_stats_used_bytes${selector} / kubelet_volume_stats_capacity_bytes${selector} > ${this.pvcUsageRatio}`,
        for: '10m',
        labels: { severity: 'warning' },
        annotations: {
          summary: 'A volume is almost full',
          description: `Claim {{ $labels.persistentvolumeclaim }} is more than ${Math.round(this.pvcUsageRatio * 100)} % full.`,
        },
      });
    }
    rules.push(...databaseRules(this.platform, this.operations), ...backupRules(this.platform, this.operations, objects),
      ...certificateRules(this.platform, this.operations, objects), ...edgeRules(this.platform, this.operations, objects));
    return rules;
  }

  private highErrorRate(ns: string, jobs: readonly string[]): AlertRule {
    const names = resolveHttpMetricNames(this.props.httpMetrics);
    const window = promDuration(this.errorRateForSeconds);
    const all = matchers([['namespace', '=', ns], ['job', '=~', alternation(jobs)]]);
    const errors = matchers([['namespace', '=', ns], ['job', '=~', alternation(jobs)], [names.statusLabel, '=~', '5..']]);
    return {
      alert: 'HighErrorRate',
      expr: `sum by (job) (rate(${names.requestsTotal}${errors}[${window}])) / sum by (job) (rate(${names.requestsTotal}${all}[${window}])) > ${this.errorRatio}`,
      for: window,
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A service answers too many requests with 5xx',
        description: `More than ${Math.round(this.errorRatio * 1000) / 10} % of the requests to {{ $labels.job }} failed with a 5xx status over ${window}.`,
      },
    };
  }
}

function checkRatio(scope: Construct, prop: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0 && value < 1)) {
    throw PatternError.invalidProp(scope, prop, value, 'must be a share between 0 and 1 (exclusive), e.g. 0.05 for 5 %');
  }
}

function wholeSeconds(scope: Construct, prop: string, duration: Duration): number {
  const seconds = duration.toMilliseconds() / 1000;
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw PatternError.invalidProp(scope, prop, `${seconds}s`, 'must be a whole number of seconds, 1 or more');
  }
  return seconds;
}
