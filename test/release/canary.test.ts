// Canary on plain Kubernetes: a canary Deployment split by replica ratio, by route weights, or by an nginx canary Ingress.
import { GatewayTls, PlatformEdge, Release, ResilientMicroservice, ResilientMicroserviceProps } from '../../lib';
import { collectWarnings } from '../../lib/warnings';
import { findObject, objectsOfKind, podSpecOf, synth, testPlatform } from '../support/objects';

const SELECTOR = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' };
const STABLE = { ...SELECTOR, 'cdk8s-patterns.io/track': 'stable' };
const CANARY = { ...SELECTOR, 'cdk8s-patterns.io/track': 'canary' };

function build(props: Partial<ResilientMicroserviceProps> = {}) {
  const { app, platform } = testPlatform();
  const service = new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0',
    release: Release.canary({ image: 'shop/orders:1.3.0', weight: 34 }),
    ...props,
  });
  return { app, platform, service, objects: synth(platform) };
}

describe('Release.canary with a replica-ratio split', () => {
  test('a canary Deployment beside the stable one, selectors apart, both behind the one Service', () => {
    const { objects } = build();
    const stable = findObject(objects, 'Deployment', 'orders');
    const canary = findObject(objects, 'Deployment', 'orders-canary');
    expect(stable.spec.selector.matchLabels).toEqual(STABLE);
    expect(canary.spec.selector.matchLabels).toEqual(CANARY);
    expect(podSpecOf(stable).containers[0].image).toBe('shop/orders:1.2.0');
    expect(podSpecOf(canary).containers[0].image).toBe('shop/orders:1.3.0');
    expect(findObject(objects, 'Service', 'orders').spec.selector).toEqual(SELECTOR);
    expect(objectsOfKind(objects, 'Ingress')).toHaveLength(0);
  });

  test('the canary count follows the weight beside the stable minReplicas: 34 % of 2 stable pods is 1 canary', () => {
    const { objects, app } = build();
    expect(findObject(objects, 'Deployment', 'orders-canary').spec.replicas).toBe(1);
    expect(findObject(objects, 'Deployment', 'orders').spec.replicas).toBeUndefined();
    expect(collectWarnings(app)).toEqual([]);
  });

  test('a weight the replicas cannot approach prints the share it really gets', () => {
    const { app, objects } = build({ release: Release.canary({ image: 'shop/orders:1.3.0', weight: 10 }) });
    expect(findObject(objects, 'Deployment', 'orders-canary').spec.replicas).toBe(1);
    expect(collectWarnings(app)).toEqual([
      '[shop/orders] release.weight (10) is split by replicas: 1 canary beside 2 stable pod(s) gives about 33 % of requests to the canary; use split "gateway-api" for an exact share',
    ]);
  });

  test('only the stable Deployment is autoscaled; each Deployment has its own PDB', () => {
    const { objects } = build();
    const hpas = objectsOfKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef)).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' }]);
    expect(findObject(objects, 'PodDisruptionBudget', 'orders').spec.selector.matchLabels).toEqual(STABLE);
    expect(findObject(objects, 'PodDisruptionBudget', 'orders-canary').spec.selector.matchLabels).toEqual(CANARY);
  });

  test('the NetworkPolicy selects the canary pods too', () => {
    const { objects } = build();
    const selector = findObject(objects, 'NetworkPolicy', 'orders').spec.podSelector.matchLabels;
    expect(findObject(objects, 'Deployment', 'orders-canary').spec.template.metadata.labels).toMatchObject(selector);
  });

  test('the footprint adds the canary replicas', () => {
    const { platform } = build({ release: Release.canary({ image: 'shop/orders:1.3.0', weight: 50, replicas: 3 }) });
    const footprint = platform.workloadFootprints[0];
    expect([footprint.minReplicas, footprint.maxReplicas, footprint.surge]).toEqual([5, 13, 3 + 1]);
  });

  test('removing the canary leaves the stable Deployment\'s (immutable) selector as it was', () => {
    const withCanary = findObject(build().objects, 'Deployment', 'orders');
    const without = findObject(build({ release: Release.rollingUpdate() }).objects, 'Deployment', 'orders');
    expect(without.spec.selector).toEqual(withCanary.spec.selector);
  });
});

