// Blue/green: two Deployments, Services switching by selector, HPA, PDB and NetworkPolicy covering both colours.
import { GatewayTls, Release, ResilientMicroservice, ResilientMicroserviceProps } from '../../lib';
import { findObject, K8sObject, objectsOfKind, podSpecOf, synth, testPlatform } from '../support/objects';

const SELECTOR = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' };
const BLUE = { ...SELECTOR, 'cdk8s-patterns.io/color': 'blue' };
const GREEN = { ...SELECTOR, 'cdk8s-patterns.io/color': 'green' };

function build(props: Partial<ResilientMicroserviceProps> = {}) {
  const { platform } = testPlatform();
  const service = new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0',
    release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' } }),
    ...props,
  });
  return { platform, service, objects: synth(platform) };
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('Release.blueGreen', () => {
  test('two Deployments, each with its colour in selector and pod labels, and its own image', () => {
    // given / when
    const { objects } = build();
    // then
    expect(objectsOfKind(objects, 'Deployment').map((d) => d.metadata.name).sort()).toEqual(['orders-blue', 'orders-green']);
    const blue = findObject(objects, 'Deployment', 'orders-blue');
    const green = findObject(objects, 'Deployment', 'orders-green');
    expect(blue.spec.selector.matchLabels).toEqual(BLUE);
    expect(green.spec.selector.matchLabels).toEqual(GREEN);
    expect(labelsMatch(BLUE, blue.spec.template.metadata.labels)).toBe(true);
    expect(labelsMatch(GREEN, green.spec.template.metadata.labels)).toBe(true);
    expect(podSpecOf(blue).containers[0].image).toBe('shop/orders:1.2.0');
    expect(podSpecOf(green).containers[0].image).toBe('shop/orders:1.3.0');
    expect(green.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('1.3.0');
    expect(blue.metadata.labels['cdk8s-patterns.io/color']).toBe('blue');
  });

  test('the Service selects the active colour, the preview Service the other, on the same ports', () => {
    const { objects } = build();
    const service = findObject(objects, 'Service', 'orders');
    const preview = findObject(objects, 'Service', 'orders-preview');
    expect(service.spec.selector).toEqual(BLUE);
    expect(preview.spec.selector).toEqual(GREEN);
    expect(preview.spec.ports).toEqual(service.spec.ports);
  });

  test('switching the active colour changes only the two Services\' selectors', () => {
    // given
    const before = build().objects;
    // when
    const after = build({
      release: Release.blueGreen({ active: 'green', green: { image: 'shop/orders:1.3.0' } }),
    }).objects;
    // then
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const changed = after.filter((o) => JSON.stringify(o) !== JSON.stringify(before.find((b) => key(b) === key(o))));
    expect(changed.map(key).sort()).toEqual(['Service/orders', 'Service/orders-preview']);
    expect(findObject(after, 'Service', 'orders').spec.selector).toEqual(GREEN);
    expect(findObject(after, 'Service', 'orders-preview').spec.selector).toEqual(BLUE);
  });

  test('an HPA per colour targets its own Deployment, between the same bounds', () => {
    const { objects, service } = build();
    const hpas = objectsOfKind(objects, 'HorizontalPodAutoscaler');
    expect(hpas.map((h) => h.spec.scaleTargetRef).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-blue' },
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders-green' },
    ]);
    for (const hpa of hpas) expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 10]);
    expect(service.hpa).toBe(service.hpas[0]);
    expect(findObject(objects, 'Deployment', 'orders-blue').spec.replicas).toBeUndefined();
  });

  test('a PDB per colour, so a broken preview colour never blocks drains of the live one', () => {
    const { objects } = build();
    expect(findObject(objects, 'PodDisruptionBudget', 'orders-blue').spec.selector.matchLabels).toEqual(BLUE);
    expect(findObject(objects, 'PodDisruptionBudget', 'orders-green').spec.selector.matchLabels).toEqual(GREEN);
  });

  test('the one NetworkPolicy selects the pods of both colours', () => {
    const { objects } = build();
    const policy = findObject(objects, 'NetworkPolicy', 'orders');
    for (const name of ['orders-blue', 'orders-green']) {
      expect(labelsMatch(policy.spec.podSelector.matchLabels, findObject(objects, 'Deployment', name).spec.template.metadata.labels)).toBe(true);
    }
  });

  test('the footprint counts both colours, so the quota fits both at maximum scale', () => {
    const { platform } = build();
    const footprint = platform.workloadFootprints.find((f) => f.workload.workloadName === 'orders')!;
    expect([footprint.minReplicas, footprint.maxReplicas, footprint.surge]).toEqual([4, 20, 6]);
    expect(platform.effectiveQuota().pods).toBe(Math.ceil(26 * 1.25));
  });

  test('a colour\'s own config goes into its own ConfigMap, and only its config hash changes', () => {
    // given
    const shared = { config: { LOG_LEVEL: 'info' } };
    const plain = build(shared).objects;
    // when
    const { objects } = build({
      ...shared,
      release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0', config: { NEW_CHECKOUT: true } } }),
    });
    // then
    expect(findObject(objects, 'ConfigMap', 'orders-green-config').data).toEqual({ LOG_LEVEL: 'info', NEW_CHECKOUT: 'true' });
    const green = findObject(objects, 'Deployment', 'orders-green');
    expect(podSpecOf(green).containers[0].envFrom).toEqual([{ configMapRef: { name: 'orders-green-config' } }]);
    expect(podSpecOf(findObject(objects, 'Deployment', 'orders-blue')).containers[0].envFrom).toEqual([{ configMapRef: { name: 'orders-config' } }]);
    const hash = (o: K8sObject[], name: string) => findObject(o, 'Deployment', name).spec.template.metadata.annotations['cdk8s-patterns.io/config-hash'];
    expect(hash(objects, 'orders-blue')).toBe(hash(plain, 'orders-blue'));
    expect(hash(objects, 'orders-green')).not.toBe(hash(plain, 'orders-green'));
  });

  test('connections made after construction reach both colours', () => {
    // given
    const { platform } = testPlatform();
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0' });
    const orders = new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0',
      release: Release.blueGreen({ active: 'green', green: { image: 'shop/orders:1.3.0' } }),
    });
    // when
    orders.connectTo(users);
    // then
    const objects = synth(platform);
    for (const name of ['orders-blue', 'orders-green']) {
      expect(podSpecOf(findObject(objects, 'Deployment', name)).containers[0].env)
        .toContainEqual({ name: 'USERS_URL', value: 'http://users.shop.svc.cluster.local:8080' });
    }
    expect(orders.deployment.name).toBe('orders-green');
  });

  test.each([
    ['the same image for both colours', Release.blueGreen({ active: 'blue' }),
      /^\[shop\/orders\] release\.green\.image \("shop\/orders:1\.2\.0"\) must differ from the blue image: blue\/green needs two images/],
    ['an unpinned colour image', Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:latest' } }),
      /^\[shop\/orders\] release\.green\.image \("shop\/orders:latest"\) must name a pinned version/],
    ['an unknown active colour', Release.blueGreen({ active: 'red' as 'blue', green: { image: 'shop/orders:1.3.0' } }),
      /^\[shop\/orders\] release\.active \("red"\) must be "blue" or "green"/],
    ['a bad config key on a colour', Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0', config: { 'NEW-FLAG': 1 } } }),
      /^\[shop\/orders\] release\.green\.config \("NEW-FLAG"\) must be a valid environment variable name/],
  ])('error: %s', (_name, release, message) => {
    expect(() => build({ release })).toThrow(message);
  });
});

