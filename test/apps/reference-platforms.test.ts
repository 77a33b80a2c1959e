// Every reference platform in every environment, checked as a whole: counts, selectors, policies, routes,
// secrets, validation, diagram edges and capacity, read from the synthesized objects.
import { Environment, Platform } from '../../lib';
import { capacityReport, topologyDiagram, topologyEdges } from '../../lib/reports';
import { findResource, findResources, matchers } from '../../lib/testing';
import { K8sObject } from '../support/objects';
import {
  buildReference, countByKind, egressAllowsToWorkloads, ingressAllows, maximumScaleOf, networkPolicyProblems, parseNginxRoutes,
  PLATFORM_CASES, quotaAmount, quotaTableOf, REFERENCE_PLATFORMS, routeProblems, secretProblems, secretReferences, serviceProblems,
  triple, workloadPolicies,
} from '../support/platform-assertions';

expect.extend(matchers);

const COMMON = { PriorityClass: 4, Namespace: 1, ResourceQuota: 1, LimitRange: 1 };
/** The blog's own Gateway: the Gateway, its redirect and the gateway's route (and the HTTP-01 solver's NetworkPolicy). */
const BLOG_EDGE = { Gateway: 1, HTTPRoute: 2 };
/** The shop on the shared Gateway: the redirect and four routes, a Certificate per host, one ReferenceGrant. */
const SHOP_EDGE = { HTTPRoute: 5, Certificate: 4, ReferenceGrant: 1 };

/** Exact objects per kind: a kind that is missing here must be absent from the output (Secrets above all). */
const EXPECTED_KINDS: Record<string, Record<string, Record<string, number>>> = {
  blog: {
    development: {
      ...COMMON, ExternalSecret: 8, Password: 8, ...BLOG_EDGE, ServiceAccount: 8, ConfigMap: 7, Service: 10, Deployment: 6, StatefulSet: 2,
      HorizontalPodAutoscaler: 6, PodDisruptionBudget: 8, NetworkPolicy: 11,
    },
    staging: {
      ...COMMON, ExternalSecret: 10, ...BLOG_EDGE, ServiceAccount: 8, ConfigMap: 8, Service: 13, Deployment: 6, StatefulSet: 2,
      HorizontalPodAutoscaler: 6, PodDisruptionBudget: 8, NetworkPolicy: 11, ServiceMonitor: 7, PrometheusRule: 1,
    },
    production: {
      ...COMMON, ExternalSecret: 12, ...BLOG_EDGE, ServiceAccount: 10, ConfigMap: 8, Service: 15, Deployment: 6, StatefulSet: 2, CronJob: 2, PersistentVolumeClaim: 2,
      HorizontalPodAutoscaler: 6, PodDisruptionBudget: 8, NetworkPolicy: 13, ServiceMonitor: 7, PrometheusRule: 1,
    },
  },
  ecommerce: {
    development: {
      ...COMMON, ExternalSecret: 9, Password: 2, ...SHOP_EDGE, ServiceAccount: 10, ConfigMap: 3, Service: 13, Deployment: 7, Rollout: 1, StatefulSet: 2, CronJob: 1,
      HorizontalPodAutoscaler: 8, PodDisruptionBudget: 10, NetworkPolicy: 12,
    },
    staging: {
      ...COMMON, ExternalSecret: 11, ...SHOP_EDGE, ServiceAccount: 10, ConfigMap: 4, Service: 16, Deployment: 7, Rollout: 1, StatefulSet: 2, CronJob: 1,
      HorizontalPodAutoscaler: 8, PodDisruptionBudget: 10, NetworkPolicy: 12, ServiceMonitor: 8, PodMonitor: 1, PrometheusRule: 1,
    },
    production: {
      ...COMMON, ExternalSecret: 13, ...SHOP_EDGE, ServiceAccount: 12, ConfigMap: 4, Service: 18, Deployment: 7, Rollout: 1, StatefulSet: 2, CronJob: 3,
      PersistentVolumeClaim: 2, HorizontalPodAutoscaler: 8, PodDisruptionBudget: 10, NetworkPolicy: 14, ServiceMonitor: 8,
      PodMonitor: 1, PrometheusRule: 1,
    },
  },
};

