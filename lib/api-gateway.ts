// ApiGateway: an nginx Deployment whose routing is generated from typed routes, behind an Ingress with TLS.
import { Duration, Lazy, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { DeploymentStrategy } from './deployment-strategy';
import { PatternError } from './errors';
import { GatewayMetrics } from './gateway/gateway-metrics';
import { GatewayTls } from './gateway/gateway-tls';
import { NginxLocation, NginxUpstream, renderNginxConfig } from './gateway/nginx-config';
import { NginxGatewayOptions, resolveNginxGatewayOptions, ResolvedNginxGatewayOptions } from './gateway/nginx-gateway-options';
import { LabelKeys, selectorLabels } from './labels';
import { IConnectable, INetworkPeer, WiringGraph } from './network/wiring-graph';
import { WorkloadNetworkPolicy } from './network/workload-network-policy';
import { Platform } from './platform';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod/config-hash';
import { renderContainer, RenderedContainer } from './pod/container';
import { hardeningContext } from './pod/hardening-context';
import { Probe } from './pod/probes';
import { ContainerResources, parseBytes } from './pod/resources';
import { workloadPodTemplate } from './pod/workload-pod';
import {
  checkDnsLabel, checkDnsSubdomain, checkInteger, checkPort, checkUnique, checkWholeSeconds,
} from './private/prop-checks';
import { disruptionBudget } from './scaling/disruption-budget';
import { AutoscalingOptions, horizontalAutoscaler, resolveReplicaBounds } from './scaling/horizontal-autoscaler';
import { declareOwnAnnotations } from './validation/ingress-annotations';
import { addWarning } from './warnings';

/** Options of `ExternalTarget.host`. */
export interface ExternalTargetOptions {
  /**
   * The protocol towards the host. `https` verifies the host's certificate against the image's CA bundle.
   * @default 'https'
   */
  readonly protocol?: 'http' | 'https';
}

/**
 * A host outside the cluster that a route may send requests to. It has to be declared as such: a route can
 * otherwise only reach workloads of its own Platform.
 */
export class ExternalTarget {
  /** A host name (not a URL) and port, e.g. `ExternalTarget.host('api.example.com', 443)`. */
  public static host(hostname: string, port: number, options: ExternalTargetOptions = {}): ExternalTarget {
    return new ExternalTarget(hostname, port, options.protocol ?? 'https');
  }

  private constructor(
    public readonly hostname: string,
    public readonly port: number,
    public readonly protocol: 'http' | 'https',
  ) {}
}

/** A per-client request rate limit (nginx `limit_req`); requests beyond it get 429. */
export interface RouteRateLimit {
  /** The sustained rate per client and gateway replica. */
  readonly requestsPerSecond: number;
  /**
   * Requests above the rate that are still served at once.
   * @default - requestsPerSecond (one second's worth)
   */
  readonly burst?: number;
}

/**
 * One route: a path prefix and the workload (or declared external host) that serves it.
 * @see https://nginx.org/en/docs/http/ngx_http_proxy_module.html
 */
export interface GatewayRoute {
  /** The path prefix, starting with `/` (e.g. `/api/posts/`); the longest matching prefix wins. */
  readonly path: string;
  /** A workload of the gateway's own Platform (its Service's first port), or an `ExternalTarget`. */
  readonly to: IConnectable | ExternalTarget;
  /**
   * Replaces the matched prefix before the request is passed on: `{ path: '/api/posts/', rewrite: '/' }` sends
   * `/api/posts/42` as `/42`.
   * @default - the request path is passed unchanged
   */
  readonly rewrite?: string;
  /**
   * How long the upstream may take between two reads or writes.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * How long opening a connection to the upstream may take.
   * @default Duration.seconds(5)
   */
  readonly connectTimeout?: Duration;
  /**
   * A per-client request rate limit.
   * @default - none
   */
  readonly rateLimit?: RouteRateLimit;
  /**
   * The request body limit of this route.
   * @default - the gateway's maxBodySize
   */
  readonly maxBodySize?: Size;
}

/** Who may open connections to the gateway: the Ingress controller's pods. */
export interface IngressControllerPeer {
  /**
   * The controller's namespace.
   * @default 'ingress-nginx'
   */
  readonly namespace?: string;
  /**
   * Labels of the controller's pods, to admit only them from that namespace.
   * @default - every pod of the namespace
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Props of an ApiGateway. */
export interface ApiGatewayProps extends NginxGatewayOptions {
  /** The host names the Ingress serves (e.g. `blog.example.com`, `*.example.com`); at least one. */
  readonly hosts: readonly string[];
  /**
   * The routes; more can be added with `addRoute`.
   * @default - none: every path answers 404
   */
  readonly routes?: readonly GatewayRoute[];
  /**
   * The Ingress certificate. Plain HTTP needs the explicit `GatewayTls.insecurePlaintext()`.
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
  /**
   * @default 'nginx'
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class
   */
  readonly ingressClassName?: string;
  /**
   * Extra Ingress annotations (controller settings).
   * @default - only the TLS issuer, and proxy-body-size for the `nginx` class
   */
  readonly ingressAnnotations?: Readonly<Record<string, string>>;
  /** @default - the `ingress-nginx` namespace */
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
  /** @default - none */
  readonly priorityClassName?: string;
}

/** The default image: nginx built to run as any non-root uid, pinned. */
export const DEFAULT_GATEWAY_IMAGE = 'nginxinc/nginx-unprivileged:1.27.3';

const CONTAINER = 'nginx';
const RUNTIME_DIR = '/tmp';
const LIVENESS_PATH = '/healthz';
const READINESS_PATH = '/readyz';
const SAFE_PATH = /^\/[A-Za-z0-9._~\-/]*$/;

/**
 * An API gateway: nginx Deployment, ConfigMap with the generated nginx.conf, Service, HPA, PDB, ServiceAccount,
 * Ingress with TLS and a NetworkPolicy admitting only the Ingress controller and reaching only routed targets.
 */
export class ApiGateway extends Construct implements INetworkPeer {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly port: number;
  public readonly healthPort: number;
  public readonly hosts: readonly string[];
  public readonly image: string;
  public readonly tls: GatewayTls;
  public readonly ingressClassName: string;
  public readonly ingressControllerNamespace: string;
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
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** Holds `nginx.conf`, rendered at synth from every route. */
  public readonly configMap: k8s.KubeConfigMap;
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly pdb: k8s.KubePodDisruptionBudget;
  public readonly ingress: k8s.KubeIngress;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  public readonly container: RenderedContainer;
  /** The exporter sidecar, its Service and ServiceMonitor, when metrics are on. */
  public readonly metrics?: GatewayMetrics;
  /** DNS for external hosts, trusted proxies and metrics, with defaults resolved. */
  public readonly nginxOptions: ResolvedNginxGatewayOptions;
  private readonly platform: Platform;
  private readonly _routes: GatewayRoute[] = [];
  private readonly locations: NginxLocation[] = [];

  constructor(scope: Construct, id: string, props: ApiGatewayProps) {
    super(scope, id);
    this.platform = Platform.of(this);
    this.workloadName = props.name ?? id;
    checkDnsLabel(this, 'name', this.workloadName);
    this.namespace = this.platform.namespaceName;
    this.podSelector = selectorLabels(this.workloadName);
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
    this.ingressClassName = props.ingressClassName ?? 'nginx';
    checkDnsLabel(this, 'ingressClassName', this.ingressClassName, 253);
    this.ingressControllerNamespace = props.ingressController?.namespace ?? 'ingress-nginx';
    checkDnsLabel(this, 'ingressController.namespace', this.ingressControllerNamespace);
    this.maxBodyBytes = parseBytes(this, 'maxBodySize', props.maxBodySize ?? Size.mebibytes(1));
    this.gzip = props.gzip ?? true;
    this.workerConnections = props.workerConnections ?? 1024;
    checkInteger(this, 'workerConnections', this.workerConnections, 16, 65_536);
    this.strategy = DeploymentStrategy.rollingUpdate();

    const bounds = resolveReplicaBounds(this, props.autoscaling, props.replicas, this.platform.environment);
    this.replicas = bounds.replicas;
    this.minReplicas = bounds.minReplicas;
    this.maxReplicas = bounds.maxReplicas;

    const labels = { ...this.podSelector, [LabelKeys.COMPONENT]: 'gateway' };
    const metadata = (name: string) => ({ name, labels });
    const context = hardeningContext(this, {
      compatibility: this.platform.compatibility, environment: this.platform.environment, runAsUser: props.runAsUser,
    });
    this.nginxOptions = resolveNginxGatewayOptions(this, props, this.platform.environment, RUNTIME_DIR);
    this.container = renderContainer(this, 'props', {
      name: CONTAINER,
      image: this.image,
      ports: [{ name: 'http', port: this.port }, { name: 'health', port: this.healthPort }],
      resources: props.resources,
      // The config puts the pid and every temp path under /tmp; /var/cache/nginx is the image's compiled-in
      // cache directory, writable in case nginx touches it before reading the config.
      writablePaths: [RUNTIME_DIR, '/var/cache/nginx'],
    }, context, undefined, {
      command: Lazy.any({ produce: () => this.nginxOptions.command(this.locations.some((l) => l.upstream.external)) }) as unknown as string[],
      livenessProbe: Probe.http(LIVENESS_PATH).render(this, 'livenessProbe', 'health'),
      readinessProbe: Probe.http(READINESS_PATH, { period: Duration.seconds(5) }).render(this, 'readinessProbe', 'health'),
      lifecycle: { preStop: { exec: { command: ['sh', '-c', this.preStopScript(props.preStopDelay)] } } },
      volumeMounts: [{ name: 'nginx-config', mountPath: '/etc/nginx/nginx.conf', subPath: 'nginx.conf', readOnly: true }],
    });

    if (this.nginxOptions.metrics) {
      this.metrics = new GatewayMetrics(this, 'Metrics', {
        peer: this, labels, healthPort: this.healthPort, hardening: context, monitoringNamespace: this.platform.monitoringNamespace,
      });
    }
    const sidecars = this.metrics ? [this.metrics.container] : [];
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(this.workloadName), automountServiceAccountToken: false,
    });
    const configMapName = `${this.workloadName}-nginx`;
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', {
      metadata: metadata(configMapName),
      data: Lazy.any({ produce: () => ({ 'nginx.conf': this.nginxConfig() }) }) as unknown as Record<string, string>,
    });
    const template = workloadPodTemplate({
      labels: { ...this.platform.labels, ...labels },
      annotations: {
        [CONFIG_HASH_ANNOTATION]: Lazy.any({ produce: () => configHash({ 'nginx.conf': this.nginxConfig() }) }) as unknown as string,
      },
      serviceAccountName: this.serviceAccount.name,
      containers: [this.container, ...sidecars],
      volumes: [{ name: 'nginx-config', configMap: { name: configMapName } }],
      identity: context.identity,
      terminationGracePeriodSeconds: checkWholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(30)),
      spreadSelector: { ...this.podSelector },
      priorityClassName: props.priorityClassName,
    });
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: metadata(this.workloadName),
      spec: {
        replicas: this.replicas,
        revisionHistoryLimit: 5,
        progressDeadlineSeconds: 600,
        minReadySeconds: 5,
        selector: { matchLabels: { ...this.podSelector } },
        strategy: this.strategy.render(this, 'strategy'),
        template,
      },
    });
    this.service = new k8s.KubeService(this, 'Service', {
      metadata: metadata(this.workloadName),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector },
        ports: [{ name: 'http', port: this.port, targetPort: k8s.IntOrString.fromString('http'), protocol: 'TCP' }],
      },
    });
    if (bounds.autoscaling) {
      this.hpa = horizontalAutoscaler(this, {
        metadata: metadata(this.workloadName),
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.deployment.name },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        options: bounds.autoscaling,
      });
    }
    this.pdb = disruptionBudget(this, { metadata: metadata(this.workloadName), selector: this.podSelector });
    this.ingress = this.createIngress(props, labels);
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { peer: this, metadata: metadata(this.workloadName) });
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'ingress', ports: [{ port: this.port }], description: 'ingress-controller',
      others: [ingressControllerPeer(this.ingressControllerNamespace, props.ingressController?.podLabels)],
    });

    this.platform.registerFootprint({
      workload: this,
      kind: 'Deployment',
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      surge: this.strategy.surgePods(this.maxReplicas),
      containers: [this.container, ...sidecars].map((c) => c.resources),
      storageBytesPerReplica: 0,
      claimsPerReplica: 0,
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
    checkRoutePath(this, `${prop}.path`, route.path);
    if (this._routes.some((r) => r.path === route.path)) {
      throw PatternError.invalidProp(this, `${prop}.path`, route.path, 'appears twice: each route needs a path of its own');
    }
    if (route.rewrite !== undefined) checkRoutePath(this, `${prop}.rewrite`, route.rewrite);
    const connectTimeoutSeconds = positiveSeconds(this, `${prop}.connectTimeout`, route.connectTimeout ?? Duration.seconds(5));
    const timeoutSeconds = positiveSeconds(this, `${prop}.timeout`, route.timeout ?? Duration.seconds(60));
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
    const limits = this.container.resources.limits;
    const cpuMillis = limits.cpuMillis ?? this.container.resources.requests.cpuMillis;
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
      resolver: this.nginxOptions.resolver,
      trustedProxies: this.nginxOptions.trustedProxies,
      stubStatus: this.nginxOptions.metrics,
      locations: this.locations,
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
      throw PatternError.invalidProp(this, `${prop}.to`, target.node.path,
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
    // The host's addresses are not known at synth time and may change: egress is open on its port only.
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'egress', ports: [{ port: target.port }], description: `external ${target.hostname}`,
      others: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    });
    return { host: target.hostname, port: target.port, protocol: target.protocol, external: true };
  }

  private preStopScript(delay: Duration | undefined): string {
    const seconds = checkWholeSeconds(this, 'preStopDelay', delay ?? Duration.seconds(5));
    // quit finishes in-flight requests; waiting for the pid file to go keeps SIGTERM (fast stop) from cutting them.
    const quit = `nginx -s quit; while [ -e ${RUNTIME_DIR}/nginx.pid ]; do sleep 1; done`;
    return seconds > 0 ? `sleep ${seconds}; ${quit}` : quit;
  }

  private createIngress(props: ApiGatewayProps, labels: Record<string, string>): k8s.KubeIngress {
    const tls = this.tls.render(this, 'tls', this.workloadName, this.hosts);
    if (!this.tls.enabled) {
      addWarning(this, 'tls is GatewayTls.insecurePlaintext(): the Ingress serves plain HTTP, so credentials and cookies cross the network readable');
    }
    const annotations: Record<string, string> = { ...tls.annotations };
    // ingress-nginx refuses bodies above its own 1m default before they reach the gateway: keep the two in step.
    if (this.ingressClassName === 'nginx') annotations['nginx.ingress.kubernetes.io/proxy-body-size'] = String(this.maxBodyBytes);
    const own = { ...annotations };
    Object.assign(annotations, props.ingressAnnotations ?? {});
    const ingress = new k8s.KubeIngress(this, 'Ingress', {
      metadata: { name: this.workloadName, labels, annotations: Object.keys(annotations).length ? annotations : undefined },
      spec: {
        ingressClassName: this.ingressClassName,
        tls: tls.tls.length ? tls.tls : undefined,
        rules: this.hosts.map((host) => ({
          host,
          http: {
            paths: [{
              path: '/',
              pathType: 'Prefix',
              backend: { service: { name: this.service.name, port: { number: this.port } } },
            }],
          },
        })),
      },
    });
    declareOwnAnnotations(ingress, own);
    return ingress;
  }
}

