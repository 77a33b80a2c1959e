// The network flows a generated spec declares, modelled from the spec alone (not from the kit's wiring graph).
import { PlatformSpec } from './generators';
import { FlowSets, flowKey, podsKey } from '../support/platform-checks';

const ENGINE_PORT = { postgres: 5432, redis: 6379 } as const;
const EXPORTER_PORT = { postgres: 9187, redis: 9121 } as const;
const GATEWAY_EXPORTER_PORT = 9113;
const PROFILES = {
  development: { databaseReplicas: 1, metrics: false, backups: false },
  staging: { databaseReplicas: 1, metrics: true, backups: false },
  production: { databaseReplicas: 2, metrics: true, backups: true },
} as const;
const MONITORING = podsKey('monitoring', { 'app.kubernetes.io/name': 'prometheus' });
/** The `ingress` prop of old still admits the ingress-nginx namespace. */
const INGRESS_CONTROLLER = 'ns:ingress-nginx';

/**
 * Every flow the spec asks for, as the kit documents them: connectTo (client → server on its port), gateway routes
 * (gateway → service, or to any address on an external host's port), database replication (pod to pod on the
 * engine port) and backups (CronJob → database), the Prometheus pods of the monitoring namespace onto metrics ports
 * (the gateways' exporters included), the Gateway's Envoy proxies onto gateways, the ingress controller onto
 * Ingress-exposed ports, and DNS for every workload.
 */
export function declaredFlows(spec: PlatformSpec): FlowSets {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  const internal = (from: string, to: string, port: number) => {
    ingress.add(flowKey(from, to, port));
    egress.add(flowKey(from, to, port));
  };
  const workload = (name: string) => {
    egress.add(flowKey(name, 'dns', 53, 'UDP'));
    egress.add(flowKey(name, 'dns', 53, 'TCP'));
  };
  const profile = spec.environment.kind === 'custom' ? spec.environment : PROFILES[spec.environment.kind];

  for (const s of spec.services) {
    workload(s.name);
    if (s.metricsPort !== undefined) ingress.add(flowKey(MONITORING, s.name, s.metricsPort));
    if (s.ingressHost !== undefined) ingress.add(flowKey(INGRESS_CONTROLLER, s.name, s.port));
  }
  for (const d of spec.databases) {
    workload(d.name);
    const port = ENGINE_PORT[d.engine];
    if ((d.replicas ?? profile.databaseReplicas) > 1) internal(d.name, d.name, port);
    if (d.metrics ?? profile.metrics) ingress.add(flowKey(MONITORING, d.name, EXPORTER_PORT[d.engine]));
    if (d.backup ?? profile.backups) {
      workload(`${d.name}-backup`);
      internal(`${d.name}-backup`, d.name, port);
    }
  }
  // cert-manager's HTTP-01 solver pods, admitted from the edge's proxies as soon as a certificate is cert-manager's.
  if (spec.gateways.some((g) => g.tls === 'cert-manager')) ingress.add(flowKey(edgeProxies(spec), '?allow-acme-http01-solver', 8089));
  for (const g of spec.gateways) {
    workload(g.name);
    ingress.add(flowKey(edgeProxies(spec), g.name, 8080));
    if (profile.metrics) ingress.add(flowKey(MONITORING, g.name, GATEWAY_EXPORTER_PORT));
    for (const r of g.routes) {
      if (r.to.kind === 'service') internal(g.name, spec.services[r.to.index].name, spec.services[r.to.index].port);
      else egress.add(flowKey(g.name, 'cidr:0.0.0.0/0 except 10.0.0.0/8,100.64.0.0/10,169.254.0.0/16,172.16.0.0/12,192.168.0.0/16', r.to.port));
    }
  }
  for (const c of spec.connections) {
    const from = spec.services[c.from].name;
    if (c.to.kind === 'service') internal(from, spec.services[c.to.index].name, spec.services[c.to.index].port);
    else internal(from, spec.databases[c.to.index].name, ENGINE_PORT[spec.databases[c.to.index].engine]);
  }
  return { ingress, egress };
}

/** The Envoy Gateway proxies of the platform's own Gateway (the default edge). */
function edgeProxies(spec: PlatformSpec): string {
  return podsKey('envoy-gateway-system', {
    'app.kubernetes.io/managed-by': 'envoy-gateway',
    'gateway.envoyproxy.io/owning-gateway-name': `${spec.namespace}-gateway`,
    'gateway.envoyproxy.io/owning-gateway-namespace': spec.namespace,
  });
}
