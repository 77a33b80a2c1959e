// The gateway's metrics: exporter sidecar, its Service, ServiceMonitor, NetworkPolicy allow and dashboard row.
import { ApiGateway, ApiGatewayProps, Environment, PlatformDashboard, ResilientMicroservice } from '../../lib';
import { NGINX_EXPORTER_IMAGE } from '../../lib/observability/gateway-metrics';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

function build(props: Partial<ApiGatewayProps> = {}, environment?: Environment) {
  const { platform } = testPlatform({ namespace: 'shop', ...(environment ? { environment } : {}) });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
  new PlatformDashboard(platform, 'Dashboard');
  const gateway = new ApiGateway(platform, 'api-gateway', { hosts: ['shop.example.com'], routes: [{ path: '/', to: orders }], ...props });
  return { platform, gateway, objects: synth(platform) };
}

function containers(objects: K8sObject[]): K8sObject[] {
  return podSpecOf(findObject(objects, 'Deployment', 'api-gateway')).containers;
}

describe('ApiGateway metrics', () => {
  test('on by default in production: a hardened, pinned exporter sidecar reading stub_status over loopback', () => {
    // when
    const { gateway, objects } = build();
    const exporter = containers(objects).find((c) => c.name === 'metrics')!;
    // then
    expect(gateway.nginxOptions.metrics).toBe(true);
    expect(NGINX_EXPORTER_IMAGE).toBe('nginx/nginx-prometheus-exporter:1.5.3');
    expect(exporter).toMatchObject({
      image: NGINX_EXPORTER_IMAGE,
      args: ['--nginx.scrape-uri=http://127.0.0.1:8081/stub_status', '--web.listen-address=:9113'],
      ports: [{ name: 'metrics', containerPort: 9113, protocol: 'TCP' }],
      securityContext: {
        runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] },
      },
      livenessProbe: { tcpSocket: { port: 'metrics' } },
      readinessProbe: { httpGet: { path: '/', port: 'metrics' } },
    });
    expect(exporter.resources.requests).toMatchObject({ cpu: '10m', memory: '32Mi' });
    expect(exporter.volumeMounts).toEqual([]);
    expect(findObject(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf']).toContain('location = /stub_status {');
  });

  test('a metrics Service apart from the routes\' Service, selected by its ServiceMonitor', () => {
    // when
    const { objects } = build();
    const service = findObject(objects, 'Service', 'api-gateway-metrics');
    const monitor = findObject(objects, 'ServiceMonitor', 'api-gateway');
    // then
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9113, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'api-gateway', 'app.kubernetes.io/instance': 'api-gateway' });
    expect(findObject(objects, 'Service', 'api-gateway').spec.ports.map((p: K8sObject) => p.name)).toEqual(['http']);
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec.selector.matchLabels).toEqual({ ...service.spec.selector, 'cdk8s-patterns.io/metrics': 'true' });
    expect(service.metadata.labels['cdk8s-patterns.io/metrics']).toBe('true');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }]);
  });

  test('the Prometheus pods of the monitoring namespace may connect on 9113; the health port stays closed', () => {
    // when
    const policy = findObject(build().objects, 'NetworkPolicy', 'api-gateway');
    // then
    expect(policy.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 9113, protocol: 'TCP' }],
    });
    expect(JSON.stringify(policy.spec.ingress)).not.toContain('8081');
  });

  test('the dashboard row of the gateway shows nginx requests, active and dropped connections', () => {
    // when
    const { objects } = build();
    const model = JSON.parse(findObject(objects, 'ConfigMap', 'shop-dashboard').data['shop.json']);
    const row = model.panels.findIndex((p: K8sObject) => p.type === 'row' && p.title === 'api-gateway');
    const panels: K8sObject[] = model.panels.slice(row + 1, row + 7);
    // then
    expect(panels.map((p) => [p.title, p.gridPos.w])).toEqual([
      ['Requests (nginx)', 4], ['Active connections', 4], ['Dropped connections', 4], ['CPU', 4], ['Memory', 4], ['Ready replicas', 4],
    ]);
    expect(panels[0].targets[0].expr).toBe('sum(rate(nginx_http_requests_total{namespace="shop", job="api-gateway"}[5m]))');
    expect(panels[1].targets[0].expr).toBe('sum(nginx_connections_active{namespace="shop", job="api-gateway"})');
  });

  test('off with metrics: false, and by default in development: no sidecar, Service, ServiceMonitor or stub_status', () => {
    for (const { objects, gateway } of [build({ metrics: false }), build({}, Environment.DEVELOPMENT)]) {
      // then
      expect(gateway.metrics).toBeUndefined();
      expect(containers(objects).map((c) => c.name)).toEqual(['nginx']);
      expect(objects.filter((o) => o.kind === 'ServiceMonitor' || o.metadata.name === 'api-gateway-metrics')).toEqual([]);
      expect(findObject(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf']).not.toContain('stub_status');
    }
  });

  test('the sidecar counts in the gateway\'s footprint', () => {
    // when
    const withMetrics = build().platform.workloadFootprints.find((f) => f.workload.workloadName === 'api-gateway')!;
    const without = build({ metrics: false }).platform.workloadFootprints.find((f) => f.workload.workloadName === 'api-gateway')!;
    // then
    expect(withMetrics.containers).toHaveLength(2);
    expect(without.containers).toHaveLength(1);
  });
});