/** The gateway's routes: path → the Service it reaches. */
const EXPECTED_ROUTES: Record<string, Record<string, string>> = {
  blog: {
    '/': 'frontend',
    '/api/auth/': 'auth-service',
    '/api/comments/': 'comment-service',
    '/api/images/': 'image-service',
    '/api/posts/': 'blog-service',
  },
  ecommerce: {
    '/': 'storefront',
    '/api/cart/': 'cart-service',
    '/api/orders/': 'order-service',
    '/api/payments/': 'payment-service',
    '/api/products/': 'product-catalog',
    '/api/users/': 'user-service',
  },
};

describe.each(PLATFORM_CASES)('$platformName in $environmentName', ({ platformName, environmentName, reference, environment }) => {
  let platform: Platform;
  let objects: K8sObject[];
  beforeAll(() => {
    ({ platform, objects } = buildReference(reference, environment));
  });

  test('has exactly the expected number of objects of each kind, and no Secret', () => {
    expect(countByKind(objects)).toEqual(EXPECTED_KINDS[platformName][environmentName]);
  });

  test('every Service selects the pods of a workload, and each targetPort is a port of their containers', () => {
    expect(findResources(objects, 'Service')).toHaveLength(EXPECTED_KINDS[platformName][environmentName].Service);
    expect(serviceProblems(objects)).toEqual([]);
  });

  test('every pod-bearing object is covered by a workload NetworkPolicy with Ingress and Egress, on top of default-deny', () => {
    expect(networkPolicyProblems(objects)).toEqual([]);
    expect(findResource(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('every gateway route reaches an existing Service port whose pods admit the gateway', () => {
    const configs = findResources(objects, 'ConfigMap').filter((c) => c.data?.['nginx.conf'] !== undefined);
    expect(configs.map((c) => c.metadata.name)).toEqual(['api-gateway-nginx']);
    const { routes, problems } = routeProblems(objects, configs[0].data['nginx.conf'], platform.namespaceName, 'api-gateway',
      externalNames(platform));
    expect(routes).toEqual(EXPECTED_ROUTES[platformName]);
    expect(problems).toEqual([]);
  });

  test('no Ingress and no ingress-nginx annotation; every HTTPRoute sends its hosts to Services of the output on their ports', () => {
    expect(findResources(objects, 'Ingress')).toEqual([]);
    expect(JSON.stringify(objects)).not.toContain('nginx.ingress.kubernetes.io/');
    const gatewayRoute = findResource(objects, 'HTTPRoute', 'api-gateway');
    const gateway = findResource(objects, 'Service', 'api-gateway');
    expect(gatewayRoute.spec.rules[0].backendRefs).toEqual([{ group: '', kind: 'Service', name: 'api-gateway', port: gateway.spec.ports[0].port }]);
    for (const route of findResources(objects, 'HTTPRoute')) {
      for (const ref of route.spec.rules.flatMap((r: K8sObject) => r.backendRefs ?? [])) {
        expect(findResource(objects, 'Service', ref.name).spec.ports.map((p: K8sObject) => p.port)).toContain(ref.port);
      }
    }
  });

  test('the topology report states the certificate path of every exposed host', () => {
    const hosts = findResources(objects, 'HTTPRoute').filter((r) => r.spec.rules[0].backendRefs).flatMap((r) => r.spec.hostnames);
    const report = topologyDiagram(platform);
    for (const host of hosts) expect(report).toMatch(new RegExp(`\\| \`${host.replace(/\./g, '\\.')}\` \\| .*(ClusterIssuer|Secret)`));
    expect(report).toContain(platformName === 'blog' ? 'ACME HTTP-01' : 'ACME DNS-01');
  });

  test('no secret value is in the YAML: no Secret, no literal value on secret-like env, no credentials in URLs', () => {
    expect(secretProblems(objects)).toEqual([]);
    // The database password is there, read from its Secret.
    expect(secretReferences(objects)).toContain('postgres/database/POSTGRES_PASSWORD <- postgres-credentials:password');
  });

  test('every object passes the kit\'s validation with no error and no warning', () => {
    expect(platform).toPassPolicies('restricted', { strictWarnings: true });
  });

  test('the diagram\'s edges are exactly the connections the NetworkPolicies admit, and each is allowed out as well as in', () => {
    const fromDiagram = diagramTriples(platform);
    const fromPolicies = ingressAllows(objects, externalNames(platform));
    const toOutside = fromDiagram.filter((t) => / -> external \S+ :\d+$/.test(t));
    expect(fromDiagram.filter((t) => !toOutside.includes(t))).toEqual(fromPolicies);
    expect(toOutside.map((t) => t.replace(/ -> external \S+ /, ' -> ipBlock '))).toEqual(ipBlockEgress(objects));
    const internal = fromPolicies.filter((t) => !/^(prometheus|edge data plane \(envoy-gateway\)) /.test(t));
    expect(egressAllowsToWorkloads(objects)).toEqual(internal);
  });

  test('the capacity report\'s maximum scale is what the objects add up to, and it fits the ResourceQuota', () => {
    const quota = findResource(objects, 'ResourceQuota', 'platform-quota').spec.hard;
    const computed = maximumScaleOf(objects) as unknown as Record<string, number>;
    const rows = quotaTableOf(capacityReport(platform));
    expect(rows.map((r) => r.resource)).toEqual(['pods', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory', 'requests.storage']);
    for (const row of rows) {
      const need = quotaAmount(row.resource, row.atMaximum);
      const have = quotaAmount(row.resource, quota[row.resource]);
      expect({ resource: row.resource, reported: need, quotaInReport: quotaAmount(row.resource, row.quota) })
        .toEqual({ resource: row.resource, reported: computed[row.resource], quotaInReport: have });
      expect({ resource: row.resource, fits: need <= have }).toEqual({ resource: row.resource, fits: true });
      expect(row.usedPercent).toBeLessThanOrEqual(100);
    }
    // The quota also bounds what the report leaves out: scratch space and the number of claims.
    const unreported = Object.keys(quota).filter((resource) => !rows.some((r) => r.resource === resource)).sort();
    expect(unreported).toEqual(['limits.ephemeral-storage', 'persistentvolumeclaims', 'requests.ephemeral-storage']);
    for (const resource of unreported) {
      expect({ resource, fits: computed[resource] <= quotaAmount(resource, quota[resource]) }).toEqual({ resource, fits: true });
    }
  });
});

describe('the cross-checks catch broken output (e-commerce in production, edited after synthesis)', () => {
  let platform: Platform;
  let pristine: K8sObject[];
  beforeAll(() => {
    ({ platform, objects: pristine } = buildReference(REFERENCE_PLATFORMS[1], Environment.PRODUCTION));
  });
  const edited = (edit: (objects: K8sObject[]) => void) => {
    const objects = structuredClone(pristine);
    edit(objects);
    return objects;
  };
  const gatewayConf = (objects: K8sObject[]) => findResource(objects, 'ConfigMap', 'api-gateway-nginx').data['nginx.conf'] as string;

  test('a Service whose targetPort no container exposes, or whose selector matches no pod', () => {
    const objects = edited((o) => {
      findResource(o, 'Service', 'cart-service').spec.ports[0].targetPort = 'web';
      findResource(o, 'Service', 'storefront').spec.selector['app.kubernetes.io/name'] = 'shopfront';
    });
    expect(serviceProblems(objects)).toEqual([
      'Service/cart-service port 8080 targets web, which Deployment/cart-service does not expose',
      'Service/storefront selects no pods',
    ]);
  });

  test('a workload without its NetworkPolicy, and a policy restricting ingress only', () => {
    const objects = edited((o) => {
      o.splice(o.indexOf(findResource(o, 'NetworkPolicy', 'nightly-sales-report')), 1);
      findResource(o, 'NetworkPolicy', 'user-service').spec.policyTypes = ['Ingress'];
    });
    expect(networkPolicyProblems(objects)).toEqual([
      'NetworkPolicy/user-service covering Deployment/user-service has policyTypes [Ingress]',
      'CronJob/nightly-sales-report has no NetworkPolicy of its own',
    ]);
  });

  test('a route to a Service that does not exist, and a target whose policy does not admit the gateway', () => {
    const objects = edited((o) => {
      const policy = findResource(o, 'NetworkPolicy', 'cart-service');
      policy.spec.ingress = policy.spec.ingress.filter((rule: K8sObject) =>
        rule.from[0].podSelector?.matchLabels['app.kubernetes.io/name'] !== 'api-gateway');
    });
    const conf = gatewayConf(objects).replace('server user-service.ecommerce.svc', 'server users.ecommerce.svc');
    const { routes, problems } = routeProblems(objects, conf, 'ecommerce', 'api-gateway', externalNames(platform));
    expect(routes['/api/users/']).toBe('users');
    expect(problems).toEqual([
      '/api/cart/: the NetworkPolicy of Deployment/cart-service does not admit api-gateway on port 8080',
      '/api/users/ reaches users:8080, which is no Service port',
    ]);
  });

  test('a location proxying to an upstream the file does not define', () => {
    const conf = gatewayConf(pristine).replace('proxy_pass http://cart_service_ecommerce_8080/;', 'proxy_pass http://cart_ecommerce_8080/;');
    expect(() => parseNginxRoutes(conf)).toThrow('location /api/cart/ proxies to cart_ecommerce_8080, which is no upstream of the file');
  });

  test('a password as a literal env value, a key not read from a Secret, credentials in a URL, and a Secret object', () => {
    const objects = edited((o) => {
      const container = findResource(o, 'Deployment', 'cart-service').spec.template.spec.containers[0];
      container.env.push({ name: 'ADMIN_PASSWORD', value: 'hunter2' });
      container.env.push({ name: 'SIGNING_KEY', valueFrom: { configMapKeyRef: { name: 'keys', key: 'signing' } } });
      container.env.push({ name: 'CACHE_URL', value: 'redis://cart:s3cret@cart-redis:6379' });
      o.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-credentials' }, stringData: { url: 'postgres://…' } });
    });
    expect(secretProblems(objects)).toEqual([
      'Secret/db-credentials holds secret values',
      'Deployment/cart-service container app env ADMIN_PASSWORD has a literal value',
      'Deployment/cart-service container app env SIGNING_KEY is not read from a Secret',
      'Deployment/cart-service container app env CACHE_URL has credentials in a URL',
    ]);
  });

  test('an ingress rule the diagram has no edge for, or an allow that is one-sided', () => {
    const objects = edited((o) => {
      findResource(o, 'NetworkPolicy', 'payment-service').spec.ingress.push({
        from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'storefront' } } }], ports: [{ port: 8080, protocol: 'TCP' }],
      });
    });
    const fromPolicies = ingressAllows(objects, externalNames(platform));
    expect(fromPolicies).toContain('storefront -> payment-service :8080');
    expect(fromPolicies).not.toEqual(diagramTriples(platform));
    expect(egressAllowsToWorkloads(objects)).not.toContain('storefront -> payment-service :8080');
    const unknown = edited((o) => findResource(o, 'NetworkPolicy', 'user-service').spec.ingress.push({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } }], ports: [{ port: 8080 }],
    }));
    expect(() => ingressAllows(unknown, externalNames(platform))).toThrow('NetworkPolicy/user-service: peer');
  });

  test('a workload scaled past what the report counted', () => {
    const objects = edited((o) => {
      findResource(o, 'HorizontalPodAutoscaler', 'cart-service').spec.maxReplicas = 20;
    });
    // 10 more replicas and 2 more surge pods (25 % of 20 instead of 10, rounded up) of 100m each.
    const reported = quotaTableOf(capacityReport(platform)).find((row) => row.resource === 'pods')!;
    expect(maximumScaleOf(pristine).pods).toBe(Number(reported.atMaximum));
    expect(maximumScaleOf(objects).pods).toBe(Number(reported.atMaximum) + 12);
    expect(maximumScaleOf(objects)['requests.cpu']).toBe(maximumScaleOf(pristine)['requests.cpu'] + 1200);
  });
});

