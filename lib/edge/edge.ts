// Edge: the Platform's way in. Every exposure (the ApiGateway's hosts, a service's `expose`, a release's preview)
// goes through it and becomes an HTTPRoute on the platform's Gateway, or an Ingress under the Ingress edge, with
// the TLS objects it needs and the data plane admitted to exactly the exposed pods and ports.
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { GatewayTls, RenderedGatewayTls } from '../gateway/gateway-tls';
import { INetworkPeer, WiringGraph } from '../network/wiring-graph';
import * as k8s from '../private/k8s';
import { compareCodePoints } from '../private/ordering';
import { declareOwnAnnotations } from '../validation/ingress-annotations';
import { DataPlaneGateway } from './data-plane';
import {
  createCertificate, createSecretGrant, createSolverPolicy, HTTP01_SOLVER, IssuerRef, issuerOf,
} from './edge-certificates';
import { createEdgeIngress } from './edge-ingress';
import { HTTP_LISTENER, PlatformGateway } from './gateway';
import { createHttpRoute, createHttpsRedirect, RouteBackend, RouteParent } from './http-route';
import { EdgeSpec } from './platform-edge';

/** What a construct asks of the edge: hosts and a path sent to Services of its own. */
export interface EdgeExposureRequest {
  /** The construct id of the route or Ingress, within the asking construct. */
  readonly id: string;
  /** The route's (or Ingress's) name; also the default certificate Secret's stem. */
  readonly name: string;
  readonly hosts: readonly string[];
  readonly path: string;
  /** The Services and ports requests go to; more than one only under Gateway API (weights). */
  readonly backends: readonly RouteBackend[];
  readonly tls: GatewayTls;
  readonly labels: Readonly<Record<string, string>>;
  /** The workload whose pods serve the backends; the data plane is admitted to them on `podPort`. */
  readonly peer: INetworkPeer;
  readonly podPort: number;
  /** The prop errors about hosts and backends name (e.g. `expose`, `hosts`). */
  readonly prop: string;
  /** The prop errors about the certificate name (e.g. `tls`, `expose.tls`). */
  readonly tlsProp: string;
  /**
   * The exposer's own Ingress annotations (Ingress edge only).
   * @default - none
   */
  readonly ingressAnnotations?: Readonly<Record<string, string>>;
}

/** What an exposure became. */
export interface EdgeExposure {
  /** The HTTPRoute, under Gateway API. */
  readonly route?: ApiObject;
  /** The Ingress, under the Ingress edge. */
  readonly ingress?: k8s.KubeIngress;
}

/** How one set of hosts gets its certificate, for the platform's report. */
export interface CertificatePath {
  readonly hosts: readonly string[];
  readonly description: string;
}

/** Props of an Edge. */
export interface EdgeProps {
  readonly spec: EdgeSpec;
  readonly namespace: string;
  readonly platformName: string;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * The platform's edge. It creates the shared objects on first use: the Gateway (when the platform creates one),
 * the HTTP→HTTPS redirect, Certificates and a ReferenceGrant for a Gateway in another namespace, and the
 * NetworkPolicy admitting the data plane to cert-manager's HTTP-01 solvers.
 */
export class Edge extends Construct {
  public readonly spec: EdgeSpec;
  /** The Gateway the platform created, once a route needed it. */
  public gateway?: PlatformGateway;
  private readonly props: EdgeProps;
  private readonly redirectHosts = new Set<string>();
  private readonly grantedSecrets = new Set<string>();
  private readonly certificates = new Map<string, { readonly hosts: Set<string>; readonly issuer: IssuerRef }>();
  private readonly admitted = new Set<string>();
  private readonly paths: CertificatePath[] = [];
  private redirect?: ApiObject;
  private grant?: ApiObject;
  private solverPolicy?: k8s.KubeNetworkPolicy;

  constructor(scope: Construct, id: string, props: EdgeProps) {
    super(scope, id);
    this.props = props;
    this.spec = props.spec;
  }

  /** The Gateway routes attach to (name, namespace); undefined under the Ingress edge. */
  public get gatewayRef(): DataPlaneGateway | undefined {
    const spec = this.spec;
    if (spec.kind === 'ingress') return undefined;
    return spec.mode === 'attach'
      ? { name: spec.gateway.name, namespace: spec.gateway.namespace }
      : { name: spec.create.name!, namespace: this.props.namespace };
  }

  /** The data plane's NetworkPolicy peers. */
  public dataPlanePeers(): k8s.NetworkPolicyPeer[] {
    return this.spec.dataPlane.peers(this.gatewayRef ?? { name: '', namespace: this.props.namespace });
  }

  /** How each exposure's hosts get their certificates, in the order exposed. */
  public get certificatePaths(): readonly CertificatePath[] {
    return this.paths;
  }

