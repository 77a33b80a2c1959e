// The Gateway API CRDs' own validation rules (CEL `x-kubernetes-validations`, which the schema models do not
// evaluate) that a Gateway or HTTPRoute could break: listeners, Service backends without a port, filters.
import { Finding, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';

/** Rule ids of the Gateway API's own rules. */
export const GatewayApiRules = {
  /** Listener names repeated, one hostname/port/protocol twice, TLS on an HTTP listener or none on HTTPS. */
  LISTENER: 'api/gateway-listener',
  /** A backendRef to a Service without a port. */
  BACKEND_PORT: 'api/route-backend-port',
  /** A rule with a RequestRedirect and backendRefs, or with both RequestRedirect and URLRewrite. */
  FILTERS: 'api/route-filters',
} as const;

/** Runs the rules over the Gateway API objects of the indexed set. */
export function checkGatewayApiRules(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const object of index.all) {
    if (object.kind !== 'Gateway' && object.kind !== 'HTTPRoute') continue;
    if (!String(object.json.apiVersion ?? '').startsWith('gateway.networking.k8s.io/')) continue;
    if (object.kind === 'Gateway') findings.push(...checkListeners(object));
    if (object.kind === 'HTTPRoute') findings.push(...checkRouteRules(object));
  }
  return findings;
}

function checkListeners(gateway: IndexedObject): Finding[] {
  const listeners: KubeObject[] = gateway.json.spec?.listeners ?? [];
  const findings: Finding[] = [];
  const names = new Set<string>();
  const bindings = new Set<string>();
  listeners.forEach((listener, i) => {
    const path = `spec.listeners[${i}]`;
    if (names.has(listener.name)) {
      findings.push(finding(GatewayApiRules.LISTENER, 'error', gateway, `${path}.name`, listener.name, 'a listener name no other listener of the Gateway has'));
    }
    names.add(listener.name);
    const binding = `${listener.port}/${listener.protocol}/${listener.hostname ?? ''}`;
    if (bindings.has(binding)) {
      findings.push(finding(GatewayApiRules.LISTENER, 'error', gateway, `${path}.hostname`, foundText(`${listener.hostname ?? 'no hostname'} on ${listener.port}/${listener.protocol} again`),
        'one listener per port, protocol and hostname'));
    }
    bindings.add(binding);
    const plain = ['HTTP', 'TCP', 'UDP'].includes(listener.protocol);
    if (plain && listener.tls !== undefined) {
      findings.push(finding(GatewayApiRules.LISTENER, 'error', gateway, `${path}.tls`, listener.tls, `no tls on a ${listener.protocol} listener`));
    }
    const terminates = listener.protocol === 'HTTPS' || (listener.protocol === 'TLS' && (listener.tls?.mode ?? 'Terminate') === 'Terminate');
    if (terminates && !(listener.tls?.certificateRefs?.length > 0 || listener.tls?.options)) {
      findings.push(finding(GatewayApiRules.LISTENER, 'error', gateway, `${path}.tls.certificateRefs`, listener.tls?.certificateRefs,
        `a certificate for the ${listener.protocol} listener to terminate TLS with (certificateRefs)`));
    }
  });
  return findings;
}

function checkRouteRules(route: IndexedObject): Finding[] {
  const rules: KubeObject[] = route.json.spec?.rules ?? [];
  const findings: Finding[] = [];
  rules.forEach((rule, r) => {
    (rule.backendRefs ?? []).forEach((ref: KubeObject, b: number) => {
      if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined) {
        findings.push(finding(GatewayApiRules.BACKEND_PORT, 'error', route, `spec.rules[${r}].backendRefs[${b}].port`, undefined, 'the Service port: a Service backend must have one'));
      }
    });
    const types = new Set((rule.filters ?? []).map((f: KubeObject) => f.type));
    if (types.has('RequestRedirect') && (rule.backendRefs ?? []).length > 0) {
      findings.push(finding(GatewayApiRules.FILTERS, 'error', route, `spec.rules[${r}].backendRefs`, foundText(`${rule.backendRefs.length} backend(s) beside a RequestRedirect`),
        'no backendRefs in a rule that redirects'));
    }
    if (types.has('RequestRedirect') && types.has('URLRewrite')) {
      findings.push(finding(GatewayApiRules.FILTERS, 'error', route, `spec.rules[${r}].filters`, foundText('RequestRedirect and URLRewrite'), 'one of RequestRedirect and URLRewrite per rule'));
    }
  });
  return findings;
}
