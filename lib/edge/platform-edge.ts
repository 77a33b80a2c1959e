// How a Platform is reached from outside: Gateway API (the default) or a controller-neutral Ingress. A value the
// Platform prop `edge` takes; the Platform's Edge construct turns it into objects.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { checkDnsLabel } from '../private/prop-checks';
import { CustomDataPlaneOptions, GatewayDataPlane } from './data-plane';

/** An existing Gateway the platform attaches its routes to. */
export interface GatewayReference {
  /** The Gateway's name. */
  readonly name: string;
  /**
   * Its namespace. In another namespace, its listeners' `allowedRoutes` must admit the platform's namespace.
   * @default - the platform's namespace
   */
  readonly namespace?: string;
  /**
   * The HTTPS listener routes attach to (`sectionName`).
   * @default 'https'
   */
  readonly sectionName?: string;
  /**
   * The plain-HTTP listener the HTTP→HTTPS redirect attaches to; `false` when the Gateway's owner redirects.
   * @default 'http'
   */
  readonly httpSectionName?: string | false;
}

/** A Gateway the platform creates in its own namespace. */
export interface CreateGatewayOptions {
  /** The GatewayClass, e.g. `eg` (Envoy Gateway's quick start), `istio`, `nginx`, `gke-l7-global-external-managed`. */
  readonly className: string;
  /**
   * The Gateway's name.
   * @default - `<platform name>-gateway`
   */
  readonly name?: string;
  /**
   * The HTTP listener's port (the redirect and ACME HTTP-01 challenges).
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * The HTTPS listeners' port; one listener per host, with that host's certificate.
   * @default 443
   */
  readonly httpsPort?: number;
}

/** How cert-manager proves control of the hosts it issues certificates for. */
export type AcmeSolver = 'http01' | 'dns01';

/** Options of `PlatformEdge.gatewayApi`. */
export interface GatewayApiEdgeOptions {
  /**
   * Attach to this existing Gateway. Mutually exclusive with `create`.
   * @default - none: the platform creates one
   */
  readonly gateway?: GatewayReference;
  /**
   * Create a Gateway in the platform's namespace.
   * @default { className: 'eg' } when no `gateway` is given
   */
  readonly create?: CreateGatewayOptions;
  /**
   * The implementation's data plane: the only peer admitted to the routed workloads.
   * @default GatewayDataPlane.envoyGateway()
   */
  readonly dataPlane?: GatewayDataPlane;
  /**
   * How the ACME issuers behind `GatewayTls.certManager` solve challenges. `http01`: cert-manager's solver pods
   * start in the platform's namespace (label `acme.cert-manager.io/http01-solver: "true"`, port 8089) and the
   * platform admits the data plane to them; the issuer needs `solvers[].http01.gatewayHTTPRoute.parentRefs` naming
   * the Gateway's HTTP listener. `dns01`: nothing runs in the namespace; the issuer needs DNS credentials.
   * @default 'http01'
   * @see https://cert-manager.io/docs/configuration/acme/http01/#configuring-the-http-01-gateway-api-solver
   */
  readonly acmeSolver?: AcmeSolver;
}

/** The Ingress controller's pods: the only peer admitted to the routed workloads under the Ingress edge. */
export type IngressControllerPods = CustomDataPlaneOptions;

/** Options of `PlatformEdge.ingress`. */
export interface IngressEdgeOptions {
  /** The IngressClass every Ingress names. */
  readonly className: string;
  /** The controller's pods (namespace and labels). */
  readonly controller: IngressControllerPods;
  /**
   * Annotations on every Ingress: the controller's own settings, asked for by name. None by default, so the YAML
   * stays controller-neutral.
   * @default - none
   */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * How the ACME issuers behind `GatewayTls.certManager` solve challenges (see GatewayApiEdgeOptions.acmeSolver).
   * @default 'http01'
   */
  readonly acmeSolver?: AcmeSolver;
}

/** The edge as resolved: what the Edge construct builds from. */
export type EdgeSpec =
  | { readonly kind: 'gateway-api'; readonly mode: 'attach'; readonly gateway: Required<GatewayReference>; readonly dataPlane: GatewayDataPlane; readonly acmeSolver: AcmeSolver }
  | { readonly kind: 'gateway-api'; readonly mode: 'create'; readonly create: CreateGatewayOptions; readonly dataPlane: GatewayDataPlane; readonly acmeSolver: AcmeSolver }
  | { readonly kind: 'ingress'; readonly className: string; readonly annotations: Readonly<Record<string, string>>; readonly dataPlane: GatewayDataPlane; readonly acmeSolver: AcmeSolver };