describe('Release.blueGreen preview host', () => {
  const previewed: Partial<ResilientMicroserviceProps> = {
    expose: { host: 'orders.example.com', path: '/api/', tls: GatewayTls.certManager('letsencrypt-prod') },
    release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' }, previewHost: 'orders-preview.example.com' }),
  };

  test('a route of the preview host to <name>-preview beside the live route to <name>, same path', () => {
    const { objects, service } = build(previewed);
    const live = findObject(objects, 'HTTPRoute', 'orders');
    const preview = findObject(objects, 'HTTPRoute', 'orders-preview');
    expect(live.spec.hostnames).toEqual(['orders.example.com']);
    expect(live.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'orders', port: 8080 }]);
    expect(preview.spec.hostnames).toEqual(['orders-preview.example.com']);
    expect(preview.spec.rules).toEqual([{
      matches: [{ path: { type: 'PathPrefix', value: '/api/' } }],
      backendRefs: [{ group: '', kind: 'Service', name: 'orders-preview', port: 8080 }],
    }]);
    expect(findObject(objects, 'Service', 'orders-preview').spec.selector).toEqual(GREEN);
    expect(service.routes).toHaveLength(2);
  });

  test('each host its own listener and certificate on the platform\'s Gateway', () => {
    const { objects } = build(previewed);
    const listeners = findObject(objects, 'Gateway', 'shop-gateway').spec.listeners;
    expect(listeners.map((l: K8sObject) => [l.name, l.hostname, l.tls?.certificateRefs[0].name])).toEqual([
      ['http', undefined, undefined],
      ['https-orders-example-com', 'orders.example.com', 'orders-tls'],
      ['https-orders-preview-example-com', 'orders-preview.example.com', 'orders-preview-tls'],
    ]);
  });

  test('a preview host without expose, or not a host name', () => {
    expect(() => build({ release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' }, previewHost: 'p.example.com' }) }))
      .toThrow(/^\[shop\/orders\] release\.previewHost \("p\.example\.com"\) needs the service exposed/);
    expect(() => build({ ...previewed, release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' }, previewHost: 'Preview!' }) }))
      .toThrow(/^\[shop\/orders\] release\.previewHost \("Preview!"\) must be a DNS-1123 subdomain/);
  });
});
