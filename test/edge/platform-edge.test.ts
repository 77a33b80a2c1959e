// The Platform's edge: Gateway API (created or attached Gateway) or Ingress, TLS objects, data planes, the solver
// allowance, services exposed directly, and every bad option refused at synth.
import {
  ApiGateway, GatewayDataPlane, GatewayTls, PlatformEdge, PlatformProps, ResilientMicroservice,
} from '../../lib';
import { findObject, K8sObject, objectsOfKind, synth, testPlatform } from '../support/objects';
import { schemaError } from '../support/schema';

const SHARED = PlatformEdge.gatewayApi({ gateway: { name: 'shared-edge', namespace: 'gateway-system' } });

function exposed(platformProps: PlatformProps = {}, tls: GatewayTls = GatewayTls.certManager('letsencrypt-prod')) {
  const { app, platform } = testPlatform(platformProps);
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', expose: { host: 'orders.example.com', path: '/api/', tls } });
  const gateway = new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], tls, routes: [{ path: '/', to: orders }] });
  return { app, platform, orders, gateway, objects: synth(platform) };
}

/** The peers a workload admits from outside the platform, Prometheus left out. */
function edgePeers(objects: readonly K8sObject[], policy: string): K8sObject[] {
  return findObject(objects, 'NetworkPolicy', policy).spec.ingress
    .flatMap((rule: K8sObject) => rule.from)
    .filter((peer: K8sObject) => peer.ipBlock || (peer.namespaceSelector && peer.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] !== 'monitoring'));
}

describe('a created Gateway (the default)', () => {
  test('one Gateway of class eg, an HTTPS listener per host, the redirect of every TLS host, routes on their listeners', () => {
    const { objects } = exposed();
    const gateway = findObject(objects, 'Gateway', 'shop-gateway');
    expect(gateway.spec.gatewayClassName).toBe('eg');
    expect(gateway.spec.listeners.map((l: K8sObject) => [l.name, l.port, l.protocol, l.hostname])).toEqual([
      ['http', 80, 'HTTP', undefined], ['https-orders-example-com', 443, 'HTTPS', 'orders.example.com'], ['https-shop-example-com', 443, 'HTTPS', 'shop.example.com'],
    ]);
    expect(findObject(objects, 'HTTPRoute', 'orders').spec.parentRefs[0].sectionName).toBe('https-orders-example-com');
    const redirect = findObject(objects, 'HTTPRoute', 'shop-https-redirect');
    expect(redirect.spec).toEqual({
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway', sectionName: 'http' }],
      hostnames: ['orders.example.com', 'shop.example.com'],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('no exposure, no edge objects', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    expect(synth(platform).filter((o) => /^gateway\.networking/.test(o.apiVersion))).toEqual([]);
  });

  test('a class, name and ports of one\'s own', () => {
    const { objects } = exposed({ edge: PlatformEdge.gatewayApi({ create: { className: 'istio', name: 'edge', httpPort: 8080, httpsPort: 8443 }, dataPlane: GatewayDataPlane.istio() }) });
    const gateway = findObject(objects, 'Gateway', 'edge');
    expect(gateway.spec.gatewayClassName).toBe('istio');
    expect(gateway.spec.listeners.map((l: K8sObject) => l.port)).toEqual([8080, 8443, 8443]);
    expect(edgePeers(objects, 'orders')).toEqual([{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } },
      podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'edge' } },
    }]);
  });

  test('HTTP-01: the Envoy proxies of this Gateway, and only they, reach cert-manager\'s solver pods, on 8089 only', () => {
    const { objects } = exposed();
    expect(findObject(objects, 'NetworkPolicy', 'allow-acme-http01-solver').spec).toEqual({
      podSelector: { matchLabels: { 'acme.cert-manager.io/http01-solver': 'true' } },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'envoy-gateway', 'gateway.envoyproxy.io/owning-gateway-name': 'shop-gateway', 'gateway.envoyproxy.io/owning-gateway-namespace': 'shop' } },
        }],
        ports: [{ port: 8089, protocol: 'TCP' }],
      }],
    });
  });

  test('DNS-01, or certificates not from cert-manager: no solver allowance', () => {
    const dns = exposed({ edge: PlatformEdge.gatewayApi({ acmeSolver: 'dns01' }) }).objects;
    const secret = exposed({}, GatewayTls.fromSecret('shop-cert')).objects;
    for (const objects of [dns, secret]) expect(objects.filter((o) => o.metadata.name === 'allow-acme-http01-solver')).toEqual([]);
  });

  test('every edge object passes the schema check of its operator (Gateway API v1, cert-manager v1)', () => {
    const { objects } = exposed();
    const { objects: shared } = exposed({ edge: SHARED });
    const edge = [...objects, ...shared].filter((o) => /gateway\.networking|cert-manager/.test(o.apiVersion));
    expect(edge.map((o) => o.kind).sort()).toEqual(['Certificate', 'Certificate', 'Gateway', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute', 'HTTPRoute', 'ReferenceGrant']);
    expect(edge.map(schemaError).filter((e) => e !== undefined)).toEqual([]);
    const broken = { ...findObject(objects, 'HTTPRoute', 'orders') };
    broken.spec = { ...broken.spec, rules: [{ backendRefs: [{ name: 'orders', port: 'http' }] }] };
    expect(schemaError(broken)).toBeDefined();
  });

  test('two issuers on one Gateway, one host with two certificates, or listener names that clash are refused', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'a', { image: 'shop/a:1.0.0', expose: { host: 'a.example.com', tls: GatewayTls.certManager('letsencrypt-prod') } });
    expect(() => new ResilientMicroservice(platform, 'b', { image: 'shop/b:1.0.0', expose: { host: 'b.example.com', tls: GatewayTls.certManager('internal-ca') } }))
      .toThrow(/^\[shop\/b\] expose\.tls \("cert-manager\.io\/cluster-issuer: internal-ca"\) must be the issuer the platform's Gateway already uses \(cert-manager\.io\/cluster-issuer: letsencrypt-prod, from shop\/a\)/);
    expect(() => new ResilientMicroservice(platform, 'c', { image: 'shop/c:1.0.0', expose: { host: 'a.example.com', tls: GatewayTls.certManager('letsencrypt-prod') } }))
      .toThrow(/^\[shop\/c\] expose\.tls\.secretName \("c-tls"\) must be the certificate Secret host "a\.example\.com" already has on the Gateway \("a-tls", from shop\/a\)/);
    new ResilientMicroservice(platform, 'd', { image: 'shop/d:1.0.0', expose: { host: 'x-y.example.com', tls: GatewayTls.fromSecret('d') } });
    expect(() => new ResilientMicroservice(platform, 'e', { image: 'shop/e:1.0.0', expose: { host: 'x.y.example.com', tls: GatewayTls.fromSecret('e') } }))
      .toThrow(/^\[shop\/e\] expose \("x\.y\.example\.com"\) would share the listener name "https-x-y-example-com" with host "x-y\.example\.com"/);
  });
});

