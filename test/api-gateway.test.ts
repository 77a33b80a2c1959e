// ApiGateway: every object, default and error, asserted on the synthesized output.
import { Duration, Size, Testing } from 'cdk8s';
import { ApiGateway, ApiGatewayProps, Compatibility, Environment, ExternalTarget, GatewayTls, Platform, PlatformEdge, PlatformProps, ResilientMicroservice } from '../lib';
import { WiringGraph } from '../lib/network/wiring-graph';
import { CONFIG_HASH_ANNOTATION } from '../lib/pod/config-hash';
import { optInFindings } from './support/findings';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from './support/objects';
import { schemaError } from './support/schema';
import { validateObjects } from '../lib/validation/validate';

function blog(props: Partial<ApiGatewayProps> = {}, platformProps: PlatformProps = {}) {
  const { app, platform } = testPlatform(platformProps);
  const posts = new ResilientMicroservice(platform, 'posts', { image: 'shop/posts:1.0.0' });
  const auth = new ResilientMicroservice(platform, 'auth', { image: 'shop/auth:1.0.0', port: 9000 });
  const gateway = new ApiGateway(platform, 'gateway', {
    hosts: ['blog.example.com'],
    routes: [{ path: '/api/posts/', to: posts }, { path: '/api/auth/', to: auth, rewrite: '/' }],
    ...props,
  });
  return { app, platform, posts, auth, gateway };
}

function nginxConf(objects: K8sObject[]): string {
  return findObject(objects, 'ConfigMap', 'gateway-nginx').data['nginx.conf'];
}

