// Gateway API references: every HTTPRoute backend is a Service of the output on one of its ports (across
// namespaces only with a ReferenceGrant), and every parent listener a route names on a Gateway of the output exists.
import { Finding, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';

/** Rule ids of the Gateway API reference checks. */
export const RouteRules = {
  BACKEND: 'ref/route-backend',
  REFERENCE_GRANT: 'ref/route-reference-grant',
  PARENT_LISTENER: 'ref/route-parent-listener',
} as const;

/** The checks of one HTTPRoute. */
export function checkHttpRoute(index: ObjectIndex, route: IndexedObject): Finding[] {
  const rules: KubeObject[] = route.json.spec?.rules ?? [];
  const findings = rules.flatMap((rule, r) => (rule.backendRefs ?? [])
    .flatMap((ref: KubeObject, b: number) => checkBackend(index, route, ref, `spec.rules[${r}].backendRefs[${b}]`)));
  (route.json.spec?.parentRefs ?? []).forEach((parent: KubeObject, p: number) => findings.push(...checkParent(index, route, parent, p)));
  return findings;
}

function scopeOf(route: IndexedObject, namespace: string): string {
  return `${route.scope.slice(0, route.scope.indexOf('//'))}//${namespace}`;
}

function checkBackend(index: ObjectIndex, route: IndexedObject, ref: KubeObject, path: string): Finding[] {
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service') return []; // an implementation's own backend kind
  const namespace = String(ref.namespace ?? route.namespace);
  const found = index.find('Service', scopeOf(route, namespace), String(ref.name));
  if (found.length === 0) {
    return [finding(RouteRules.BACKEND, 'error', route, `${path}.name`, foundText(`"${ref.name}", which is not a Service in the output`),
      `a Service in namespace "${namespace}": ${index.ofKind('Service', scopeOf(route, namespace)).slice(0, 10).map((o) => o.name).join(', ') || 'there are none'}`)];
  }
  const findings: Finding[] = [];
  const ports: KubeObject[] = found[0].json.spec?.ports ?? [];
  if (!ports.some((p) => p.port === ref.port)) {
    findings.push(finding(RouteRules.BACKEND, 'error', route, `${path}.port`, ref.port,
      `a port of Service "${ref.name}": ${ports.map((p) => (p.name ? `${p.name} (${p.port})` : String(p.port))).join(', ') || 'it has none'}`));
  }
  if (namespace !== route.namespace && !granted(index, route, namespace, String(ref.name))) {
    findings.push(finding(RouteRules.REFERENCE_GRANT, 'error', route, `${path}.namespace`, namespace,
      `a ReferenceGrant in namespace "${namespace}" from HTTPRoutes of "${route.namespace}" to Service "${ref.name}" (without it the Gateway refuses the backend)`));
  }
  return findings;
}

function granted(index: ObjectIndex, route: IndexedObject, namespace: string, service: string): boolean {
  return index.ofKind('ReferenceGrant', scopeOf(route, namespace)).some((grant) => {
    const spec = grant.json.spec ?? {};
    const from = (spec.from ?? []).some((f: KubeObject) => f.group === 'gateway.networking.k8s.io' && f.kind === 'HTTPRoute' && f.namespace === route.namespace);
    const to = (spec.to ?? []).some((t: KubeObject) => (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === service));
    return from && to;
  });
}

function checkParent(index: ObjectIndex, route: IndexedObject, parent: KubeObject, p: number): Finding[] {
  if ((parent.group ?? 'gateway.networking.k8s.io') !== 'gateway.networking.k8s.io' || (parent.kind ?? 'Gateway') !== 'Gateway') return [];
  if (parent.sectionName === undefined) return [];
  const namespace = String(parent.namespace ?? route.namespace);
  const gateway = index.find('Gateway', scopeOf(route, namespace), String(parent.name))[0];
  if (!gateway) return []; // a Gateway the platform attaches to, outside the output
  const listeners: KubeObject[] = gateway.json.spec?.listeners ?? [];
  if (listeners.some((l) => l.name === parent.sectionName)) return [];
  return [finding(RouteRules.PARENT_LISTENER, 'error', route, `spec.parentRefs[${p}].sectionName`, parent.sectionName,
    `a listener of Gateway "${parent.name}": ${listeners.map((l) => l.name).join(', ') || 'it has none'}`)];
}
