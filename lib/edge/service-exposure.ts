// A ResilientMicroservice exposed directly on the Platform's edge (`expose`): the routes its release plans, each an
// HTTPRoute on the Gateway (or an Ingress under the Ingress edge) to the service's own Services.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { GatewayTls } from '../gateway/gateway-tls';
import { INetworkPeer } from '../network/wiring-graph';
import { checkDnsSubdomain } from '../private/prop-checks';
import { ReleaseRoute, RoutePlan } from '../release/release-plan';
import { Edge } from './edge';

/** How a service is exposed outside the cluster, whatever the Platform's edge. */
export interface ServiceExposeOptions {
  /** The public host name. */
  readonly host: string;
  /**
   * The path prefix routed to the service.
   * @default '/'
   */
  readonly path?: string;
  /**
   * The host's certificate. Plain HTTP needs the explicit `GatewayTls.insecurePlaintext()`.
   * @default - GatewayTls.fromSecret(`<name>-tls`), an existing Secret
   */
  readonly tls?: GatewayTls;
}

/** What the exposure is built from besides the options and the service. */
export interface ServiceExposureProps {
  readonly edge: Edge;
  /** The Services' port (and the pods' container port). */
  readonly port: number;
}

/** The service as its exposure sees it: a workload with labels for its routes. */
export interface ExposedService extends INetworkPeer, Construct {
  readonly labels: Readonly<Record<string, string>>;
}

/** The exposure as a release plans around it. */
export function releaseRoute(edge: Edge, workloadName: string, namespace: string): ReleaseRoute {
  return { name: workloadName, namespace, gatewayApi: edge.spec.kind === 'gateway-api' };
}

/** Checks `expose` (also for JavaScript callers, and against the `ingress` of old) and returns it with its defaults. */
export function checkExposeOptions(scope: Construct, props: { readonly expose?: ServiceExposeOptions; readonly ingress?: unknown },
  workloadName: string): Required<ServiceExposeOptions> {
  const options = props.expose!;
  if (props.ingress !== undefined) throw PatternError.invalidProp(scope, 'ingress', props.ingress, 'cannot be combined with expose: use expose alone');
  if (typeof options !== 'object' || options === null) throw PatternError.invalidProp(scope, 'expose', options, 'must be an object: { host, path?, tls? }');
  checkDnsSubdomain(scope, 'expose.host', options.host);
  const path = options.path ?? '/';
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._~\-/]*$/.test(path) || path.includes('//')) {
    throw PatternError.invalidProp(scope, 'expose.path', path, 'must be an absolute URL path such as "/" or "/api"');
  }
  const tls = options.tls ?? GatewayTls.fromSecret(`${workloadName}-tls`);
  if (!(tls instanceof GatewayTls)) throw PatternError.invalidProp(scope, 'expose.tls', tls, 'must be a GatewayTls, e.g. GatewayTls.certManager("letsencrypt-prod")');
  return { host: options.host, path, tls };
}

/** Renders the release's routes (one route `<name>` to Service `<name>` when it plans none). */
export function exposeService(service: ExposedService, options: Required<ServiceExposeOptions>, routes: readonly RoutePlan[] | undefined,
  props: ServiceExposureProps): ApiObject[] {
  const plans = routes ?? [{ id: 'Route', name: service.workloadName, backends: [{ serviceName: service.workloadName }] }];
  return plans.map((plan) => {
    const exposure = props.edge.expose(service, {
      id: plan.id, name: plan.name, hosts: [plan.host ?? options.host], path: options.path,
      backends: plan.backends.map((b) => ({ serviceName: b.serviceName, port: props.port, weight: b.weight })),
      tls: options.tls, labels: service.labels, peer: service, podPort: props.port,
      prop: plan.id === 'PreviewRoute' ? 'release.previewHost' : 'expose', tlsProp: 'expose.tls',
    });
    return (exposure.route ?? exposure.ingress)!;
  });
}