describe('an attached Gateway in another namespace', () => {
  test('routes name the Gateway\'s namespace and HTTPS listener; Certificates here; a ReferenceGrant for its Secrets', () => {
    const { objects } = exposed({ edge: SHARED });
    expect(objectsOfKind(objects, 'Gateway')).toEqual([]);
    expect(findObject(objects, 'HTTPRoute', 'gateway').spec.parentRefs).toEqual([
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shared-edge', namespace: 'gateway-system', sectionName: 'https' },
    ]);
    expect(findObject(objects, 'HTTPRoute', 'shop-https-redirect').spec.parentRefs[0]).toMatchObject({ namespace: 'gateway-system', sectionName: 'http' });
    expect(findObject(objects, 'Certificate', 'orders-tls').spec).toEqual({
      secretName: 'orders-tls', dnsNames: ['orders.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' },
      privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    });
    const grant = findObject(objects, 'ReferenceGrant', 'shop-gateway-certificates');
    expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: 'gateway-system' }],
      to: [{ group: '', kind: 'Secret', name: 'gateway-tls' }, { group: '', kind: 'Secret', name: 'orders-tls' }],
    });
    expect(edgePeers(objects, 'gateway')[0].podSelector.matchLabels['gateway.envoyproxy.io/owning-gateway-namespace']).toBe('gateway-system');
  });

  test('in the platform\'s own namespace no ReferenceGrant; an existing Secret no Certificate; no HTTP listener no redirect', () => {
    const { objects } = exposed({ edge: PlatformEdge.gatewayApi({ gateway: { name: 'edge', httpSectionName: false } }) }, GatewayTls.fromSecret('shop-cert'));
    expect(objectsOfKind(objects, 'ReferenceGrant')).toEqual([]);
    expect(objectsOfKind(objects, 'Certificate')).toEqual([]);
    expect(objectsOfKind(objects, 'HTTPRoute').map((r) => r.metadata.name)).toEqual(['orders', 'gateway']);
    expect(findObject(objects, 'HTTPRoute', 'orders').spec.parentRefs[0]).toEqual({ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge', sectionName: 'https' });
  });

  test('plain HTTP without an HTTP listener is refused', () => {
    expect(() => exposed({ edge: PlatformEdge.gatewayApi({ gateway: { name: 'edge', httpSectionName: false } }) }, GatewayTls.insecurePlaintext()))
      .toThrow(/^\[shop\/orders\] expose\.tls \("GatewayTls\.insecurePlaintext\(\)"\) needs an HTTP listener, and edge\.gateway\.httpSectionName is false/);
  });
});

