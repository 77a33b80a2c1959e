// WiringGraph lookups: per-peer edges and flows in declaration order, repeated pairs merged; edges within one Platform.
import { Construct } from 'constructs';
import { App, Testing } from 'cdk8s';
import { DatabaseEngine, Environment, Platform, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { INetworkPeer } from '../../lib/network/wiring-graph';
import { WiringGraph } from '../../lib/network/wiring-graph';

function peer(scope: Construct, name: string): INetworkPeer {
  const construct = new Construct(scope, name);
  return Object.assign(construct, { workloadName: name, namespace: 'shop', podSelector: { app: name } });
}

describe('WiringGraph', () => {
  test('edges from and to a peer come in declaration order; a repeated pair merges its ports in place', () => {
    // given
    const app = new App();
    const [a, b, c] = ['a', 'b', 'c'].map((n) => peer(app, n));
    const graph = WiringGraph.of(app);
    // when
    graph.connect({ from: a, to: b, ports: [{ port: 80 }], kind: 'service' });
    graph.connect({ from: a, to: c, ports: [{ port: 81 }], kind: 'service' });
    graph.connect({ from: c, to: b, ports: [{ port: 80 }], kind: 'service' });
    const merged = graph.connect({ from: a, to: b, ports: [{ port: 8080 }, { port: 80 }], kind: 'service' });
    graph.connect({ from: a, to: b, ports: [{ port: 5432 }], kind: 'database' });
    // then
    expect(merged.ports).toEqual([{ port: 80 }, { port: 8080 }]);
    expect(graph.edgesFrom(a).map((e) => [e.to.node.id, e.kind, e.ports.map((p) => p.port)]))
      .toEqual([['b', 'service', [80, 8080]], ['c', 'service', [81]], ['b', 'database', [5432]]]);
    expect(graph.edgesTo(b).map((e) => e.from.node.id)).toEqual(['a', 'c', 'a']);
    expect(graph.edges).toHaveLength(4);
    expect(graph.edgesFrom(b)).toEqual([]);
  });

  test('external flows are found per peer and direction', () => {
    // given
    const app = new App();
    const [a, b] = ['a', 'b'].map((n) => peer(app, n));
    const graph = WiringGraph.of(app);
    // when
    graph.addExternal({ peer: a, direction: 'ingress', ports: [{ port: 9090 }], others: [], description: 'prometheus' });
    graph.addExternal({ peer: a, direction: 'egress', ports: [{ port: 443 }], others: [], description: 'payments-api' });
    graph.addExternal({ peer: b, direction: 'ingress', ports: [{ port: 80 }], others: [], description: 'ingress-nginx' });
    // then
    expect(graph.externalAt(a, 'ingress').map((f) => f.description)).toEqual(['prometheus']);
    expect(graph.externalAt(a, 'egress').map((f) => f.description)).toEqual(['payments-api']);
    expect(graph.externalAt(b, 'egress')).toEqual([]);
    expect(graph.externalFlows).toHaveLength(3);
  });
});

describe('WiringGraph: both ends in one Platform', () => {
  const image = 'registry.example.com/shop/api:1.4.0';

  test('connectTo across two Apps\' Platforms is refused at the call, naming both paths', () => {
    // given two platforms of one program (two Apps' namespaces)
    const app = Testing.app();
    const shop = new Platform(app, 'shop');
    const billing = new Platform(app, 'billing');
    const api = new ResilientMicroservice(shop, 'api', { image });
    const invoices = new ResilientMicroservice(billing, 'invoices', { image });
    // then
    expect(() => api.connectTo(invoices)).toThrow(
      /^\[shop\/api\] cannot be wired to "billing\/invoices" \(service\): "shop\/api" is in Platform "shop", "billing\/invoices" in Platform "billing"; both ends of a connectTo\/allowFrom must be in one Platform/);
    expect(() => invoices.allowFrom(api)).toThrow(/^\[shop\/api\] cannot be wired to "billing\/invoices"/);
    expect(WiringGraph.of(app).edges).toEqual([]);
  });

  test('wiring one environment to another\'s database is refused', () => {
    const app = Testing.app();
    const staging = new Platform(app, 'shop-staging', { namespace: 'shop', environment: Environment.STAGING });
    const production = new Platform(app, 'shop-production', { namespace: 'shop', environment: Environment.PRODUCTION });
    const api = new ResilientMicroservice(staging, 'api', { image });
    const db = new StatefulDatabase(production, 'db', { engine: DatabaseEngine.postgres() });
    expect(() => api.connectTo(db)).toThrow(/^\[shop-staging\/api\] cannot be wired to "shop-production\/db" \(database\): .*Platform "shop-staging", .*Platform "shop-production"/);
  });

  test('within one Platform wiring is unchanged', () => {
    const app = Testing.app();
    const shop = new Platform(app, 'shop');
    const api = new ResilientMicroservice(shop, 'api', { image });
    const db = new StatefulDatabase(shop, 'db', { engine: DatabaseEngine.postgres() });
    api.connectTo(db);
    expect(WiringGraph.of(app).edgesTo(db).map((e) => e.from.node.path)).toContain('shop/api');
  });
});