function checkHosts(scope: Construct, hosts: readonly string[]): readonly string[] {
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw PatternError.invalidProp(scope, 'hosts', hosts, 'must hold at least one host name');
  }
  hosts.forEach((host, i) => checkDnsSubdomain(scope, `hosts[${i}]`, typeof host === 'string' ? host.replace(/^\*\./, '') : host));
  checkUnique(scope, 'hosts', hosts);
  return [...hosts];
}

function checkRoutePath(scope: Construct, prop: string, path: string): void {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw PatternError.invalidProp(scope, prop, path, 'must start with "/"');
  }
  if (!SAFE_PATH.test(path) || path.includes('//')) {
    throw PatternError.invalidProp(scope, prop, path, 'must hold only letters, digits, ".", "_", "~", "-" and single "/"');
  }
}

function positiveSeconds(scope: Construct, prop: string, duration: Duration): number {
  const seconds = checkWholeSeconds(scope, prop, duration);
  if (seconds < 1) throw PatternError.invalidProp(scope, prop, `${seconds}s`, 'must be at least 1 second');
  return seconds;
}

function rateLimitOf(scope: Construct, prop: string, limit: RouteRateLimit) {
  checkInteger(scope, `${prop}.requestsPerSecond`, limit.requestsPerSecond, 1, 100_000);
  const burst = limit.burst ?? limit.requestsPerSecond;
  checkInteger(scope, `${prop}.burst`, burst, 0, 100_000);
  return { requestsPerSecond: limit.requestsPerSecond, burst };
}

function ingressControllerPeer(namespace: string, podLabels: Readonly<Record<string, string>> | undefined): k8s.NetworkPolicyPeer {
  const namespaceSelector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
  return podLabels ? { namespaceSelector, podSelector: { matchLabels: { ...podLabels } } } : { namespaceSelector };
}
