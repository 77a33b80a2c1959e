// The labels Prometheus selects by: set once on the Platform, on every ServiceMonitor and PrometheusRule, checked.
import { ApiObject } from 'cdk8s';
import { DatabaseEngine, PlatformAlerts, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { DEFAULT_MONITOR_SELECTOR_LABELS, MONITOR_SELECTOR_RULE_ID } from '../../lib/platform-monitoring';
import { validateApp } from '../../lib/synthesis';
import { formatFinding } from '../../lib/validation';
import { findObject, K8sObject, objectsOfKind, synth, testPlatform } from '../support/objects';

function monitoredPlatform(selectorLabels?: Record<string, string>) {
  const { app, platform } = testPlatform(selectorLabels ? { monitoring: { selectorLabels } } : {});
  new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
  new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres() });
  new PlatformAlerts(platform, 'Alerts');
  return { app, platform };
}

const monitoringObjects = (objects: K8sObject[]) => [...objectsOfKind(objects, 'ServiceMonitor'), ...objectsOfKind(objects, 'PrometheusRule')];

test('by default every ServiceMonitor (services and databases) and the PrometheusRule carry release=kube-prometheus-stack', () => {
  const { app, platform } = monitoredPlatform();
  const objects = synth(platform);
  expect(DEFAULT_MONITOR_SELECTOR_LABELS).toEqual({ release: 'kube-prometheus-stack' });
  expect(monitoringObjects(objects).map((o) => `${o.kind}/${o.metadata.name}`).sort())
    .toEqual(['PrometheusRule/shop-alerts', 'ServiceMonitor/orders', 'ServiceMonitor/postgres']);
  for (const object of monitoringObjects(objects)) expect(object.metadata.labels.release).toBe('kube-prometheus-stack');
  expect(validateApp(app).report.errors).toEqual([]);
});

test('the platform\'s own labels replace the default; {} adds none', () => {
  const custom = synth(monitoredPlatform({ 'prometheus': 'platform', 'example.com/team': 'shop' }).platform);
  for (const object of monitoringObjects(custom)) {
    expect(object.metadata.labels).toMatchObject({ 'prometheus': 'platform', 'example.com/team': 'shop' });
    expect(object.metadata.labels.release).toBeUndefined();
  }
  const none = synth(monitoredPlatform({}).platform);
  for (const object of monitoringObjects(none)) expect(object.metadata.labels.release).toBeUndefined();
});

test('a hand-written monitor without the labels is a finding of monitoring/selector-labels', () => {
  const { app, platform } = monitoredPlatform();
  new ApiObject(platform, 'Extra', {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'jobs', labels: { release: 'prometheus' } },
    spec: { selector: { matchLabels: { app: 'jobs' } }, podMetricsEndpoints: [{ port: 'metrics' }] },
  });
  const findings = validateApp(app).report.errors.filter((f) => f.ruleId === MONITOR_SELECTOR_RULE_ID);
  expect(findings.map(formatFinding)).toEqual([
    'error monitoring/selector-labels PodMonitor/shop/jobs metadata.labels.release: found "prometheus"; expected "kube-prometheus-stack": the platform\'s monitoring.selectorLabels, which its Prometheus selects PodMonitors by',
  ]);
  expect(findings[0].constructPath).toBe('shop/Extra');
});

test.each([
  [{ 'Bad Key': 'x' }, /monitoring\.selectorLabels\["Bad Key"\] \("Bad Key"\) must be a label key/],
  [{ release: 'not ok!' }, /monitoring\.selectorLabels\["release"\] \("not ok!"\) must be a label value/],
  [{ release: 5 }, /monitoring\.selectorLabels\["release"\] \(5\) must be a label value/],
])('bad selector labels %j are refused', (selectorLabels, message) => {
  expect(() => testPlatform({ monitoring: { selectorLabels: selectorLabels as never } })).toThrow(message);
});

test('the ServiceMonitor of a database selects its exporter Service and carries the labels', () => {
  const objects = synth(monitoredPlatform().platform);
  expect(findObject(objects, 'ServiceMonitor', 'postgres').metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/name': 'postgres' });
});

describe('the Prometheus pods metrics ports admit', () => {
  const metricsPeers = (objects: K8sObject[], policy: string) => findObject(objects, 'NetworkPolicy', policy).spec.ingress
    .filter((rule: K8sObject) => rule.from.some((peer: K8sObject) => peer.namespaceSelector))
    .map((rule: K8sObject) => ({ from: rule.from, ports: rule.ports.map((p: K8sObject) => p.port) }));

  test('by default prometheus-operator\'s pods (app.kubernetes.io/name=prometheus) of the monitoring namespace, not the whole namespace', () => {
    const objects = synth(monitoredPlatform().platform);
    const prometheus = {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
    };
    expect(metricsPeers(objects, 'orders')).toEqual([{ from: [prometheus], ports: [9090] }]);
    expect(metricsPeers(objects, 'postgres')).toEqual([{ from: [prometheus], ports: [9187] }]);
  });

  test('labels and namespace of one\'s own', () => {
    const { platform } = testPlatform({ monitoringNamespace: 'observability', monitoring: { prometheusPodLabels: { prometheus: 'k8s' } } });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
    expect(metricsPeers(synth(platform), 'orders')).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } }, podSelector: { matchLabels: { prometheus: 'k8s' } } }],
      ports: [9090],
    }]);
  });

  test('no labels (the whole namespace) or bad ones are refused', () => {
    expect(() => testPlatform({ monitoring: { prometheusPodLabels: {} } }))
      .toThrow(/^\[shop\] monitoring\.prometheusPodLabels \(\{\}\) must hold at least one label: \{\} would admit every pod of the monitoring namespace/);
    expect(() => testPlatform({ monitoring: { prometheusPodLabels: { 'app.kubernetes.io/name': 'Prom etheus' } } }))
      .toThrow(/^\[shop\] monitoring\.prometheusPodLabels\["app\.kubernetes\.io\/name"\] \("Prom etheus"\) must be a label value/);
  });
});