  /** Routes `request` through the edge and admits the data plane to its pods. */
  public expose(scope: Construct, request: EdgeExposureRequest): EdgeExposure {
    if (request.backends.length === 0) throw PatternError.invalidProp(scope, request.prop, [], 'needs at least one backend Service');
    const tls = request.tls.render(scope, request.tlsProp, request.name, request.hosts);
    this.admit(request.peer, request.podPort);
    const issuer = issuerOf(tls.annotations);
    if (issuer && this.spec.acmeSolver === 'http01') this.ensureSolverPolicy();
    if (this.spec.kind === 'ingress') return { ingress: this.exposeIngress(scope, request, tls, issuer) };
    const parents = this.parentsFor(scope, request, tls, issuer);
    return {
      route: createHttpRoute(scope, request.id, {
        name: request.name, labels: request.labels, parents, hosts: request.hosts, path: request.path, backends: request.backends,
      }),
    };
  }

  private exposeIngress(scope: Construct, request: EdgeExposureRequest, tls: RenderedGatewayTls, issuer: IssuerRef | undefined): k8s.KubeIngress {
    const spec = this.spec as Extract<EdgeSpec, { kind: 'ingress' }>;
    if (request.backends.length > 1) {
      throw PatternError.invalidProp(scope, request.prop, request.backends.map((b) => b.serviceName),
        'splits requests by weight, which an Ingress cannot: use the Gateway API edge (PlatformEdge.gatewayApi())');
    }
    const secret = tls.tls[0]?.secretName;
    this.record(request.hosts, secret === undefined ? 'none: plain HTTP'
      : issuer ? `Secret \`${secret}\` issued by ${issuer.kind} \`${issuer.name}\` through cert-manager's Ingress annotation (class \`${spec.className}\`)${this.solverText()}`
        : `existing Secret \`${secret}\`, not managed by the kit`);
    const ingress = createEdgeIngress(scope, request.id, {
      name: request.name, className: spec.className, labels: request.labels, hosts: request.hosts, path: request.path,
      backend: request.backends[0], tls, annotations: { ...spec.annotations, ...tls.annotations, ...(request.ingressAnnotations ?? {}) },
    });
    // The issuer is the exposer's own choice; anything else is checked by policy/ingress-annotations.
    declareOwnAnnotations(ingress, tls.annotations);
    return ingress;
  }

