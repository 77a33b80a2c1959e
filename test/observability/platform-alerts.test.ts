// PlatformAlerts: one PrometheusRule per platform, rules derived from the workloads, thresholds typed, schema-valid.
import { schemaViolation } from '../../lib/validation/schema-models';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Platform, PlatformAlerts, ResilientMicroservice } from '../../lib';
import { findObject, K8sObject, synth, testPlatform } from '../support/objects';

function ruleOf(objects: K8sObject[], alert: string): K8sObject | undefined {
  return findObject(objects, 'PrometheusRule', 'shop-alerts').spec.groups[0].rules.find((r: K8sObject) => r.alert === alert);
}

/** A stand-in for a database: a StatefulSet footprint with one claim per replica. */
function registerDatabase(platform: Platform): void {
  const peer = Object.assign(new Construct(platform, 'postgres'), { workloadName: 'postgres', namespace: 'shop', podSelector: {} });
  platform.registerFootprint({
    workload: peer, kind: 'StatefulSet', controllers: ['postgres'], minReplicas: 2, maxReplicas: 2, surge: 0,
    containers: [], storageBytesPerReplica: 1024 ** 3, claimsPerReplica: 1,
  });
}

describe('PlatformAlerts', () => {
  test('HighErrorRate: the 5xx share per job, over the services with HTTP metrics only, added after the alerts', () => {
    // given the alerts first, then the services
    const { platform } = testPlatform();
    new PlatformAlerts(platform, 'Alerts');
    new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', metrics: { port: 9090 } });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
    new ResilientMicroservice(platform, 'worker', { image: 'shop/worker:1.0.0', metrics: { port: 9090, httpMetrics: false } });
    // when
    const objects = synth(platform);
    // then
    expect(ruleOf(objects, 'HighErrorRate')).toEqual({
      alert: 'HighErrorRate',
      expr: 'sum by (job) (rate(http_requests_total{namespace="shop", job=~"orders|users", status=~"5.."}[5m]))'
        + ' / sum by (job) (rate(http_requests_total{namespace="shop", job=~"orders|users"}[5m])) > 0.05',
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A service answers too many requests with 5xx',
        description: 'More than 5 % of the requests to {{ $labels.job }} failed with a 5xx status over 5m.',
      },
    });
  });

  test('PodCrashLooping, PodNotReady and HpaAtMaxReplicas, namespace-scoped, with the HPAs of the platform', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    new ResilientMicroservice(platform, 'cron', { image: 'shop/cron:1.0.0', autoscaling: false });
    new PlatformAlerts(platform, 'Alerts', { crashLoopRestarts: 5, podNotReadyFor: Duration.minutes(10), hpaAtMaxFor: Duration.hours(1) });
    const objects = synth(platform);
    expect(ruleOf(objects, 'PodCrashLooping')).toMatchObject({
      expr: 'increase(kube_pod_container_status_restarts_total{namespace="shop"}[15m]) >= 5', for: '5m', labels: { severity: 'warning' },
    });
    expect(ruleOf(objects, 'PodNotReady')).toMatchObject({
      expr: '(kube_pod_status_ready{namespace="shop", condition="false"} == 1) unless on (namespace, pod) (kube_pod_status_phase{namespace="shop", phase="Succeeded"} == 1)',
      for: '10m',
    });
    expect(ruleOf(objects, 'HpaAtMaxReplicas')).toMatchObject({
      expr: 'kube_horizontalpodautoscaler_status_current_replicas{namespace="shop", horizontalpodautoscaler=~"orders"}'
        + ' >= kube_horizontalpodautoscaler_spec_max_replicas{namespace="shop", horizontalpodautoscaler=~"orders"}',
      for: '1h',
    });
  });

  test('rules without a subject are left out: no HTTP metrics, no HPA, no volume', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'cron', { image: 'shop/cron:1.0.0', autoscaling: false });
    new PlatformAlerts(platform, 'Alerts');
    const rules = findObject(synth(platform), 'PrometheusRule', 'shop-alerts').spec.groups[0].rules;
    expect(rules.map((r: K8sObject) => r.alert)).toEqual(['PodCrashLooping', 'PodNotReady']);
  });

  test('PvcAlmostFull when a workload has volumes, at the given share', () => {
    const { platform } = testPlatform();
    registerDatabase(platform);
    new PlatformAlerts(platform, 'Alerts', { pvcUsageRatio: 0.9 });
    expect(ruleOf(synth(platform), 'PvcAlmostFull')).toMatchObject({
      expr: 'kubelet_volume_stats_used_bytes{namespace="shop"} / kubelet_volume_stats_capacity_bytes{namespace="shop"} > 0.9',
      for: '10m',
      annotations: { description: 'Claim {{ $labels.persistentvolumeclaim }} is more than 90 % full.' },
    });
  });

  test('custom metric names and error threshold; labels for the Prometheus rule selector; schema-valid', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
    registerDatabase(platform);
    new PlatformAlerts(platform, 'Alerts', {
      errorRatio: 0.01, errorRateFor: Duration.minutes(10),
      httpMetrics: { requestsTotal: 'http_server_requests_seconds_count', statusLabel: 'code' },
      extraLabels: { release: 'kube-prometheus-stack' },
    });
    const objects = synth(platform);
    const rule = findObject(objects, 'PrometheusRule', 'shop-alerts');
    expect(rule.metadata.labels).toMatchObject({ 'release': 'kube-prometheus-stack', 'app.kubernetes.io/component': 'alerts' });
    expect(ruleOf(objects, 'HighErrorRate')!.expr).toBe(
      'sum by (job) (rate(http_server_requests_seconds_count{namespace="shop", job=~"orders", code=~"5.."}[10m]))'
      + ' / sum by (job) (rate(http_server_requests_seconds_count{namespace="shop", job=~"orders"}[10m])) > 0.01');
    expect(rule.spec.groups[0].name).toBe('shop.rules');
    expect(rule.spec.groups[0].rules).toHaveLength(5);
    expect(schemaViolation(rule as any)).toBeUndefined();
  });

  test.each([
    [{ errorRatio: 5 }, /^\[shop\/Alerts\] errorRatio \(5\) must be a share between 0 and 1/],
    [{ pvcUsageRatio: 0 }, /^\[shop\/Alerts\] pvcUsageRatio \(0\) must be a share between 0 and 1/],
    [{ crashLoopRestarts: 0 }, /^\[shop\/Alerts\] crashLoopRestarts \(0\) must be a whole number of restarts/],
    [{ podNotReadyFor: Duration.millis(10) }, /^\[shop\/Alerts\] podNotReadyFor \("0\.01s"\) must be a whole number of seconds/],
  ])('error for %j', (props, message) => {
    const { platform } = testPlatform();
    expect(() => new PlatformAlerts(platform, 'Alerts', props)).toThrow(message);
  });
});