describe('ApiGateway objects and defaults', () => {
  test('a Deployment of the pinned non-root nginx image, run as nginx in the foreground, owned by an HPA', () => {
    // given
    const { platform, gateway } = blog();
    // when
    const objects = synth(platform);
    // then
    const deployment = findObject(objects, 'Deployment', 'gateway');
    const container = podSpecOf(deployment).containers[0];
    expect(deployment.spec.replicas).toBeUndefined();
    expect(container.name).toBe('nginx');
    expect(container.image).toBe('nginxinc/nginx-unprivileged:1.27.3');
    expect(gateway.image).toBe('nginxinc/nginx-unprivileged:1.27.3');
    expect(container.command).toEqual(['nginx', '-g', 'daemon off;']);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' },
      { name: 'health', containerPort: 8081, protocol: 'TCP' },
    ]);
    expect(deployment.metadata.labels['app.kubernetes.io/component']).toBe('gateway');
  });

  test('hardened like every pod: compatibility uid, read-only root, emptyDirs only where nginx writes', () => {
    // given
    const { platform } = blog();
    // when
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'gateway'));
    // then
    const container = spec.containers[0];
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 });
    expect(container.securityContext).toMatchObject({
      runAsUser: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] },
    });
    expect(container.volumeMounts).toEqual([
      { name: 'nginx-tmp', mountPath: '/tmp' },
      { name: 'nginx-var-cache-nginx', mountPath: '/var/cache/nginx' },
      { name: 'nginx-config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true },
    ]);
    expect(spec.volumes).toEqual(expect.arrayContaining([
      { name: 'nginx-config', configMap: { name: 'gateway-nginx' } },
      { name: 'nginx-tmp', emptyDir: { sizeLimit: '64Mi' } },
    ]));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('gateway');
    expect(spec.topologySpreadConstraints).toHaveLength(2);
  });

  test('runAsUser overrides the profile\'s uid', () => {
    // given
    const { platform } = blog({ runAsUser: 20000 });
    // then
    expect(podSpecOf(findObject(synth(platform), 'Deployment', 'gateway')).securityContext.runAsUser).toBe(20000);
  });

  test('probes on the health port: liveness /healthz and readiness /readyz, so they differ', () => {
    // given
    const { platform } = blog();
    // when
    const container = podSpecOf(findObject(synth(platform), 'Deployment', 'gateway')).containers[0];
    // then
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(container.readinessProbe.periodSeconds).toBe(5);
  });

  test('graceful shutdown: preStop waits, tells nginx to quit, and waits for it to finish', () => {
    // given
    const { platform } = blog();
    const { platform: quick } = blog({ preStopDelay: Duration.seconds(0), terminationGracePeriod: Duration.seconds(60) });
    // when
    const spec = podSpecOf(findObject(synth(platform), 'Deployment', 'gateway'));
    const quickSpec = podSpecOf(findObject(synth(quick), 'Deployment', 'gateway'));
    // then
    expect(spec.containers[0].lifecycle.preStop.exec.command).toEqual(
      ['sh', '-c', 'sleep 5; nginx -s quit; while [ -e /tmp/nginx.pid ]; do sleep 1; done']);
    expect(spec.terminationGracePeriodSeconds).toBe(30);
    expect(quickSpec.containers[0].lifecycle.preStop.exec.command[2]).toBe('nginx -s quit; while [ -e /tmp/nginx.pid ]; do sleep 1; done');
    expect(quickSpec.terminationGracePeriodSeconds).toBe(60);
  });

  test('a ConfigMap with the generated nginx.conf: an upstream per routed Service and a location per route', () => {
    // given
    const { platform, gateway } = blog();
    // when
    const conf = nginxConf(synth(platform));
    // then
    expect(conf).toBe(gateway.nginxConfig());
    expect(conf).toContain('server posts.shop.svc.cluster.local:8080;');
    expect(conf).toContain('server auth.shop.svc.cluster.local:9000;');
    expect(conf).toContain('location /api/posts/ {\n      proxy_pass http://posts_shop_8080;');
    expect(conf).toContain('location /api/auth/ {\n      proxy_pass http://auth_shop_9000/;');
    expect(conf).toContain('pid /tmp/nginx.pid;');
    expect(conf).toContain('    listen 8080;');
    expect(conf).toContain('    listen 8081;');
    expect(conf).toContain('client_max_body_size 1048576;');
    expect(conf).toContain('gzip on;');
    expect(conf).toContain('Strict-Transport-Security');
    expect(conf).toMatch(/^worker_processes 1;$/m); // 200m CPU limit: one worker
  });

  test('the pod carries a hash of nginx.conf, which changes when a route is added', () => {
    // given
    const { platform, gateway, posts } = blog();
    const before = configHashOf(synth(platform));
    // when
    gateway.addRoute({ path: '/feed/', to: posts });
    const after = configHashOf(synth(platform));
    // then
    expect(before).toMatch(/^[0-9a-f]{16}$/);
    expect(after).not.toBe(before);
  });

  test('a Service on the gateway port only (the health port stays private)', () => {
    // given
    const { platform } = blog();
    // when
    const service = findObject(synth(platform), 'Service', 'gateway');
    // then
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway' });
  });

  test('HPA within the environment\'s bounds and a PDB, as for a microservice', () => {
    // given
    const { platform, gateway } = blog({}, { environment: Environment.STAGING });
    // when
    const objects = synth(platform);
    // then
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'gateway');
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gateway' }, minReplicas: 2, maxReplicas: 5,
    });
    expect([gateway.minReplicas, gateway.maxReplicas]).toEqual([2, 5]);
    expect(findObject(objects, 'PodDisruptionBudget', 'gateway').spec).toEqual({
      maxUnavailable: 1,
      // One label, unique to the workload: checkers that match selectors label by label find it
      selector: { matchLabels: { 'app.kubernetes.io/instance': 'gateway' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('autoscaling false: a fixed replica count and no HPA', () => {
    // given
    const { platform, gateway } = blog({ autoscaling: false, replicas: 3 });
    // when
    const objects = synth(platform);
    // then
    expect(findObject(objects, 'Deployment', 'gateway').spec.replicas).toBe(3);
    expect(objects.some((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'gateway')).toBe(false);
    expect(gateway.hpa).toBeUndefined();
  });

  test('registers its footprint with the Platform', () => {
    // given
    const { platform, gateway } = blog();
    // then
    const footprint = platform.workloadFootprints.find((f) => f.workload === gateway)!;
    expect(footprint).toMatchObject({ kind: 'Deployment', minReplicas: 2, maxReplicas: 10, surge: 3 });
    expect(footprint.containers[0].requests.cpuMillis).toBe(100);
  });

  test('every object validates against the Kubernetes schemas', () => {
    // given
    const { platform } = blog({ tls: GatewayTls.certManager('letsencrypt') });
    // when
    const errors = synth(platform).map(schemaError).filter((e) => e !== undefined);
    // then
    expect(errors).toEqual([]);
  });
});

test('the kit\'s validation (schema, references, policy) finds nothing, external route included', () => {
  // given
  const { platform, gateway } = blog({ tls: GatewayTls.certManager('letsencrypt') });
  gateway.addRoute({ path: '/payments/', to: ExternalTarget.host('api.payments.example.com', 443), rateLimit: { requestsPerSecond: 5 } });
  // when
  const report = validateObjects(synth(platform).map((object) => ({ object, constructPath: `shop/${object.kind}/${object.metadata.name}` })));
  // then
  expect([...report.errors, ...report.warnings]).toEqual([]);
  expect(report.unchecked).toEqual([]);
});

const ENVOY_PROXIES = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'envoy-gateway-system' } },
  podSelector: {
    matchLabels: {
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'shop-gateway',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'shop',
    },
  },
};

