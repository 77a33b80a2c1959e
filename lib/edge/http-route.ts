// HTTPRoute objects (gateway.networking.k8s.io/v1): a route of hosts and a path prefix to weighted Service
// backends, and the HTTP→HTTPS redirect.
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GATEWAY_API_VERSION } from './gateway';

/** A listener of a Gateway that a route attaches to. */
export interface RouteParent {
  readonly name: string;
  /** @default - the route's namespace */
  readonly namespace?: string;
  readonly sectionName: string;
}

/** A Service a route sends requests to. */
export interface RouteBackend {
  readonly serviceName: string;
  /** The Service port. */
  readonly port: number;
  /**
   * The share of requests, relative to the other backends' weights.
   * @default - equal shares (Gateway API's default weight 1)
   */
  readonly weight?: number;
}

/** Props of an HTTPRoute object. */
export interface HttpRouteProps {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly parents: readonly RouteParent[];
  readonly hosts: readonly string[];
  readonly path: string;
  readonly backends: readonly RouteBackend[];
}

/**
 * An HTTPRoute sending `hosts` under `path` to `backends`.
 * @see https://gateway-api.sigs.k8s.io/api-types/httproute/
 */
export function createHttpRoute(scope: Construct, id: string, props: HttpRouteProps): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'HTTPRoute',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      parentRefs: props.parents.map(parentRef),
      hostnames: [...props.hosts],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: props.path } }],
        backendRefs: props.backends.map((b) => ({
          group: '', kind: 'Service', name: b.serviceName, port: b.port, ...(b.weight === undefined ? {} : { weight: b.weight }),
        })),
      }],
    },
  });
}

/**
 * The redirect of plain HTTP to HTTPS (301) for the hosts `hosts()` gives at synth, on the HTTP listener.
 * ACME HTTP-01 challenge routes (exact paths) win over it, so certificates still issue.
 */
export function createHttpsRedirect(scope: Construct, id: string, props: {
  readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly parent: RouteParent; readonly hosts: () => string[];
}): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: GATEWAY_API_VERSION,
    kind: 'HTTPRoute',
    metadata: { name: props.name, labels: { ...props.labels } },
    spec: {
      parentRefs: [parentRef(props.parent)],
      hostnames: Lazy.any({ produce: () => props.hosts() }),
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    },
  });
}

function parentRef(parent: RouteParent): Record<string, string> {
  return {
    group: 'gateway.networking.k8s.io', kind: 'Gateway', name: parent.name,
    ...(parent.namespace ? { namespace: parent.namespace } : {}), sectionName: parent.sectionName,
  };
}