/** `workload -> ipBlock :port` for every egress rule of a workload's policy that reaches addresses outside the cluster. */
function ipBlockEgress(objects: readonly K8sObject[]): string[] {
  const triples = new Set<string>();
  const dns = JSON.stringify(findResource(objects, 'NetworkPolicy', 'allow-dns').spec.egress[0]);
  for (const policy of workloadPolicies(objects)) {
    const from = policy.spec.podSelector.matchLabels['app.kubernetes.io/instance'];
    for (const rule of policy.spec.egress ?? []) {
      if (JSON.stringify(rule) === dns || !(rule.to ?? []).some((peer: K8sObject) => peer.ipBlock)) continue;
      for (const port of rule.ports ?? []) triples.add(`${from} -> ipBlock :${port.port}`);
    }
  }
  return [...triples].sort();
}

function diagramTriples(platform: Platform): string[] {
  return [...new Set(topologyEdges(platform).flatMap((e) => e.ports.map((port) => triple(e.from, e.to, port))))].sort();
}

/** Namespaces outside the platform whose pods a policy admits, by the names the diagram gives them. */
function externalNames(platform: Platform): Record<string, string> {
  return { [platform.monitoringNamespace]: 'prometheus', 'envoy-gateway-system': 'edge data plane (envoy-gateway)' };
}