describe('ApiGateway on the Gateway API edge (the default)', () => {
  test('an HTTPRoute of every host to the gateway Service, on each host\'s HTTPS listener; no Ingress', () => {
    // given
    const { platform } = blog({ hosts: ['blog.example.com', 'www.blog.example.com'] });
    // when
    const objects = synth(platform);
    const route = findObject(objects, 'HTTPRoute', 'gateway');
    // then
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway', sectionName: 'https-blog-example-com' },
        { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway', sectionName: 'https-www-blog-example-com' },
      ],
      hostnames: ['blog.example.com', 'www.blog.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ group: '', kind: 'Service', name: 'gateway', port: 8080 }],
      }],
    });
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('nginx.ingress.kubernetes.io/');
  });

  test('the Gateway holds an HTTPS listener per host with the Secret <name>-tls, and the HTTP listener redirects', () => {
    // given
    const { platform } = blog({ tls: GatewayTls.fromSecret('blog-cert') });
    // when
    const objects = synth(platform);
    const gateway = findObject(objects, 'Gateway', 'shop-gateway');
    // then
    expect(gateway.spec.listeners).toEqual([
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'Same' } } },
      {
        name: 'https-blog-example-com', hostname: 'blog.example.com', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'Same' } },
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'blog-cert' }] },
      },
    ]);
    expect(gateway.metadata.annotations).toBeUndefined();
    expect(findObject(objects, 'HTTPRoute', 'shop-https-redirect').spec.hostnames).toEqual(['blog.example.com']);
  });

  test('GatewayTls.certManager: cert-manager\'s issuer annotation on the Gateway, which issues into <name>-tls', () => {
    // given
    const { platform } = blog({ tls: GatewayTls.certManager('letsencrypt-prod') });
    const { platform: named } = blog({ tls: GatewayTls.certManager('internal-ca', { secretName: 'blog-tls', issuerKind: 'Issuer' }) });
    // when
    const gateway = findObject(synth(platform), 'Gateway', 'shop-gateway');
    const namedGateway = findObject(synth(named), 'Gateway', 'shop-gateway');
    // then
    expect(gateway.metadata.annotations).toEqual({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' });
    expect(gateway.spec.listeners[1].tls.certificateRefs[0].name).toBe('gateway-tls');
    expect(namedGateway.metadata.annotations).toEqual({ 'cert-manager.io/issuer': 'internal-ca' });
    expect(namedGateway.spec.listeners[1].tls.certificateRefs[0].name).toBe('blog-tls');
  });

  test('GatewayTls.insecurePlaintext: the route on the HTTP listener, no redirect, no HSTS, the opt-in recorded', () => {
    // given
    const { app, platform } = blog({ tls: GatewayTls.insecurePlaintext() });
    // when
    const objects = synth(platform);
    // then
    expect(findObject(objects, 'HTTPRoute', 'gateway').spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway', sectionName: 'http' }]);
    expect(objects.filter((o) => o.kind === 'HTTPRoute').map((o) => o.metadata.name)).toEqual(['gateway']);
    expect(nginxConf(objects)).not.toContain('Strict-Transport-Security');
    expect(optInFindings(app)).toEqual([expect.stringMatching(/^\[shop\/gateway\/HttpRoute\] error policy\/insecure-opt-in HTTPRoute\/shop\/gateway: found GatewayTls.insecurePlaintext\(\): the edge serves the hosts in plain HTTP/)]);
  });

  test('maxBodySize reaches nginx only: no controller annotation for it', () => {
    // given
    const { platform } = blog({ maxBodySize: Size.mebibytes(8) });
    // when
    const objects = synth(platform);
    // then
    expect(nginxConf(objects)).toContain('client_max_body_size 8388608;');
    expect(findObject(objects, 'HTTPRoute', 'gateway').metadata.annotations).toBeUndefined();
  });

  test('the Ingress props of old are refused with where they went', () => {
    expect(() => blog({ ingressClassName: 'nginx' })).toThrow('[shop/gateway] ingressClassName ("nginx") is set on the Platform now: edge: PlatformEdge.ingress(');
    expect(() => blog({ ingressController: { namespace: 'traefik' } })).toThrow('[shop/gateway] ingressController ({"namespace":"traefik"}) is set on the Platform now');
    expect(() => blog({ ingressAnnotations: { a: 'b' } })).toThrow('[shop/gateway] ingressAnnotations ({"a":"b"}) has no Ingress to go on: the Platform\'s edge is Gateway API');
  });
});

describe('ApiGateway on the Ingress edge', () => {
  const edge = PlatformEdge.ingress({ className: 'traefik', controller: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } } });

  test('an Ingress of the edge\'s class, each host to the gateway Service, TLS, only the annotations asked for', () => {
    // given
    const { platform } = blog({ hosts: ['blog.example.com', 'www.blog.example.com'], tls: GatewayTls.certManager('letsencrypt-prod'), ingressAnnotations: { 'traefik.ingress.kubernetes.io/router.middlewares': 'shop-auth@kubernetescrd' } }, { edge });
    // when
    const objects = synth(platform);
    const ingress = findObject(objects, 'Ingress', 'gateway');
    // then
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.tls).toEqual([{ hosts: ['blog.example.com', 'www.blog.example.com'], secretName: 'gateway-tls' }]);
    expect(ingress.spec.rules[0].http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: 'gateway', port: { number: 8080 } } } }]);
    expect(ingress.metadata.annotations).toEqual({
      'cert-manager.io/cluster-issuer': 'letsencrypt-prod', 'traefik.ingress.kubernetes.io/router.middlewares': 'shop-auth@kubernetescrd',
    });
    expect(objects.filter((o) => o.kind === 'HTTPRoute' || o.kind === 'Gateway')).toEqual([]);
  });

  test('the gateway admits the controller\'s pods only', () => {
    // given (metrics off: their Prometheus allow is asserted in test/gateway/gateway-metrics.test.ts)
    const { platform } = blog({ metrics: false }, { edge });
    // when
    const policy = findObject(synth(platform), 'NetworkPolicy', 'gateway');
    // then
    expect(policy.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    }]);
  });
});

