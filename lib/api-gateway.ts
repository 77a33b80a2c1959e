// ApiGateway: an nginx Deployment whose routing is generated from typed routes, behind the Platform's edge with TLS.
import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { DeploymentStrategy } from './deployment-strategy';
import { PatternError } from './errors';
import {
  checkHosts, checkRoutePath, ExternalTarget, GatewayRoute, IngressControllerPeer, rateLimitOf,
} from './gateway/gateway-route';
import { GatewayMetrics } from './observability/gateway-metrics';
import { GatewayTls } from './gateway/gateway-tls';
import { NginxLocation, NginxUpstream, renderNginxConfig } from './gateway/nginx-config';
import { NginxGatewayOptions, resolveNginxGatewayOptions, ResolvedNginxGatewayOptions } from './gateway/nginx-gateway-options';
import { IConnectable, WiringGraph } from './network/wiring-graph';
import { Platform } from './platform';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod/config-hash';
import { renderContainer, RenderedContainer } from './pod/container';
import { Probe } from './pod/probes';
import { PodOptions } from './pod/pod-options';
import { ContainerResources, parseBytes } from './pod/resources';
import { workloadPodTemplate } from './pod/workload-pod';
import * as k8s from './private/k8s';
import { checkDnsSubdomain, checkInteger, checkPort, checkProps, checkWholeSeconds } from './private/prop-checks';
import { createReleaseObjects } from './release/release-objects';
import { singleDeploymentPlan } from './release/release-plan';
import { AutoscalingOptions, resolveReplicaBounds } from './scaling/horizontal-autoscaler';
import { markInsecureOptIn } from './insecure-opt-in';
import { Workload } from './workload';

export { ExternalTarget } from './gateway/gateway-route';
export type { ExternalTargetOptions, GatewayRoute, IngressControllerPeer, RouteRateLimit } from './gateway/gateway-route';

/** Props of an ApiGateway. */
export interface ApiGatewayProps extends NginxGatewayOptions, PodOptions {
  /** The host names the gateway serves (e.g. `blog.example.com`, `*.example.com`); at least one. */
  readonly hosts: readonly string[];
  /**
   * The routes; more can be added with `addRoute`.
   * @default - none: every path answers 404
   */
  readonly routes?: readonly GatewayRoute[];
  /**
   * The hosts' certificate, on the Gateway's listeners (or the Ingress). Plain HTTP needs the explicit
   * `GatewayTls.insecurePlaintext()`.
   * @default - GatewayTls.fromSecret(`<name>-tls`), an existing Secret
   */
  readonly tls?: GatewayTls;
  /**
   * The name of every object of the gateway.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * A non-root nginx image: it must run as an arbitrary uid and have `sh` and `sleep` for the preStop hook.
   * @default 'nginxinc/nginx-unprivileged:1.27.3'
   */
  readonly image?: string;
  /**
   * The port nginx serves routes on (named `http`); the Service exposes the same number.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The port of the probe endpoints (named `health`), not exposed by the Service.
   * @default 8081
   */
  readonly healthPort?: number;
  /** @deprecated The Platform's edge names the class: `edge: PlatformEdge.ingress({ className, controller })`. */
  readonly ingressClassName?: string;
  /**
   * Annotations of the gateway's Ingress, under the Ingress edge (controller settings, asked for by name).
   * @default - none besides the TLS issuer
   */
  readonly ingressAnnotations?: Readonly<Record<string, string>>;
  /** @deprecated The Platform's edge names the controller (Ingress) or data plane (Gateway API). */
  readonly ingressController?: IngressControllerPeer;
  /**
   * The request body limit (`client_max_body_size`).
   * @default Size.mebibytes(1)
   */
  readonly maxBodySize?: Size;
  /**
   * gzip compression of text and JSON responses.
   * @default true
   */
  readonly gzip?: boolean;
  /**
   * Connections per nginx worker.
   * @default 1024
   */
  readonly workerConnections?: number;
  /** @default - 100m CPU, 128Mi memory requested; twice that as limits */
  readonly resources?: ContainerResources;
  /** @default - the environment's bounds at 70 % CPU and 80 % memory */
  readonly autoscaling?: AutoscalingOptions | false;
  /** @default - the environment's minReplicas, only when autoscaling is `false` */
  readonly replicas?: number;
  /** @default - the compatibility profile's (10001) */
  readonly runAsUser?: number;
  /** @default Duration.seconds(30) */
  readonly terminationGracePeriod?: Duration;
  /**
   * A pause in preStop before nginx is told to quit, so endpoints are removed before it stops accepting.
   * @default Duration.seconds(5)
   */
  readonly preStopDelay?: Duration;
}

