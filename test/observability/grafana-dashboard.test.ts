// PlatformDashboard: one row per workload, panels from the workloads, in a ConfigMap for the Grafana sidecar.
import { PlatformDashboard, Release, ResilientMicroservice } from '../../lib';
import { findObject, K8sObject, synth, testPlatform } from '../support/objects';

function build() {
  const { platform } = testPlatform();
  const dashboard = new PlatformDashboard(platform, 'Dashboard');
  new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
  new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0', metrics: { port: 9090 },
    release: Release.canary({ image: 'shop/orders:1.3.0', weight: 34 }),
  });
  return { platform, dashboard, objects: synth(platform) };
}

function model(objects: K8sObject[]): K8sObject {
  return JSON.parse(findObject(objects, 'ConfigMap', 'shop-dashboard').data['shop.json']);
}

describe('PlatformDashboard', () => {
  test('a ConfigMap labelled for the Grafana sidecar, holding the dashboard JSON', () => {
    const { objects } = build();
    const configMap = findObject(objects, 'ConfigMap', 'shop-dashboard');
    expect(configMap.metadata.labels).toMatchObject({ 'grafana_dashboard': '1', 'app.kubernetes.io/component': 'dashboard' });
    const dashboard = model(objects);
    expect(dashboard).toMatchObject({ uid: 'cdk8s-shop', title: 'shop (production)', schemaVersion: 39, editable: false });
  });

  test('one row per workload, by name; six panels with HTTP metrics, three without', () => {
    const panels: K8sObject[] = model(build().objects).panels;
    const layout = panels.map((p) => `${p.type === 'row' ? 'row' : ' '}:${p.title}:${p.gridPos.x},${p.gridPos.y},${p.gridPos.w}`);
    expect(layout).toEqual([
      'row:orders:0,0,24',
      ' :Request rate:0,1,4', ' :Errors (5xx share):4,1,4', ' :Latency p95:8,1,4',
      ' :CPU:12,1,4', ' :Memory:16,1,4', ' :Ready replicas:20,1,4',
      'row:users:0,9,24',
      ' :CPU:0,10,8', ' :Memory:8,10,8', ' :Ready replicas:16,10,8',
    ]);
    expect(panels.map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  test('queries: HTTP series by job, pod series by the names of every Deployment of the workload (canary included)', () => {
    const panels: K8sObject[] = model(build().objects).panels;
    const expr = (title: string, row = 'orders') => {
      const start = panels.findIndex((p) => p.type === 'row' && p.title === row);
      return panels.slice(start + 1).find((p) => p.title === title)!.targets[0].expr;
    };
    expect(expr('Request rate')).toBe('sum(rate(http_requests_total{namespace="shop", job="orders"}[5m]))');
    expect(expr('Errors (5xx share)')).toBe('sum(rate(http_requests_total{namespace="shop", job="orders", status=~"5.."}[5m])) / sum(rate(http_requests_total{namespace="shop", job="orders"}[5m]))');
    expect(expr('Latency p95')).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="shop", job="orders"}[5m])))');
    expect(expr('CPU')).toBe('sum(rate(container_cpu_usage_seconds_total{namespace="shop", pod=~"(orders|orders-canary)-[a-z0-9]{1,10}-[a-z0-9]{5}", container!=""}[5m]))');
    expect(expr('Memory', 'users')).toBe('sum(container_memory_working_set_bytes{namespace="shop", pod=~"(users)-[a-z0-9]{1,10}-[a-z0-9]{5}", container!=""})');
    expect(expr('Ready replicas', 'users')).toBe('sum(kube_pod_status_ready{namespace="shop", pod=~"(users)-[a-z0-9]{1,10}-[a-z0-9]{5}", condition="true"})');
  });

  test('the pod regex never matches another workload whose name starts the same', () => {
    const panels: K8sObject[] = model(build().objects).panels;
    const cpu = panels.find((p) => p.title === 'CPU')!.targets[0].expr as string;
    const regex = new RegExp(`^${/pod=~"([^"]+)"/.exec(cpu)![1]}$`);
    expect(regex.test('orders-7d9f8b6c5d-x2k4q')).toBe(true);
    expect(regex.test('orders-canary-5f6d7c8b9-abcde')).toBe(true);
    expect(regex.test('orders-api-7d9f8b6c5d-x2k4q')).toBe(false);
  });

  test('deterministic: two builds give the same bytes', () => {
    const a = findObject(build().objects, 'ConfigMap', 'shop-dashboard').data['shop.json'];
    const b = findObject(build().objects, 'ConfigMap', 'shop-dashboard').data['shop.json'];
    expect(a).toBe(b);
  });

  test('a custom sidecar label', () => {
    const { platform } = testPlatform();
    new PlatformDashboard(platform, 'Dashboard', { sidecarLabel: { key: 'dashboards', value: 'platform' } });
    const labels = findObject(synth(platform), 'ConfigMap', 'shop-dashboard').metadata.labels;
    expect(labels.dashboards).toBe('platform');
    expect(labels.grafana_dashboard).toBeUndefined();
  });

  test('a long platform name gets a uid of at most 40 characters', () => {
    const { platform } = testPlatform({ namespace: 'a-very-long-platform-namespace-for-the-checkout-team' });
    const dashboard = new PlatformDashboard(platform, 'Dashboard');
    expect(dashboard.uid).toHaveLength(40);
    expect(dashboard.uid.startsWith('cdk8s-a-very-long-platform-na')).toBe(true);
  });
});