describe('ApiGateway network policy and wiring', () => {
  test('ingress only from the edge\'s data plane (the Gateway\'s own Envoy proxies) on the gateway port; egress to routed Services and DNS', () => {
    // given (metrics off: their Prometheus allow is asserted in test/gateway/gateway-metrics.test.ts)
    const { platform } = blog({ metrics: false });
    // when
    const policy = findObject(synth(platform), 'NetworkPolicy', 'gateway');
    // then
    expect(policy.spec.ingress).toEqual([{ from: [ENVOY_PROXIES], ports: [{ port: 8080, protocol: 'TCP' }] }]);
    const egress = policy.spec.egress;
    expect(egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(egress.slice(1)).toEqual([
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'auth', 'app.kubernetes.io/instance': 'auth' } } }], ports: [{ port: 9000, protocol: 'TCP' }] },
      { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'posts', 'app.kubernetes.io/instance': 'posts' } } }], ports: [{ port: 8080, protocol: 'TCP' }] },
    ]);
  });

  test('routed services admit the gateway automatically, on their port', () => {
    // given
    const { platform } = blog();
    // when
    const postsPolicy = findObject(synth(platform), 'NetworkPolicy', 'posts');
    // then
    expect(postsPolicy.spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'gateway', 'app.kubernetes.io/instance': 'gateway' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test('each route is a wiring edge of kind "route" labelled with its path', () => {
    // given
    const { app, gateway, posts } = blog();
    // then
    const edges = WiringGraph.of(app).edgesFrom(gateway);
    expect(edges.map((e) => [e.kind, e.label, e.to.workloadName])).toEqual([['route', '/api/posts/', 'posts'], ['route', '/api/auth/', 'auth']]);
    expect(edges[0].to).toBe(posts);
  });

  test('an external target: egress on its port to any address but the cluster\'s, link-local and metadata ranges, and an https upstream with its own Host', () => {
    // given
    const { platform, gateway } = blog();
    // when
    gateway.addRoute({ path: '/payments/', to: ExternalTarget.host('api.payments.example.com', 443) });
    const objects = synth(platform);
    // then
    expect(findObject(objects, 'NetworkPolicy', 'gateway').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '100.64.0.0/10', '169.254.0.0/16', '172.16.0.0/12', '192.168.0.0/16'] } }],
      ports: [{ port: 443, protocol: 'TCP' }],
    });
    const conf = nginxConf(objects);
    expect(conf).toContain('set $external_api_payments_example_com_443 api.payments.example.com;');
    expect(conf).toContain('proxy_set_header Host api.payments.example.com;');
    expect(conf).toContain('proxy_pass https://$external_api_payments_example_com_443:443;');
  });

  test('addRoute returns the route and adds it; routes lists them in order; per-route options reach nginx', () => {
    // given
    const { platform, gateway, posts } = blog();
    // when
    const route = { path: '/upload/', to: posts, timeout: Duration.seconds(300), connectTimeout: Duration.seconds(2),
      maxBodySize: Size.mebibytes(50), rateLimit: { requestsPerSecond: 5 } };
    const returned = gateway.addRoute(route);
    const conf = nginxConf(synth(platform));
    // then
    expect(returned).toBe(route);
    expect(gateway.routes.map((r) => r.path)).toEqual(['/api/posts/', '/api/auth/', '/upload/']);
    expect(conf).toContain('limit_req_zone $binary_remote_addr zone=route_upload:10m rate=5r/s;');
    expect(conf).toMatch(/location \/upload\/ \{[^}]*proxy_connect_timeout 2s;\n\s*proxy_read_timeout 300s;[^}]*client_max_body_size 52428800;\n\s*limit_req zone=route_upload burst=5 nodelay;/);
  });

  test('no routes: every path answers 404', () => {
    // given
    const { platform } = testPlatform();
    new ApiGateway(platform, 'gateway', { hosts: ['x.example.com'] });
    // then
    expect(nginxConf(synth(platform))).toContain('    location / {\n      return 404;\n    }\n  }');
  });
});

