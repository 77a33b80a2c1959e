// policy/ingress-annotations: annotations that weaken TLS or inject configuration fail synthesis unless waived.
import { ApiObject } from 'cdk8s';
import { ApiGateway, ApiGatewayProps, GatewayTls, PlatformEdge, ResilientMicroservice } from '../../lib';
import { synthesizeCharts, validateApp } from '../../lib/synthesis';
import { checkPolicies, PolicyRules, Validation } from '../../lib/validation';
import { findObject, testPlatform } from '../support/objects';

/** The Ingress edge of ingress-nginx: its annotations are only there when asked for by name. */
const INGRESS_NGINX = PlatformEdge.ingress({ className: 'nginx', controller: { namespace: 'ingress-nginx' } });

function gateway(props: Partial<ApiGatewayProps> = {}) {
  const { app, platform } = testPlatform({ namespace: 'shop', edge: INGRESS_NGINX });
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
  const api = new ApiGateway(platform, 'api-gateway', { hosts: ['shop.example.com'], routes: [{ path: '/', to: orders }], ...props });
  return { app, platform, api };
}

function ruleFindings(app: ReturnType<typeof gateway>['app']) {
  const { report } = validateApp(app);
  return [...report.errors, ...report.warnings].filter((f) => f.ruleId === PolicyRules.INGRESS_ANNOTATIONS);
}

describe('policy/ingress-annotations', () => {
  test.each([
    ['nginx.ingress.kubernetes.io/ssl-redirect', 'false', 'lets clients stay on plain HTTP'],
    ['nginx.ingress.kubernetes.io/force-ssl-redirect', 'False', 'lets clients stay on plain HTTP'],
    ['nginx.ingress.kubernetes.io/configuration-snippet', 'more_set_headers "X: y";', 'injects raw configuration'],
    ['nginx.ingress.kubernetes.io/server-snippet', 'location /x { return 200; }', 'injects raw configuration'],
    ['nginx.ingress.kubernetes.io/auth-snippet', 'proxy_set_header A b;', 'injects raw configuration'],
    ['haproxy.org/backend-config-snippet', 'http-request deny', 'injects raw configuration'],
    ['cert-manager.io/cluster-issuer', 'letsencrypt-staging', 'changes who signs the certificate'],
    ['cert-manager.io/issuer', 'self-signed', 'changes who signs the certificate'],
  ])('%s: %s in ingressAnnotations fails synthesis, naming the path, annotation and the waiver', (key, value, why) => {
    // given
    const { app } = gateway({ tls: GatewayTls.certManager('letsencrypt-prod'), ingressAnnotations: { [key]: value } });
    // then
    expect(() => synthesizeCharts(app)).toThrow(PolicyRules.INGRESS_ANNOTATIONS);
    const [found, ...more] = ruleFindings(app);
    expect(more).toEqual([]);
    expect(found).toMatchObject({
      severity: 'error', constructPath: 'shop/api-gateway/Ingress', object: 'Ingress/shop/api-gateway',
      fieldPath: `metadata.annotations[${JSON.stringify(key)}]`,
    });
    expect(found.found).toContain(`${key}: ${JSON.stringify(value)}, which ${why}`);
    expect(found.expected).toContain('waive policy/ingress-annotations for this Ingress with the reason');
  });

  test('the issuer the tls prop chose, the redirect left on and other annotations pass', () => {
    // given
    const { app } = gateway({
      tls: GatewayTls.certManager('letsencrypt-prod'),
      ingressAnnotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'true', 'nginx.ingress.kubernetes.io/proxy-read-timeout': '120' },
    });
    // then
    expect(ruleFindings(app)).toEqual([]);
    expect(() => synthesizeCharts(app)).not.toThrow();
  });

  test('a waiver with a reason lets it through, and the Ingress carries the reason', () => {
    // given
    const { app, platform } = gateway({ ingressAnnotations: { 'nginx.ingress.kubernetes.io/server-snippet': 'client_body_timeout 5s;' } });
    Validation.of(platform).waive(PolicyRules.INGRESS_ANNOTATIONS, { kind: 'Ingress', name: 'api-gateway' },
      'the controller is ours and snippets are reviewed by the edge team');
    // when
    const charts = synthesizeCharts(app);
    // then
    const ingress = findObject(charts[0].objects, 'Ingress', 'api-gateway');
    expect(ingress.metadata.annotations['cdk8s-patterns.io/waived-policy.ingress-annotations'])
      .toBe('the controller is ours and snippets are reviewed by the edge team');
    expect(ruleFindings(app)).toEqual([]);
  });

  test('an issuer annotation on an Ingress no construct vouched for counts as deliberate; snippets never do', () => {
    // given a hand-written Ingress
    const ingress = (annotations: Record<string, string>) => ({
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'raw', namespace: 'shop', annotations }, spec: {},
    });
    // when
    const issuer = checkPolicies([ingress({ 'cert-manager.io/cluster-issuer': 'letsencrypt-prod' })]);
    const snippet = checkPolicies([ingress({ 'nginx.ingress.kubernetes.io/configuration-snippet': 'x' })]);
    // then
    expect(issuer.errors.filter((f) => f.ruleId === PolicyRules.INGRESS_ANNOTATIONS)).toEqual([]);
    expect(snippet.errors.map((f) => f.ruleId)).toContain(PolicyRules.INGRESS_ANNOTATIONS);
  });

  test('a raw ApiObject Ingress in a platform is checked too', () => {
    // given
    const { app, platform } = gateway();
    new ApiObject(platform, 'Raw', {
      apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
      metadata: { name: 'raw', annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'false' } },
      spec: { rules: [{ host: 'raw.example.com' }] },
    });
    // then
    expect(ruleFindings(app).map((f) => [f.object, f.fieldPath])).toEqual([
      ['Ingress/shop/raw', 'metadata.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"]'],
    ]);
  });
});