/** How the Platform is reached from outside. */
export class PlatformEdge {
  /**
   * Gateway API (the default): HTTPRoutes attached to a Gateway the platform creates (`create`, the default with
   * class `eg`) or is given (`gateway`), TLS on the Gateway's listeners.
   * @see https://gateway-api.sigs.k8s.io/
   */
  public static gatewayApi(options: GatewayApiEdgeOptions = {}): PlatformEdge {
    return new PlatformEdge('gateway-api', options);
  }

  /** Ingress objects of one class, with no controller-specific annotations unless given by name. */
  public static ingress(options: IngressEdgeOptions): PlatformEdge {
    return new PlatformEdge('ingress', options);
  }

  private constructor(public readonly kind: 'gateway-api' | 'ingress', private readonly options: GatewayApiEdgeOptions | IngressEdgeOptions) {}

  /** @internal Checks the options against the platform and resolves defaults. */
  public _resolve(scope: IConstruct, platformNamespace: string, platformName: string): EdgeSpec {
    const acmeSolver = (this.options as GatewayApiEdgeOptions)?.acmeSolver ?? 'http01';
    if (acmeSolver !== 'http01' && acmeSolver !== 'dns01') {
      throw PatternError.invalidProp(scope, 'edge.acmeSolver', acmeSolver, 'must be "http01" or "dns01"');
    }
    if (this.kind === 'ingress') return this.resolveIngress(scope, acmeSolver);
    const options = (this.options ?? {}) as GatewayApiEdgeOptions;
    const dataPlane = options.dataPlane ?? GatewayDataPlane.envoyGateway();
    if (!(dataPlane instanceof GatewayDataPlane)) {
      throw PatternError.invalidProp(scope, 'edge.dataPlane', dataPlane, 'must be a GatewayDataPlane, e.g. GatewayDataPlane.envoyGateway()');
    }
    dataPlane.check(scope, 'edge.dataPlane');
    if (options.gateway && options.create) {
      throw PatternError.invalidProp(scope, 'edge.create', options.create, 'cannot be combined with edge.gateway: attach to a Gateway or create one');
    }
    if (options.gateway) {
      const ref = options.gateway;
      requireProps(scope, 'edge.gateway', ref, ['name']);
      const gateway = {
        name: ref.name, namespace: ref.namespace ?? platformNamespace,
        sectionName: ref.sectionName ?? 'https', httpSectionName: ref.httpSectionName ?? 'http',
      };
      checkDnsLabel(scope, 'edge.gateway.name', gateway.name, 253);
      checkDnsLabel(scope, 'edge.gateway.namespace', gateway.namespace);
      checkDnsLabel(scope, 'edge.gateway.sectionName', gateway.sectionName, 253);
      if (gateway.httpSectionName !== false) checkDnsLabel(scope, 'edge.gateway.httpSectionName', gateway.httpSectionName, 253);
      return { kind: 'gateway-api', mode: 'attach', gateway, dataPlane, acmeSolver };
    }
    const create = { ...(options.create ?? { className: 'eg' }) };
    requireProps(scope, 'edge.create', create, ['className']);
    checkDnsLabel(scope, 'edge.create.className', create.className, 253);
    const name = create.name ?? `${platformName}-gateway`;
    checkDnsLabel(scope, 'edge.create.name', name, 253);
    return { kind: 'gateway-api', mode: 'create', create: { ...create, name }, dataPlane, acmeSolver };
  }

  private resolveIngress(scope: IConstruct, acmeSolver: AcmeSolver): EdgeSpec {
    const options = this.options as IngressEdgeOptions;
    requireProps(scope, 'edge', options, ['className', 'controller']);
    checkDnsLabel(scope, 'edge.className', options.className, 253);
    const dataPlane = GatewayDataPlane.custom(options.controller);
    dataPlane.check(scope, 'edge.controller');
    const annotations = options.annotations ?? {};
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value !== 'string') throw PatternError.invalidProp(scope, `edge.annotations["${key}"]`, value, 'must be a string');
    }
    return { kind: 'ingress', className: options.className, annotations: { ...annotations }, dataPlane, acmeSolver };
  }
}

/** An options object with its required keys, for JavaScript callers too. */
function requireProps(scope: IConstruct, prop: string, value: unknown, required: readonly string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw PatternError.invalidProp(scope, prop, value, `must be an object with ${required.join(', ')}`);
  }
  for (const key of required) {
    if ((value as Record<string, unknown>)[key] === undefined) throw PatternError.invalidProp(scope, `${prop}.${key}`, undefined, 'is required');
  }
}
