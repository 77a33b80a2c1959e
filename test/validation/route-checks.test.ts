// Gateway API references: HTTPRoute backends are Services of the output on real ports, across namespaces only with
// a ReferenceGrant, and parent listeners exist on the Gateways of the output; the CRDs' own CEL rules the schema
// models do not evaluate (listeners, Service backends without a port, redirect filters).
import { ApiObject } from 'cdk8s';
import { GatewayTls, PlatformEdge, ResilientMicroservice } from '../../lib';
import { GatewayApiRules, RouteRules } from '../../lib/validation';
import { formatFinding } from '../../lib/validation/report';
import { validateObjects } from '../../lib/validation/validate';
import { ruleFindings } from '../support/findings';
import { findObject, K8sObject, synth, testPlatform } from '../support/objects';

function exposedPlatform() {
  const { app, platform } = testPlatform();
  const service = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', expose: { host: 'orders.example.com', tls: GatewayTls.fromSecret('orders-cert') } });
  return { app, platform, service };
}

/** The route-rule findings of the platform's objects after `edit`, one line each. */
function findingsAfter(edit: (objects: K8sObject[]) => void, extra: K8sObject[] = []): string[] {
  const objects = synth(exposedPlatform().platform);
  edit(objects);
  const report = validateObjects([...objects, ...extra].map((object) => ({ object, constructPath: `shop/${object.kind}/${object.metadata.name}` })));
  return [...report.errors, ...report.warnings]
    .filter((f) => ([...Object.values(RouteRules), ...Object.values(GatewayApiRules)] as string[]).includes(f.ruleId))
    .map(formatFinding);
}

function route(objects: K8sObject[]): K8sObject {
  return findObject(objects, 'HTTPRoute', 'orders');
}

describe('HTTPRoute references', () => {
  test('the kit\'s routes pass', () => {
    const { app } = exposedPlatform();
    for (const rule of Object.values(RouteRules)) expect(ruleFindings(app, rule)).toEqual([]);
  });

  test('a backend that is no Service of the output, and one on a port the Service does not have', () => {
    expect(findingsAfter((o) => { route(o).spec.rules[0].backendRefs[0].name = 'order'; })).toEqual([
      expect.stringMatching(/^error ref\/route-backend HTTPRoute\/shop\/orders spec\.rules\[0\]\.backendRefs\[0\]\.name: found "order", which is not a Service in the output; expected a Service in namespace "shop": orders/),
    ]);
    expect(findingsAfter((o) => { route(o).spec.rules[0].backendRefs[0].port = 80; })).toEqual([
      expect.stringMatching(/^error ref\/route-backend HTTPRoute\/shop\/orders spec\.rules\[0\]\.backendRefs\[0\]\.port: found 80; expected a port of Service "orders": http \(8080\)/),
    ]);
  });

  test('a backend in another namespace needs a ReferenceGrant there from HTTPRoutes of this one', () => {
    const elsewhere = (o: K8sObject[]) => {
      const service = findObject(o, 'Service', 'orders');
      o.push({ ...service, metadata: { ...service.metadata, namespace: 'billing' } });
      route(o).spec.rules[0].backendRefs[0].namespace = 'billing';
    };
    expect(findingsAfter(elsewhere)).toEqual([
      expect.stringMatching(/^error ref\/route-reference-grant HTTPRoute\/shop\/orders spec\.rules\[0\]\.backendRefs\[0\]\.namespace: found "billing"; expected a ReferenceGrant in namespace "billing" from HTTPRoutes of "shop" to Service "orders"/),
    ]);
    const grant = {
      apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: { name: 'from-shop', namespace: 'billing' },
      spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'shop' }], to: [{ group: '', kind: 'Service' }] },
    };
    expect(findingsAfter(elsewhere, [grant])).toEqual([]);
  });

  test('a parent listener the output\'s Gateway does not have', () => {
    expect(findingsAfter((o) => { route(o).spec.parentRefs[0].sectionName = 'https'; })).toEqual([
      expect.stringMatching(/^error ref\/route-parent-listener HTTPRoute\/shop\/orders spec\.parentRefs\[0\]\.sectionName: found "https"; expected a listener of Gateway "shop-gateway": http, https-orders-example-com/),
    ]);
  });

  test('a Gateway outside the output and backends of other kinds are left alone', () => {
    const { app, platform } = testPlatform({ edge: PlatformEdge.gatewayApi({ gateway: { name: 'shared', namespace: 'edge' } }) });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', expose: { host: 'orders.example.com' } });
    new ApiObject(platform, 'Custom', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'custom' },
      spec: { parentRefs: [{ name: 'shared', namespace: 'edge', sectionName: 'anything' }], rules: [{ backendRefs: [{ group: 'example.io', kind: 'Bucket', name: 'b' }] }] },
    });
    for (const rule of Object.values(RouteRules)) expect(ruleFindings(app, rule)).toEqual([]);
  });
});