/** The default image: nginx built to run as any non-root uid, pinned. */
export const DEFAULT_GATEWAY_IMAGE = 'nginxinc/nginx-unprivileged:1.27.3';

const CONTAINER = 'nginx';
const RUNTIME_DIR = '/tmp';
const LIVENESS_PATH = '/healthz';
const READINESS_PATH = '/readyz';

/**
 * An API gateway: nginx Deployment, ConfigMap with the generated nginx.conf, Service, HPA, PDB, ServiceAccount,
 * an HTTPRoute (or Ingress) on the Platform's edge with TLS, and a NetworkPolicy admitting only the edge's data plane
 * and reaching only routed targets.
 */
export class ApiGateway extends Workload {
  public readonly port: number;
  public readonly healthPort: number;
  public readonly hosts: readonly string[];
  public readonly image: string;
  public readonly tls: GatewayTls;
  public readonly maxBodyBytes: number;
  public readonly gzip: boolean;
  public readonly workerConnections: number;
  /** The replica count when autoscaling is off; undefined when an HPA owns it. */
  public readonly replicas?: number;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly strategy: DeploymentStrategy;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Holds `nginx.conf`, rendered at synth from every route. */
  public readonly configMap: k8s.KubeConfigMap;
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly pdb: k8s.KubePodDisruptionBudget;
  /** The HTTPRoute of the hosts, under the Gateway API edge. */
  public readonly route?: ApiObject;
  /** The Ingress of the hosts, under the Ingress edge. */
  public readonly ingress?: k8s.KubeIngress;
  /** The nginx container, for adjustments the props do not foresee. */
  public readonly mainContainer: RenderedContainer;
  /** The exporter sidecar, its Service and ServiceMonitor, when metrics are on. */
  public readonly metrics?: GatewayMetrics;
  /** DNS for external hosts, trusted proxies and metrics, with defaults resolved. */
  public readonly nginxOptions: ResolvedNginxGatewayOptions;
  private readonly _routes: GatewayRoute[] = [];
  private readonly locations: NginxLocation[] = [];

  constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    checkProps(scope, id, props, ['hosts']);
    super(scope, id, { name: props.name ?? id, component: 'gateway', runAsUser: props.runAsUser, podOptions: props, priorityTier: 'edge' });
    this.port = props.port ?? 8080;
    this.healthPort = props.healthPort ?? 8081;
    checkPort(this, 'port', this.port);
    checkPort(this, 'healthPort', this.healthPort);
    if (this.healthPort === this.port) {
      throw PatternError.invalidProp(this, 'healthPort', this.healthPort, `must differ from port (${this.port})`);
    }
    this.hosts = checkHosts(this, props.hosts);
    this.image = props.image ?? DEFAULT_GATEWAY_IMAGE;
    this.tls = props.tls ?? GatewayTls.fromSecret(`${this.workloadName}-tls`);
    checkEdgeProps(this, props, this.platform.edge.spec.kind);
    this.maxBodyBytes = parseBytes(this, 'maxBodySize', props.maxBodySize ?? Size.mebibytes(1));
    this.gzip = props.gzip ?? true;
    this.workerConnections = props.workerConnections ?? 1024;
    checkInteger(this, 'workerConnections', this.workerConnections, 16, 65_536);
    this.strategy = DeploymentStrategy.rollingUpdate();
    const bounds = resolveReplicaBounds(this, props.autoscaling, props.replicas, this.platform.environment);
    this.replicas = bounds.replicas;
    this.minReplicas = bounds.minReplicas;
    this.maxReplicas = bounds.maxReplicas;
    const terminationGracePeriodSeconds = checkWholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(30));

    this.nginxOptions = resolveNginxGatewayOptions(this, props, this.platform.environment, RUNTIME_DIR);
    this.mainContainer = this.renderNginx(props);
    if (this.nginxOptions.metrics) {
      this.metrics = new GatewayMetrics(this, 'Metrics', {
        peer: this, labels: { ...this.labels }, healthPort: this.healthPort, hardening: this.hardening, prometheus: this.platform.prometheusPeer(),
      });
    }
    const configMapName = `${this.workloadName}-nginx`;
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: this.metadata(configMapName),
      data: Lazy.any({ produce: () => ({ 'nginx.conf': this.nginxConfig() }) }) as unknown as Record<string, string>,
    });
    const released = createReleaseObjects(this, {
      plan: singleDeploymentPlan(this.releaseContext(), this.strategy, this.podSelector),
      labels: this.labels,
      servicePorts: [{ name: 'http', port: this.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      autoscaling: bounds.autoscaling,
      podTemplate: () => this.podTemplate(configMapName, terminationGracePeriodSeconds),
      singleLabelSelector: { podSelector: this.podSelector, label: this.policySelector },
    });
    this.deployment = released.workloads[0].apiObject as k8s.KubeDeployment;
    this.service = released.services[0];
    this.hpa = released.hpas[0];
    this.pdb = released.pdbs[0];
    ({ route: this.route, ingress: this.ingress } = this.exposeHosts(props.ingressAnnotations));
    this.declareFootprint({
      kind: 'Deployment', controllers: [this.workloadName], minReplicas: this.minReplicas, maxReplicas: this.maxReplicas,
      surge: released.workloads[0].surge, containers: this.podContainers().map((c) => c.resources), storageBytesPerReplica: 0, claimsPerReplica: 0,
    });
    for (const route of props.routes ?? []) this.addRoute(route);
  }

  /** The routes, in the order they were added. */
  public get routes(): readonly GatewayRoute[] {
    return [...this._routes];
  }

  /**
   * Adds a route: an nginx location, egress from the gateway to the target on its port (and, for a workload,
   * the matching ingress allow in its NetworkPolicy). Returns the route.
   */
  public addRoute(route: GatewayRoute): GatewayRoute {
    const prop = `routes[${this._routes.length}]`;
    if (typeof route !== 'object' || route === null) throw PatternError.invalidProp(this, prop, route, 'must be a route: { path, to }');
    checkRoutePath(this, `${prop}.path`, route.path);
    if (this._routes.some((r) => r.path === route.path)) {
      throw PatternError.invalidProp(this, `${prop}.path`, route.path, 'appears twice: each route needs a path of its own');
    }
    if (route.rewrite !== undefined) checkRoutePath(this, `${prop}.rewrite`, route.rewrite);
    const connectTimeoutSeconds = checkWholeSeconds(this, `${prop}.connectTimeout`, route.connectTimeout ?? Duration.seconds(5), 1);
    const timeoutSeconds = checkWholeSeconds(this, `${prop}.timeout`, route.timeout ?? Duration.seconds(60), 1);
    const maxBodyBytes = route.maxBodySize === undefined ? undefined : parseBytes(this, `${prop}.maxBodySize`, route.maxBodySize);
    const rateLimit = route.rateLimit === undefined ? undefined : rateLimitOf(this, `${prop}.rateLimit`, route.rateLimit);
    // Wired last, once every check has passed, so a rejected route leaves no edge behind.
    const upstream = route.to instanceof ExternalTarget ? this.wireExternal(prop, route) : this.wireWorkload(prop, route);
    this.locations.push({ path: route.path, upstream, rewrite: route.rewrite, connectTimeoutSeconds, timeoutSeconds, maxBodyBytes, rateLimit });
    this._routes.push(route);
    return route;
  }

  /** The nginx.conf of the current routes, as the ConfigMap holds it. */
  public nginxConfig(): string {
    const limits = this.mainContainer.resources.limits;
    const cpuMillis = limits.cpuMillis ?? this.mainContainer.resources.requests.cpuMillis;
    return renderNginxConfig({
      listenPort: this.port,
      healthPort: this.healthPort,
      livenessPath: LIVENESS_PATH,
      readinessPath: READINESS_PATH,
      runtimeDir: RUNTIME_DIR,
      // One worker per core the container may use: more would only compete for the same CPU quota.
      workerProcesses: Math.max(1, Math.ceil(cpuMillis / 1000)),
      workerConnections: this.workerConnections,
      maxBodyBytes: this.maxBodyBytes,
      gzip: this.gzip,
      hsts: this.tls.enabled,
      locations: this.locations,
      resolver: this.nginxOptions.resolver,
      trustedProxies: this.nginxOptions.trustedProxies,
      stubStatus: this.nginxOptions.metrics,
    });
  }

  /** The hosts on the platform's edge (an HTTPRoute or an Ingress); plain HTTP is marked as the insecure opt-in it is. */
  private exposeHosts(ingressAnnotations: ApiGatewayProps['ingressAnnotations']): { route?: ApiObject; ingress?: k8s.KubeIngress } {
    const exposed = this.platform.edge.expose(this, {
      id: this.platform.edge.spec.kind === 'ingress' ? 'Ingress' : 'HttpRoute', name: this.workloadName, hosts: this.hosts, path: '/',
      backends: [{ serviceName: this.service.name, port: this.port }], tls: this.tls, labels: this.labels,
      peer: this, podPort: this.port, prop: 'hosts', tlsProp: 'tls', ingressAnnotations,
    });
    if (!this.tls.enabled) {
      markInsecureOptIn((exposed.route ?? exposed.ingress)!, {
        optIn: 'GatewayTls.insecurePlaintext()', risk: 'the edge serves the hosts in plain HTTP, so credentials and cookies cross the network readable',
        instead: 'a certificate (GatewayTls.certManager or fromSecret)',
      });
    }
    return exposed;
  }

  /** nginx, then the exporter sidecar when metrics are on. */
  private podContainers(): RenderedContainer[] {
    return this.metrics ? [this.mainContainer, this.metrics.container] : [this.mainContainer];
  }

  private releaseContext() {
    return {
      scope: this, workloadName: this.workloadName, podSelector: this.podSelector, image: this.image,
      replicas: this.replicas, minReplicas: this.minReplicas, maxReplicas: this.maxReplicas,
    };
  }

  private renderNginx(props: ApiGatewayProps): RenderedContainer {
    return renderContainer(this, 'props', {
      name: CONTAINER,
      image: this.image,
      ports: [{ name: 'http', port: this.port }, { name: 'health', port: this.healthPort }],
      resources: props.resources,
      // The config puts the pid and every temp path under /tmp; /var/cache/nginx is the image's compiled-in
      // cache directory, writable in case nginx touches it before reading the config.
      writablePaths: [RUNTIME_DIR, '/var/cache/nginx'],
    }, this.hardening, undefined, {
      // nginx directly (the image's entrypoint scripts edit the read-only root), behind a resolver script with external routes.
      command: Lazy.any({ produce: () => this.nginxOptions.command(this.locations.some((l) => l.upstream.external)) }) as unknown as string[],
      livenessProbe: Probe.http(LIVENESS_PATH).render(this, 'livenessProbe', 'health'),
      readinessProbe: Probe.http(READINESS_PATH, { period: Duration.seconds(5) }).render(this, 'readinessProbe', 'health'),
      lifecycle: { preStop: { exec: { command: ['sh', '-c', this.preStopScript(props.preStopDelay)] } } },
      volumeMounts: [{ name: 'nginx-config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true }],
    });
  }

  private podTemplate(configMapName: string, terminationGracePeriodSeconds: number): k8s.PodTemplateSpec {
    return workloadPodTemplate({
      labels: { ...this.platform.labels, ...this.labels },
      annotations: {
        [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => configHash({ 'nginx.conf': this.nginxConfig() }) }) as unknown as string,
      },
      serviceAccountName: this.serviceAccount.name,
      containers: this.podContainers(),
      volumes: [{ name: 'nginx-config', configMap: { name: configMapName } }],
      identity: this.hardening.identity,
      terminationGracePeriodSeconds,
      spreadSelector: { ...this.podSelector },
      options: this.podOptions,
    });
  }

  private wireWorkload(prop: string, route: GatewayRoute): NginxUpstream {
    const target = route.to as IConnectable;
    let targetPlatform: Platform | undefined;
    try {
      targetPlatform = Platform.of(target);
    } catch {
      targetPlatform = undefined;
    }
    if (targetPlatform !== this.platform) {
      throw PatternError.invalidProp(this, `${prop}.to`, target?.node?.path ?? target,
        `is outside this gateway's Platform "${this.platform.node.path}": a route reaches only workloads of its own Platform; declare other hosts with ExternalTarget.host()`);
    }
    const port = target.connectionPorts[0];
    if (!port) {
      throw PatternError.invalidProp(this, `${prop}.to`, target.node.path, 'has no connection port to route to');
    }
    WiringGraph.of(this).connect({ from: this, to: target, ports: [port], kind: 'route', label: route.path });
    return { host: target.host, port: port.port, protocol: 'http', external: false };
  }

  private wireExternal(prop: string, route: GatewayRoute): NginxUpstream {
    const target = route.to as ExternalTarget;
    checkDnsSubdomain(this, `${prop}.to.hostname`, target.hostname);
    checkPort(this, `${prop}.to.port`, target.port);
    if (target.protocol !== 'http' && target.protocol !== 'https') {
      throw PatternError.invalidProp(this, `${prop}.to.protocol`, target.protocol, 'must be "http" or "https"');
    }
    // An IP literal is reached at that address only. A name's addresses may change (nginx re-resolves it): egress
    // is open on its port only, to every address but the cluster's own, link-local and metadata ranges.
    const isAddress = /^\d{1,3}(\.\d{1,3}){3}$/.test(target.hostname);
    const cidr = isAddress ? `${target.hostname}/32` : '0.0.0.0/0';
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'egress', ports: [{ port: target.port }], description: `external ${target.hostname}`,
      others: [this.platform.clusterNetwork.ipBlock(this, `${prop}.to.hostname`, cidr)],
    });
    return { host: target.hostname, port: target.port, protocol: target.protocol, external: true };
  }

  private preStopScript(delay: Duration | undefined): string {
    const seconds = checkWholeSeconds(this, 'preStopDelay', delay ?? Duration.seconds(5));
    // quit finishes in-flight requests; waiting for the pid file to go keeps SIGTERM (fast stop) from cutting them.
    const quit = `nginx -s quit; while [ -e ${RUNTIME_DIR}/nginx.pid ]; do sleep 1; done`;
    return seconds > 0 ? `sleep ${seconds}; ${quit}` : quit;
  }
}

/** The Ingress props of old: the Platform's edge decides the class and the controller now. */
function checkEdgeProps(scope: Construct, props: ApiGatewayProps, edge: 'gateway-api' | 'ingress'): void {
  for (const prop of ['ingressClassName', 'ingressController'] as const) {
    if (props[prop] !== undefined) {
      throw PatternError.invalidProp(scope, prop, props[prop],
        'is set on the Platform now: edge: PlatformEdge.ingress({ className, controller: { namespace, podLabels } }), or PlatformEdge.gatewayApi({ dataPlane })');
    }
  }
  if (edge === 'gateway-api' && props.ingressAnnotations !== undefined) {
    throw PatternError.invalidProp(scope, 'ingressAnnotations', props.ingressAnnotations,
      'has no Ingress to go on: the Platform\'s edge is Gateway API (HTTPRoutes); use PlatformEdge.ingress({...}) for an Ingress');
  }
}