describe('Release.canary with a gateway-api split', () => {
  const exposed: Partial<ResilientMicroserviceProps> = {
    expose: { host: 'orders.example.com', tls: GatewayTls.certManager('letsencrypt-prod') },
    release: Release.canary({ image: 'shop/orders:1.3.0', weight: 10, split: 'gateway-api' }),
  };

  test('the service\'s HTTPRoute splits by weighted backendRefs (90 stable, 10 canary), no annotation, no Ingress', () => {
    const { objects } = build(exposed);
    const route = findObject(objects, 'HTTPRoute', 'orders');
    expect(route.spec.hostnames).toEqual(['orders.example.com']);
    expect(route.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/' } }],
      backendRefs: [
        { group: '', kind: 'Service', name: 'orders', port: 8080, weight: 90 },
        { group: '', kind: 'Service', name: 'orders-canary', port: 8080, weight: 10 },
      ],
    }]);
    expect(route.metadata.annotations).toBeUndefined();
    expect(objectsOfKind(objects, 'Ingress')).toEqual([]);
    expect(findObject(objects, 'Service', 'orders').spec.selector).toEqual(STABLE);
    expect(findObject(objects, 'Service', 'orders-canary').spec.selector).toEqual(CANARY);
  });

  test('the data plane is admitted once to the service\'s pods (stable and canary alike), on its port', () => {
    const { objects } = build(exposed);
    const fromEdge = findObject(objects, 'NetworkPolicy', 'orders').spec.ingress
      .filter((rule: { from: { namespaceSelector?: unknown }[] }) => rule.from.some((peer) => peer.namespaceSelector));
    expect(fromEdge).toEqual([{
      from: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
        podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'envoy-gateway', 'gateway.envoyproxy.io/owning-gateway-name': 'shop-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'shop' } },
      }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });

  test('canary replicas default to the weight\'s share of maxReplicas', () => {
    expect(findObject(build(exposed).objects, 'Deployment', 'orders-canary').spec.replicas).toBe(1);
  });

  test('without expose, or on the Ingress edge, it is refused', () => {
    expect(() => build({ release: Release.canary({ image: 'shop/orders:1.3.0', weight: 10, split: 'gateway-api' }) }))
      .toThrow(/^\[shop\/orders\] release\.split \("gateway-api"\) needs the service exposed: give it `expose: \{ host \}`/);
    const { platform } = testPlatform({ edge: PlatformEdge.ingress({ className: 'haproxy', controller: { namespace: 'haproxy' } }) });
    expect(() => new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', ...exposed }))
      .toThrow(/^\[shop\/orders\] release\.split \("gateway-api"\) needs the Gateway API edge: an Ingress cannot split requests by weight/);
  });
});

describe('Release.canary with an nginx-ingress split', () => {
  const exposed: Partial<ResilientMicroserviceProps> = {
    ingress: { host: 'shop.example.com' },
    release: Release.canary({ image: 'shop/orders:1.3.0', weight: 10, split: 'nginx-ingress' }),
  };

  test('a canary Ingress on the same host and path with the weight, to a canary-only Service', () => {
    const { objects } = build(exposed);
    const stable = findObject(objects, 'Ingress', 'orders');
    const canary = findObject(objects, 'Ingress', 'orders-canary');
    expect(canary.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '10',
    });
    expect(canary.spec.rules[0].host).toBe(stable.spec.rules[0].host);
    expect(canary.spec.rules[0].http.paths[0].path).toBe(stable.spec.rules[0].http.paths[0].path);
    expect(canary.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'orders-canary', port: { name: 'http' } } });
    expect(canary.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'orders-tls' }]);
    expect(stable.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: 'orders', port: { name: 'http' } } });
  });

  test('the stable Service selects only stable pods, the canary Service only canary pods', () => {
    const { objects } = build(exposed);
    expect(findObject(objects, 'Service', 'orders').spec.selector).toEqual(STABLE);
    expect(findObject(objects, 'Service', 'orders-canary').spec.selector).toEqual(CANARY);
  });

  test('canary replicas default to the weight\'s share of maxReplicas', () => {
    const { objects } = build(exposed);
    expect(findObject(objects, 'Deployment', 'orders-canary').spec.replicas).toBe(1);
    const { objects: bigger } = build({ ...exposed, release: Release.canary({ image: 'shop/orders:1.3.0', weight: 25, split: 'nginx-ingress' }) });
    expect(findObject(bigger, 'Deployment', 'orders-canary').spec.replicas).toBe(3);
  });
});

describe('Release.canary errors', () => {
  test.each([
    ['a weight above 100', Release.canary({ image: 'shop/orders:1.3.0', weight: 120 }),
      /^\[shop\/orders\] release\.weight \(120\) must be a whole percentage from 0 to 100/],
    ['a negative weight', Release.canary({ image: 'shop/orders:1.3.0', weight: -5 }),
      /^\[shop\/orders\] release\.weight \(-5\) must be a whole percentage from 0 to 100/],
    ['weight 0 split by replicas', Release.canary({ image: 'shop/orders:1.3.0', weight: 0 }),
      /^\[shop\/orders\] release\.weight \(0\) must be from 1 to 99 with a replica-ratio split/],
    ['an ingress split on a service without an ingress', Release.canary({ image: 'shop/orders:1.3.0', weight: 10, split: 'nginx-ingress' }),
      /^\[shop\/orders\] release\.split \("nginx-ingress"\) needs an ingress: give the service an `ingress` \(host\)/],
    ['an unpinned canary image', Release.canary({ image: 'shop/orders', weight: 10 }),
      /^\[shop\/orders\] release\.image \("shop\/orders"\) must name a pinned version/],
    ['zero canary replicas', Release.canary({ image: 'shop/orders:1.3.0', weight: 10, replicas: 0 }),
      /^\[shop\/orders\] release\.replicas \(0\) must be an integer from 1 to 10000/],
  ])('%s', (_name, release, message) => {
    expect(() => build({ release })).toThrow(message);
  });
});