describe('data planes', () => {
  test.each([
    ['Envoy Gateway in Gateway Namespace Mode', GatewayDataPlane.envoyGateway({ namespace: 'gateway-namespace' }),
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/managed-by': 'envoy-gateway', 'gateway.envoyproxy.io/owning-gateway-name': 'shared-edge', 'gateway.envoyproxy.io/owning-gateway-namespace': 'gateway-system' } } }]],
    ['NGINX Gateway Fabric', GatewayDataPlane.nginxGatewayFabric(),
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } }, podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'shared-edge' } } }]],
    ['GKE', GatewayDataPlane.gke(), [{ ipBlock: { cidr: '130.211.0.0/22' } }, { ipBlock: { cidr: '35.191.0.0/16' } }]],
    ['custom', GatewayDataPlane.custom({ namespace: 'kong', podLabels: { app: 'kong-proxy' } }),
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kong' } }, podSelector: { matchLabels: { app: 'kong-proxy' } } }]],
  ])('%s', (_name, dataPlane, peers) => {
    const { objects } = exposed({ edge: PlatformEdge.gatewayApi({ gateway: { name: 'shared-edge', namespace: 'gateway-system' }, dataPlane }) });
    expect(edgePeers(objects, 'orders')).toEqual(peers);
    expect(edgePeers(objects, 'gateway')).toEqual(peers);
  });

  test('bad data-plane options', () => {
    const edge = (dataPlane: GatewayDataPlane) => testPlatform({ edge: PlatformEdge.gatewayApi({ dataPlane }) });
    expect(() => edge(GatewayDataPlane.custom({ namespace: 'Kong' }))).toThrow(/^\[shop\] edge\.dataPlane\.namespace \("Kong"\) must be a DNS-1123 label/);
    expect(() => edge(GatewayDataPlane.custom({ namespace: 'kong', podLabels: {} }))).toThrow(/^\[shop\] edge\.dataPlane\.podLabels \(\{\}\) must hold at least one label/);
    expect(() => edge(GatewayDataPlane.gke(['10.0.0.0']))).toThrow(/^\[shop\] edge\.dataPlane\.cidrs\[0\] \("10\.0\.0\.0"\) must be a CIDR/);
    expect(() => edge('envoy' as never)).toThrow(/^\[shop\] edge\.dataPlane \("envoy"\) must be a GatewayDataPlane/);
  });
});

describe('the Ingress edge', () => {
  const edge = PlatformEdge.ingress({ className: 'haproxy', controller: { namespace: 'haproxy-controller' } });

  test('an exposed service gets an Ingress of the class, no controller annotation, the controller admitted', () => {
    const { objects } = exposed({ edge });
    const ingress = findObject(objects, 'Ingress', 'orders');
    expect(ingress.spec).toEqual({
      ingressClassName: 'haproxy',
      tls: [{ hosts: ['orders.example.com'], secretName: 'orders-tls' }],
      rules: [{ host: 'orders.example.com', http: { paths: [{ path: '/api/', pathType: 'Prefix', backend: { service: { name: 'orders', port: { number: 8080 } } } }] } }],
    });
    expect(ingress.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(objectsOfKind(objects, 'HTTPRoute')).toEqual([]);
    expect(edgePeers(objects, 'orders')).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'haproxy-controller' } } }]);
    expect(findObject(objects, 'NetworkPolicy', 'allow-acme-http01-solver').spec.ingress[0].from).toEqual(edgePeers(objects, 'orders'));
  });

  test('the edge\'s own annotations, asked for by name, on every Ingress', () => {
    const named = PlatformEdge.ingress({ className: 'nginx', controller: { namespace: 'ingress-nginx' }, annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' } });
    const { objects } = exposed({ edge: named });
    for (const ingress of objectsOfKind(objects, 'Ingress')) expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('8m');
  });

  test('bad Ingress edge options', () => {
    expect(() => testPlatform({ edge: PlatformEdge.ingress({ className: 'haproxy' } as never) })).toThrow(/^\[shop\] edge\.controller \(undefined\) is required/);
    expect(() => testPlatform({ edge: PlatformEdge.ingress({ className: 'Bad Class', controller: { namespace: 'x' } }) })).toThrow(/^\[shop\] edge\.className \("Bad Class"\) must be a DNS-1123 label/);
    expect(() => testPlatform({ edge: PlatformEdge.ingress({ className: 'x', controller: { namespace: 'x' }, annotations: { a: 1 as never } }) })).toThrow(/^\[shop\] edge\.annotations\["a"\] \(1\) must be a string/);
  });
});