describe('the Gateway API\'s CEL rules', () => {
  const gateway = (o: K8sObject[]) => findObject(o, 'Gateway', 'shop-gateway');

  test('the kit\'s Gateway and routes keep them', () => {
    const { app } = exposedPlatform();
    for (const rule of Object.values(GatewayApiRules)) expect(ruleFindings(app, rule)).toEqual([]);
  });

  test('a listener name twice, one hostname and port twice, TLS on HTTP, HTTPS without a certificate', () => {
    expect(findingsAfter((o) => { gateway(o).spec.listeners.push({ ...gateway(o).spec.listeners[1] }); }).sort()).toEqual([
      'error api/gateway-listener Gateway/shop/shop-gateway spec.listeners[2].hostname: found orders.example.com on 443/HTTPS again; expected one listener per port, protocol and hostname',
      'error api/gateway-listener Gateway/shop/shop-gateway spec.listeners[2].name: found "https-orders-example-com"; expected a listener name no other listener of the Gateway has',
    ]);
    expect(findingsAfter((o) => { gateway(o).spec.listeners[0].tls = { mode: 'Terminate' }; })).toEqual([
      'error api/gateway-listener Gateway/shop/shop-gateway spec.listeners[0].tls: found {"mode":"Terminate"}; expected no tls on a HTTP listener',
    ]);
    expect(findingsAfter((o) => { delete gateway(o).spec.listeners[1].tls; })).toEqual([
      'error api/gateway-listener Gateway/shop/shop-gateway spec.listeners[1].tls.certificateRefs: found missing; expected a certificate for the HTTPS listener to terminate TLS with (certificateRefs)',
    ]);
  });

  test('a Service backend without a port', () => {
    expect(findingsAfter((o) => { delete route(o).spec.rules[0].backendRefs[0].port; })).toContainEqual(
      'error api/route-backend-port HTTPRoute/shop/orders spec.rules[0].backendRefs[0].port: found missing; expected the Service port: a Service backend must have one');
  });

  test('a redirect beside backends, or beside a rewrite', () => {
    const redirect = (o: K8sObject[]) => findObject(o, 'HTTPRoute', 'shop-https-redirect');
    expect(findingsAfter((o) => { redirect(o).spec.rules[0].backendRefs = [{ name: 'orders', port: 8080 }]; })).toEqual([
      'error api/route-filters HTTPRoute/shop/shop-https-redirect spec.rules[0].backendRefs: found 1 backend(s) beside a RequestRedirect; expected no backendRefs in a rule that redirects',
    ]);
    expect(findingsAfter((o) => { redirect(o).spec.rules[0].filters.push({ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } }); })).toEqual([
      'error api/route-filters HTTPRoute/shop/shop-https-redirect spec.rules[0].filters: found RequestRedirect and URLRewrite; expected one of RequestRedirect and URLRewrite per rule',
    ]);
  });
});
