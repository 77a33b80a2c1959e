// Who the edge's traffic comes from: the pods (or addresses) of the Gateway implementation's data plane, as
// NetworkPolicy peers. Workloads behind the edge admit exactly these and nothing else.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkDnsLabel } from '../private/prop-checks';

/** The Gateway whose data plane is meant: its name and namespace. */
export interface DataPlaneGateway {
  readonly name: string;
  readonly namespace: string;
}

/** Options of `GatewayDataPlane.envoyGateway`. */
export interface EnvoyGatewayDataPlaneOptions {
  /**
   * Where Envoy Gateway runs its proxies: its controller namespace (the default deployment mode), or the Gateway's
   * own namespace in "Gateway Namespace Mode".
   * @default 'envoy-gateway-system'
   * @see https://gateway.envoyproxy.io/latest/tasks/operations/gateway-namespace-mode
   */
  readonly namespace?: string | 'gateway-namespace';
}

/** Options of `GatewayDataPlane.custom`. */
export interface CustomDataPlaneOptions {
  /** The namespace of the data plane's pods. */
  readonly namespace: string;
  /**
   * Labels of the data plane's pods, to admit only them from that namespace.
   * @default - every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

type Source =
  | { readonly kind: 'envoy-gateway'; readonly namespace: string | 'gateway-namespace' }
  | { readonly kind: 'gateway-name-label'; readonly implementation: string }
  | { readonly kind: 'cidrs'; readonly implementation: string; readonly cidrs: readonly string[] }
  | { readonly kind: 'custom'; readonly namespace: string; readonly podLabels?: Readonly<Record<string, string>> };

/** Google's front ends and health checkers, where a GKE Gateway's (external, global) load balancer connects from. */
const GOOGLE_FRONT_END_RANGES = ['130.211.0.0/22', '35.191.0.0/16'];

/**
 * The Gateway implementation's data plane: the only peer the edge admits into the platform. The defaults select
 * exactly the proxies of the one Gateway the platform uses.
 */
export class GatewayDataPlane {
  /**
   * Envoy Gateway (the default): proxies labelled `app.kubernetes.io/managed-by: envoy-gateway` and
   * `gateway.envoyproxy.io/owning-gateway-name`/`-namespace` of the Gateway, in `envoy-gateway-system`.
   */
  public static envoyGateway(options: EnvoyGatewayDataPlaneOptions = {}): GatewayDataPlane {
    return new GatewayDataPlane('envoy-gateway', { kind: 'envoy-gateway', namespace: options.namespace ?? 'envoy-gateway-system' });
  }

  /**
   * Istio's automated Gateway deployment: pods labelled `gateway.networking.k8s.io/gateway-name` in the
   * Gateway's namespace.
   */
  public static istio(): GatewayDataPlane {
    return new GatewayDataPlane('istio', { kind: 'gateway-name-label', implementation: 'istio' });
  }

  /**
   * NGINX Gateway Fabric 2.x: the nginx data plane it provisions per Gateway, labelled
   * `gateway.networking.k8s.io/gateway-name`, in the Gateway's namespace.
   */
  public static nginxGatewayFabric(): GatewayDataPlane {
    return new GatewayDataPlane('nginx-gateway-fabric', { kind: 'gateway-name-label', implementation: 'nginx-gateway-fabric' });
  }

  /**
   * GKE's Gateway controller: Google-managed load balancers outside the cluster, which connect from Google's
   * front-end ranges (global external Application Load Balancers). A regional or internal load balancer connects
   * from the VPC's proxy-only subnet: pass its CIDR.
   * @default - 130.211.0.0/22 and 35.191.0.0/16
   */
  public static gke(cidrs: readonly string[] = GOOGLE_FRONT_END_RANGES): GatewayDataPlane {
    return new GatewayDataPlane('gke', { kind: 'cidrs', implementation: 'gke', cidrs: [...cidrs] });
  }

  /**
   * Any other implementation: its pods' namespace and labels. (Cilium's Envoy runs per node as the `ingress`
   * identity, which Kubernetes NetworkPolicies cannot select: admit it with a CiliumNetworkPolicy
   * `fromEntities: [ingress]` of your own.)
   */
  public static custom(options: CustomDataPlaneOptions): GatewayDataPlane {
    return new GatewayDataPlane('custom', { kind: 'custom', namespace: options?.namespace, podLabels: options?.podLabels });
  }

  private constructor(
    /** The implementation's name, for reports. */
    public readonly implementation: string,
    private readonly source: Source,
  ) {}

  /** Checks the options; `prop` prefixes errors. */
  public check(scope: IConstruct, prop: string): void {
    const source = this.source;
    if (source.kind === 'envoy-gateway' && source.namespace !== 'gateway-namespace') checkDnsLabel(scope, `${prop}.namespace`, source.namespace);
    if (source.kind === 'custom') {
      checkDnsLabel(scope, `${prop}.namespace`, source.namespace);
      if (source.podLabels !== undefined && (typeof source.podLabels !== 'object' || Object.keys(source.podLabels).length === 0)) {
        throw PatternError.invalidProp(scope, `${prop}.podLabels`, source.podLabels, 'must hold at least one label (omit it to admit the whole namespace)');
      }
    }
    if (source.kind === 'cidrs') {
      source.cidrs.forEach((cidr, i) => {
        if (typeof cidr !== 'string' || !/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(cidr)) {
          throw PatternError.invalidProp(scope, `${prop}.cidrs[${i}]`, cidr, 'must be a CIDR such as "35.191.0.0/16"');
        }
      });
    }
  }

  /** Where the data plane's pods run, for reports. */
  public describe(gateway: DataPlaneGateway): string {
    const source = this.source;
    switch (source.kind) {
      case 'envoy-gateway': return `Envoy Gateway proxies of ${gateway.namespace}/${gateway.name} in ${this.namespaceOf(gateway)}`;
      case 'gateway-name-label': return `${source.implementation} pods of Gateway ${gateway.name} in ${gateway.namespace}`;
      case 'cidrs': return `${source.implementation} load balancers from ${source.cidrs.join(', ')}`;
      case 'custom': return `pods of ${source.namespace}${source.podLabels ? ` labelled ${Object.entries(source.podLabels).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`;
    }
  }

  /** The NetworkPolicy peers of the data plane serving `gateway`. */
  public peers(gateway: DataPlaneGateway): k8s.NetworkPolicyPeer[] {
    const source = this.source;
    switch (source.kind) {
      case 'envoy-gateway':
        return [inNamespace(this.namespaceOf(gateway), {
          'app.kubernetes.io/managed-by': 'envoy-gateway',
          'gateway.envoyproxy.io/owning-gateway-name': gateway.name,
          'gateway.envoyproxy.io/owning-gateway-namespace': gateway.namespace,
        })];
      case 'gateway-name-label':
        return [inNamespace(gateway.namespace, { 'gateway.networking.k8s.io/gateway-name': gateway.name })];
      case 'cidrs':
        return source.cidrs.map((cidr) => ({ ipBlock: { cidr } }));
      case 'custom':
        return [inNamespace(source.namespace, source.podLabels)];
    }
  }

  private namespaceOf(gateway: DataPlaneGateway): string {
    const source = this.source as { namespace: string };
    return source.namespace === 'gateway-namespace' ? gateway.namespace : source.namespace;
  }
}

/** A peer of some pods of a namespace (all of them without labels). */
export function inNamespace(namespace: string, podLabels?: Readonly<Record<string, string>>): k8s.NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
  return podLabels ? { namespaceSelector, podSelector: { matchLabels: { ...podLabels } } } : { namespaceSelector };
}