describe('bad edge options', () => {
  test.each([
    ['not a PlatformEdge', { edge: { kind: 'gateway-api' } as never }, /^\[shop\] edge \(\{"kind":"gateway-api"\}\) must be PlatformEdge\.gatewayApi/],
    ['both gateway and create', { edge: PlatformEdge.gatewayApi({ gateway: { name: 'g' }, create: { className: 'eg' } }) }, /^\[shop\] edge\.create \(\{"className":"eg"\}\) cannot be combined with edge\.gateway/],
    ['a gateway without a name', { edge: PlatformEdge.gatewayApi({ gateway: {} as never }) }, /^\[shop\] edge\.gateway\.name \(undefined\) is required/],
    ['a bad gateway namespace', { edge: PlatformEdge.gatewayApi({ gateway: { name: 'g', namespace: 'Gateway_System' } }) }, /^\[shop\] edge\.gateway\.namespace \("Gateway_System"\) must be a DNS-1123 label/],
    ['a bad class', { edge: PlatformEdge.gatewayApi({ create: { className: '' } }) }, /^\[shop\] edge\.create\.className \(""\) must be a DNS-1123 label/],
    ['an unknown solver', { edge: PlatformEdge.gatewayApi({ acmeSolver: 'tls-alpn01' as never }) }, /^\[shop\] edge\.acmeSolver \("tls-alpn01"\) must be "http01" or "dns01"/],
  ])('%s', (_name, props, message) => {
    expect(() => testPlatform(props)).toThrow(message);
  });

  test('equal HTTP and HTTPS ports', () => {
    expect(() => exposed({ edge: PlatformEdge.gatewayApi({ create: { className: 'eg', httpPort: 443 } }) }))
      .toThrow(/edge\.create\.httpsPort \(443\) must differ from httpPort \(443\)/);
  });
});

describe('expose on a ResilientMicroservice', () => {
  test('defaults: path /, the Secret <name>-tls', () => {
    const { platform } = testPlatform();
    const service = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', expose: { host: 'orders.example.com' } });
    const objects = synth(platform);
    expect(findObject(objects, 'HTTPRoute', 'orders').spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(findObject(objects, 'Gateway', 'shop-gateway').spec.listeners[1].tls.certificateRefs[0].name).toBe('orders-tls');
    expect(service.routes.map((r) => r.name)).toEqual(['orders']);
  });

  test('bad expose options, and expose with the ingress prop of old', () => {
    const { platform } = testPlatform();
    const make = (id: string, props: object) => new ResilientMicroservice(platform, id, { image: 'shop/orders:1.2.0', ...props });
    expect(() => make('a', { expose: { host: 'Orders!' } })).toThrow(/^\[shop\/a\] expose\.host \("Orders!"\) must be a DNS-1123 subdomain/);
    expect(() => make('b', { expose: { host: 'b.example.com', path: 'api' } })).toThrow(/^\[shop\/b\] expose\.path \("api"\) must be an absolute URL path/);
    expect(() => make('c', { expose: { host: 'c.example.com', tls: 'letsencrypt' } })).toThrow(/^\[shop\/c\] expose\.tls \("letsencrypt"\) must be a GatewayTls/);
    expect(() => make('d', { expose: { host: 'd.example.com' }, ingress: { host: 'd.example.com' } })).toThrow(/^\[shop\/d\] ingress \(\{"host":"d\.example\.com"\}\) cannot be combined with expose/);
  });
});