  private parentsFor(scope: IConstruct, request: EdgeExposureRequest, tls: RenderedGatewayTls, issuer: IssuerRef | undefined): RouteParent[] {
    const spec = this.spec as Extract<EdgeSpec, { kind: 'gateway-api' }>;
    const ref = this.gatewayRef!;
    const namespace = ref.namespace === this.props.namespace ? undefined : ref.namespace;
    const secret = tls.tls[0]?.secretName;
    if (secret === undefined) {
      const section = spec.mode === 'attach' ? spec.gateway.httpSectionName : HTTP_LISTENER;
      if (section === false) {
        throw PatternError.invalidProp(scope, request.tlsProp, 'GatewayTls.insecurePlaintext()',
          'needs an HTTP listener, and edge.gateway.httpSectionName is false: give the listener\'s name or use TLS');
      }
      this.record(request.hosts, `none: plain HTTP on listener \`${section}\``);
      return [{ name: ref.name, namespace, sectionName: section }];
    }
    this.ensureRedirect(request.hosts);
    if (spec.mode === 'create') {
      const gateway = this.ensureGateway();
      if (issuer) gateway.useIssuer(scope, request.tlsProp, tls.annotations);
      const sections = [...new Set(request.hosts.map((host) => gateway.listenerFor(scope, { host: request.prop, secretName: `${request.tlsProp}.secretName` }, host, secret)))];
      this.record(request.hosts, issuer
        ? `Secret \`${secret}\` on Gateway \`${ref.name}\`'s listener(s) ${sections.map((s) => `\`${s}\``).join(', ')}, issued by ${issuer.kind} \`${issuer.name}\` through cert-manager's Gateway annotation${this.solverText()}`
        : `existing Secret \`${secret}\` on Gateway \`${ref.name}\`'s listener(s) ${sections.map((s) => `\`${s}\``).join(', ')}, not managed by the kit`);
      return sections.map((sectionName) => ({ name: ref.name, sectionName }));
    }
    if (issuer) this.ensureCertificate(scope, request, secret, issuer);
    if (namespace) this.ensureGrant(ref.namespace).add(secret);
    const grant = namespace ? `; ReferenceGrant \`${this.grantName()}\` lets Gateways of \`${namespace}\` read it` : '';
    this.record(request.hosts, `${issuer ? `Secret \`${secret}\` from Certificate \`${secret}\` (${issuer.kind} \`${issuer.name}\`)` : `existing Secret \`${secret}\`, not managed by the kit`}; Gateway \`${ref.namespace}/${ref.name}\` must name it in listener \`${spec.gateway.sectionName}\`'s certificateRefs${grant}${issuer ? this.solverText() : ''}`);
    return [{ name: ref.name, namespace, sectionName: spec.gateway.sectionName }];
  }

  private solverText(): string {
    if (this.spec.acmeSolver === 'dns01') return '; ACME DNS-01: nothing runs in the namespace, the issuer holds the DNS credentials';
    const ref = this.gatewayRef;
    const via = ref
      ? `the issuer's solver needs \`http01.gatewayHTTPRoute.parentRefs\` [\`${ref.namespace}/${ref.name}\` listener \`${this.httpSection()}\`]`
      : 'the issuer\'s solver needs `http01.ingress.ingressClassName` of the edge\'s class';
    return `; ACME HTTP-01: ${via}; solver pods admitted from the data plane on :${HTTP01_SOLVER.port} only (NetworkPolicy \`allow-acme-http01-solver\`)`;
  }

  private httpSection(): string {
    const spec = this.spec;
    return spec.kind === 'gateway-api' && spec.mode === 'attach' && spec.gateway.httpSectionName !== false ? spec.gateway.httpSectionName : HTTP_LISTENER;
  }

  private record(hosts: readonly string[], description: string): void {
    this.paths.push({ hosts: [...hosts], description });
  }

  /** The data plane may reach `peer` on `port`; once per pair, so a canary's second route adds no rule. */
  private admit(peer: INetworkPeer, port: number): void {
    const key = `${peer.namespace}/${peer.workloadName}:${port}`;
    if (this.admitted.has(key)) return;
    this.admitted.add(key);
    WiringGraph.of(this).addExternal({
      peer, direction: 'ingress', ports: [{ port }], description: `edge data plane (${this.spec.dataPlane.implementation})`, others: this.dataPlanePeers(),
    });
  }

  private ensureGateway(): PlatformGateway {
    const spec = this.spec as Extract<EdgeSpec, { mode: 'create' }>;
    this.gateway ??= new PlatformGateway(this, 'Gateway', {
      name: spec.create.name!, className: spec.create.className, labels: this.props.labels,
      httpPort: spec.create.httpPort, httpsPort: spec.create.httpsPort,
    });
    return this.gateway;
  }

  private ensureRedirect(hosts: readonly string[]): void {
    const spec = this.spec as Extract<EdgeSpec, { kind: 'gateway-api' }>;
    if (spec.mode === 'attach' && spec.gateway.httpSectionName === false) return;
    hosts.forEach((host) => this.redirectHosts.add(host));
    const ref = this.gatewayRef!;
    this.redirect ??= createHttpsRedirect(this, 'HttpsRedirect', {
      name: `${this.props.platformName}-https-redirect`, labels: this.props.labels,
      parent: { name: ref.name, namespace: ref.namespace === this.props.namespace ? undefined : ref.namespace, sectionName: this.httpSection() },
      hosts: () => [...this.redirectHosts].sort(compareCodePoints),
    });
  }

  private ensureCertificate(scope: IConstruct, request: EdgeExposureRequest, secret: string, issuer: IssuerRef): void {
    const existing = this.certificates.get(secret);
    if (existing && (existing.issuer.name !== issuer.name || existing.issuer.kind !== issuer.kind)) {
      throw PatternError.invalidProp(scope, request.tlsProp, `${issuer.kind} ${issuer.name}`,
        `must be the issuer of Secret "${secret}"'s Certificate (${existing.issuer.kind} ${existing.issuer.name}), or give another secretName`);
    }
    if (existing) {
      request.hosts.forEach((host) => existing.hosts.add(host));
      return;
    }
    const entry = { hosts: new Set(request.hosts), issuer };
    this.certificates.set(secret, entry);
    createCertificate(this, `Certificate-${secret}`, {
      secretName: secret, issuer, labels: this.props.labels, hosts: () => [...entry.hosts].sort(compareCodePoints),
    });
  }

  private ensureGrant(fromNamespace: string): Set<string> {
    this.grant ??= createSecretGrant(this, 'ReferenceGrant', {
      name: this.grantName(), fromNamespace, labels: this.props.labels, secrets: () => [...this.grantedSecrets],
    });
    return this.grantedSecrets;
  }

  private grantName(): string {
    return `${this.props.platformName}-gateway-certificates`;
  }

  private ensureSolverPolicy(): void {
    this.solverPolicy ??= createSolverPolicy(this, 'AcmeSolverPolicy', { labels: this.props.labels, dataPlane: this.dataPlanePeers() });
  }
}
