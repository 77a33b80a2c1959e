// Topology diagrams and capacity reports, generated from the construct tree.
import { App, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice } from '../../lib';
import { capacityReport, topologyDiagram, topologyEdges, withPlatformReports } from '../../lib/reports';
import { synthesizeCharts } from '../../lib/synthesis';
import { WiringGraph } from '../../lib/network/wiring-graph';
import { testPlatform } from '../support/objects';

function wired() {
  const { platform } = testPlatform({ namespace: 'shop', name: 'shop' });
  const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', port: 8081 });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
  orders.connectTo(users);
  return platform;
}

test('edges are the wiring: service to service with ports, and flows from outside', () => {
  expect(topologyEdges(wired())).toEqual([
    { from: 'orders', to: 'users', ports: [8081], label: undefined },
    { from: 'prometheus', to: 'orders', ports: [9090], label: undefined },
  ]);
});

test('the Mermaid diagram has a node per workload and an arrow per edge', () => {
  const diagram = topologyDiagram(wired());
  expect(diagram).toContain('```mermaid\nflowchart LR\n');
  expect(diagram).toContain('  n_users["users"]');
  expect(diagram).toContain('  n_prometheus(["prometheus"])');
  expect(diagram).toContain('  n_orders -->|":8081"| n_users');
});

test('the capacity report shows per-pod and total figures at minimum and maximum scale against the quota', () => {
  const report = capacityReport(wired());
  expect(report).toContain('| orders | Deployment | 2–10 (+3) | 100m / 200m | 128Mi / 256Mi | 200m / 400m | 256Mi / 512Mi | 1300m / 2600m | 1664Mi / 3328Mi | – |');
  expect(report).toContain('| **Total** | | 4–26 pods |');
  expect(report).toMatch(/\| pods \| 26 \| 33 \| 79 % \|/);
});

test('the capacity report charges a pod its largest init container where that is more than its containers', () => {
  const { platform } = testPlatform({ namespace: 'shop', name: 'shop' });
  new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0',
    initContainers: [{ name: 'migrate', image: 'shop/migrate:1.0.0', resources: { requests: { cpu: '2', memory: '64Mi' } } }],
  });
  const report = capacityReport(platform);
  expect(report).toContain('| orders | Deployment | 2–10 (+3) | 2 / 4 | 128Mi / 256Mi | 4 / 8 | 256Mi / 512Mi | 26 / 52 | 1664Mi / 3328Mi | – |');
  expect(report).toMatch(/\| requests\.cpu \| 26 \| 32500m \| 80 % \|/);
});

test('platforms sharing a namespace in one app (one per environment) keep their own edges', () => {
  const app = Testing.app();
  for (const environment of [Environment.STAGING, Environment.PRODUCTION]) {
    const platform = new Platform(app, `shop-${environment.name}`, { namespace: 'shop', environment });
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' }).connectTo(users);
  }
  const production = app.node.findChild('shop-production') as Platform;
  expect(topologyEdges(production)).toEqual([{ from: 'orders', to: 'users', ports: [8080], label: undefined }]);
});

test('withPlatformReports writes the YAML, the diagram and the report of each platform', () => {
  const platform = wired();
  const charts = synthesizeCharts(platform.node.root as App);
  const files = withPlatformReports()(charts).map((f) => f.path);
  expect(files).toEqual(['shop/production.k8s.yaml', 'shop/production.topology.md', 'shop/production.capacity.md', 'shop/production.prerequisites.md']);
});

test('the topology and the NetworkPolicy do not depend on the order flows were declared in', () => {
  // given two flows from one outside client to one workload, on different ports, declared in both orders
  const build = (reversed: boolean) => {
    const { platform } = testPlatform({ namespace: 'shop', name: 'shop' });
    const api = new ResilientMicroservice(platform, 'api', { image: 'shop/api:1.0.0' });
    const flows = [8080, 9443].map((port) => ({
      peer: api, direction: 'ingress' as const, ports: [{ port }], description: 'partner',
      others: [{ ipBlock: { cidr: port === 8080 ? '203.0.113.0/24' : '198.51.100.0/24' } }],
    }));
    for (const flow of reversed ? flows.reverse() : flows) WiringGraph.of(platform).addExternal(flow);
    return { platform, api };
  };
  const [forward, backward] = [build(false), build(true)];
  // then the edges, the diagram and the policy's rules are the same
  expect(topologyEdges(backward.platform)).toEqual(topologyEdges(forward.platform));
  expect(topologyDiagram(backward.platform)).toBe(topologyDiagram(forward.platform));
  expect(backward.api.networkPolicy.ingressRules()).toEqual(forward.api.networkPolicy.ingressRules());
  expect(topologyEdges(forward.platform).filter((e) => e.from === 'partner').map((e) => e.ports)).toEqual([[8080], [9443]]);
});