describe('ApiGateway errors', () => {
  test('a duplicate path', () => {
    const { gateway, posts } = blog();
    expect(() => gateway.addRoute({ path: '/api/posts/', to: posts }))
      .toThrow('[shop/gateway] routes[2].path ("/api/posts/") appears twice: each route needs a path of its own');
  });

  test('a path not starting with "/"', () => {
    const { gateway, posts } = blog();
    expect(() => gateway.addRoute({ path: 'api/', to: posts })).toThrow('[shop/gateway] routes[2].path ("api/") must start with "/"');
  });

  test('a path or rewrite with characters nginx would misread', () => {
    const { gateway, posts } = blog();
    expect(() => gateway.addRoute({ path: '/a b/', to: posts }))
      .toThrow('[shop/gateway] routes[2].path ("/a b/") must hold only letters, digits, ".", "_", "~", "-" and single "/"');
    expect(() => gateway.addRoute({ path: '/a//', to: posts })).toThrow('routes[2].path ("/a//") must hold only');
    expect(() => gateway.addRoute({ path: '/a/', to: posts, rewrite: 'v2' })).toThrow('[shop/gateway] routes[2].rewrite ("v2") must start with "/"');
  });

  test('a target in another Platform that is not declared external', () => {
    // given
    const app = Testing.app();
    const shop = new Platform(app, 'shop');
    const billing = new Platform(app, 'billing');
    const invoices = new ResilientMicroservice(billing, 'invoices', { image: 'billing/invoices:1.0.0' });
    // then
    expect(() => new ApiGateway(shop, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/invoices/', to: invoices }] }))
      .toThrow('[shop/gateway] routes[0].to ("billing/invoices") is outside this gateway\'s Platform "shop": a route reaches only workloads of its own Platform; declare other hosts with ExternalTarget.host()');
    expect(WiringGraph.of(app).edges).toEqual([]);
  });

  test('an invalid external host name or port', () => {
    const { gateway } = blog();
    expect(() => gateway.addRoute({ path: '/x/', to: ExternalTarget.host('https://api.example.com', 443) }))
      .toThrow('[shop/gateway] routes[2].to.hostname ("https://api.example.com") must be a DNS-1123 subdomain');
    expect(() => gateway.addRoute({ path: '/x/', to: ExternalTarget.host('api.example.com', 0) }))
      .toThrow('[shop/gateway] routes[2].to.port (0) must be an integer from 1 to 65535');
  });

  test('invalid, missing or repeated host names', () => {
    expect(() => blog({ hosts: ['Blog_Example.com'] })).toThrow('[shop/gateway] hosts[0] ("Blog_Example.com") must be a DNS-1123 subdomain');
    expect(() => blog({ hosts: [] })).toThrow('[shop/gateway] hosts ([]) must hold at least one host name');
    expect(() => blog({ hosts: ['a.example.com', 'a.example.com'] })).toThrow('[shop/gateway] hosts ("a.example.com") appears twice');
    expect(() => blog({ hosts: ['*.example.com'] })).not.toThrow();
  });

  test('the health port equal to the gateway port', () => {
    expect(() => blog({ healthPort: 8080 })).toThrow('[shop/gateway] healthPort (8080) must differ from port (8080)');
  });

  test('route timeouts below one second or not whole seconds', () => {
    const { gateway, posts } = blog();
    expect(() => gateway.addRoute({ path: '/x/', to: posts, timeout: Duration.seconds(0) }))
      .toThrow('[shop/gateway] routes[2].timeout ("0s") must be a whole number of seconds, 1 or more');
    expect(() => gateway.addRoute({ path: '/x/', to: posts, connectTimeout: Duration.millis(1500) }))
      .toThrow('[shop/gateway] routes[2].connectTimeout ("1.5s") must be a whole number of seconds, 1 or more');
  });

  test('a rate limit of zero or a negative burst', () => {
    const { gateway, posts } = blog();
    expect(() => gateway.addRoute({ path: '/x/', to: posts, rateLimit: { requestsPerSecond: 0 } }))
      .toThrow('[shop/gateway] routes[2].rateLimit.requestsPerSecond (0) must be an integer from 1 to 100000');
    expect(() => gateway.addRoute({ path: '/x/', to: posts, rateLimit: { requestsPerSecond: 1, burst: -1 } }))
      .toThrow('[shop/gateway] routes[2].rateLimit.burst (-1) must be an integer from 0 to 100000');
  });

  test('a rejected route leaves no route, edge or location behind', () => {
    // given
    const { app, gateway, posts } = blog();
    // when
    expect(() => gateway.addRoute({ path: '/x/', to: posts, rateLimit: { requestsPerSecond: 0 } })).toThrow();
    // then
    expect(gateway.routes).toHaveLength(2);
    expect(WiringGraph.of(app).edgesFrom(gateway)).toHaveLength(2);
    expect(gateway.nginxConfig()).not.toContain('location /x/');
  });

  test('a bad cert-manager issuer or TLS Secret name', () => {
    expect(() => blog({ tls: GatewayTls.certManager('Lets Encrypt') }))
      .toThrow('[shop/gateway] tls.issuer ("Lets Encrypt") must name a cert-manager issuer');
    expect(() => blog({ tls: GatewayTls.fromSecret('Blog_Cert') })).toThrow('[shop/gateway] tls.secretName ("Blog_Cert") must be a DNS-1123 label');
  });

  test('replicas while autoscaling (the shared scaling rule)', () => {
    expect(() => blog({ replicas: 3 })).toThrow('[shop/gateway] replicas (3) must not be set while autoscaling is on');
  });

  test('an image without a pinned tag, and a gateway outside a Platform', () => {
    expect(() => blog({ image: 'nginx' })).toThrow('[shop/gateway] props.image ("nginx") must name a pinned version');
    const app = Testing.app();
    expect(() => new ApiGateway(app, 'gateway', { hosts: ['x.example.com'] })).toThrow('[gateway] must be defined inside a Platform');
  });

  test('workerConnections out of range', () => {
    expect(() => blog({ workerConnections: 1 })).toThrow('[shop/gateway] workerConnections (1) must be an integer from 16 to 65536');
  });
});

describe('ApiGateway with the compatibility profile', () => {
  test('NO_CPU_LIMITS: no CPU limit, workers from the request', () => {
    // given
    const { platform } = blog({}, { compatibility: Compatibility.NO_CPU_LIMITS });
    // when
    const objects = synth(platform);
    // then
    expect(podSpecOf(findObject(objects, 'Deployment', 'gateway')).containers[0].resources.limits.cpu).toBeUndefined();
    expect(nginxConf(objects)).toMatch(/^worker_processes 1;$/m);
  });

  test('workers follow the CPU limit, one per started core', () => {
    // given
    const { platform } = blog({ resources: { requests: { cpu: '500m' }, limits: { cpu: '2500m' } } });
    // then
    expect(nginxConf(synth(platform))).toMatch(/^worker_processes 3;$/m);
  });
});

function configHashOf(objects: K8sObject[]): string {
  return findObject(objects, 'Deployment', 'gateway').spec.template.metadata.annotations[CONFIG_HASH_ANNOTATION];
}
