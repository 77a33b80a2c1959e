// ResilientMicroservice: from an image and a port, a hardened, probed, autoscaled, disruption-safe service.
import { ApiObject, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PatternError } from './errors';
import { LabelKeys, selectorLabels } from './labels';
import { ServiceIngress, ServiceIngressOptions } from './network/service-ingress';
import { IConnectable, INetworkPeer, NetworkPort, WiringGraph } from './network/wiring-graph';
import { WorkloadNetworkPolicy } from './network/workload-network-policy';
import { ServiceMonitor } from './observability/service-monitor';
import { Platform } from './platform';
import { Release } from './release/release-strategy';
import { IRelease, PodVariant, ReleasedWorkload, ReleaseLabels, ReleaseResult, ReleaseTarget } from './release/release-target';
import { disruptionBudget } from './scaling/disruption-budget';
import { AutoscalingOptions, horizontalAutoscaler, resolveReplicaBounds } from './scaling/horizontal-autoscaler';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod/config-hash';
import { addEnv, ContainerExtras, ContainerSpec, renderContainer, RenderedContainer } from './pod/container';
import { hardeningContext } from './pod/hardening-context';
import { Probe } from './pod/probes';
import { ContainerResources } from './pod/resources';
import { workloadPodTemplate } from './pod/workload-pod';
import { checkDnsLabel, checkDnsSubdomain, checkEnvName, checkPort, checkUnique } from './private/prop-checks';
import { addSecretEnv, SecretFileMount, SecretKeyRef } from './secrets';
import { markInsecureOptIn } from './insecure-opt-in';
import { Validation } from './validation/rule';

/** Liveness, readiness and startup probes. */
export interface ProbeSet {
  /** @default Probe.http('/health') */
  readonly liveness?: Probe;
  /** @default Probe.http('/ready', { period: Duration.seconds(5) }) */
  readonly readiness?: Probe;
  /**
   * Holds off liveness until the app has started; `false` for none.
   * @default - the liveness check, every 5 s, for up to 150 s
   */
  readonly startup?: Probe | false;
}

/** A port Prometheus scrapes. */
export interface MetricsOptions {
  /** The metrics port (named `metrics`). */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * A prometheus-operator ServiceMonitor scraping the `metrics` port of the service's Services.
   * @default - the environment's `metrics` flag
   */
  readonly serviceMonitor?: boolean;
  /**
   * Whether the app serves `http_requests_total` and `http_request_duration_seconds`, for the platform's
   * error-rate alert and dashboard panels.
   * @default true
   */
  readonly httpMetrics?: boolean;
}

/** Props of a ResilientMicroservice. */
export interface ResilientMicroserviceProps {
  /** The container image, pinned by a tag other than `latest` or by a digest. */
  readonly image: string;
  /**
   * The port the app serves on (named `http`); the Service exposes the same number.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The name of every object of the service, and its DNS name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The `app.kubernetes.io/component` label.
   * @default 'backend'
   */
  readonly component?: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /**
   * Requests and limits of the main container, before the environment's scale.
   * @default - 100m CPU, 128Mi memory requested; twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * Autoscaling on CPU and memory; `false` for a fixed replica count.
   * @default - the environment's bounds at 70 % CPU and 80 % memory
   */
  readonly autoscaling?: AutoscalingOptions | false;
  /**
   * The fixed replica count, only when autoscaling is `false`.
   * @default - the environment's minReplicas
   */
  readonly replicas?: number;
  /**
   * How new versions ship: `Release.rollingUpdate()`, `.recreate()`, `.blueGreen()`, `.canary()` or
   * `.argoRollout()`.
   * @default Release.rollingUpdate() (maxSurge 25 %, maxUnavailable 0)
   */
  readonly release?: IRelease;
  /**
   * Exposes the service through an nginx Ingress on a host, with TLS; needed by canaries that split ingress traffic.
   * @default - not exposed outside the cluster
   * @see https://kubernetes.io/docs/concepts/services-networking/ingress/
   */
  readonly ingress?: ServiceIngressOptions;
  /** @default - HTTP /health for liveness, /ready for readiness, a startup probe on /health */
  readonly probes?: ProbeSet;
  /**
   * Settings exposed as environment variables through a ConfigMap (`envFrom`).
   * @default - none
   */
  readonly config?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Files mounted read-only at `configMountPath`, from a second ConfigMap.
   * @default - none
   */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** @default '/etc/config' */
  readonly configMountPath?: string;
  /**
   * Plain environment variables that are not secrets.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Existing Secrets mounted as files.
   * @default - none
   */
  readonly secretFiles?: readonly SecretFileMount[];
  /**
   * Secret values written into the YAML as a Secret object. Anyone who can read the manifests can read them:
   * for local experiments only. Each use prints a synth-time warning.
   * @default - none
   */
  readonly insecurePlaintextSecrets?: Readonly<Record<string, string>>;
  /**
   * Containers beside the main one (log shippers, proxies), hardened the same way.
   * @default - none
   */
  readonly sidecars?: readonly ContainerSpec[];
  /**
   * Containers that run to completion before the others start (e.g. wait-for-db, migrations).
   * @default - none
   */
  readonly initContainers?: readonly ContainerSpec[];
  /**
   * Paths the main container writes to, each an emptyDir.
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * Lets the main container write to its root filesystem. Writable roots let an attacker persist tools in a
   * compromised container; prefer `writablePaths`.
   * @default false
   */
  readonly allowWritableRootFilesystem?: boolean;
  /**
   * uid and gid the pod runs as.
   * @default - the compatibility profile's (10001)
   */
  readonly runAsUser?: number;
  /**
   * Time between SIGTERM and SIGKILL.
   * @default Duration.seconds(30)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * A pause before SIGTERM (preStop `sleep`), so endpoints are removed before the app stops accepting; 0 for none.
   * The image must have a `sleep` binary.
   * @default Duration.seconds(5)
   */
  readonly preStopDelay?: Duration;
  /**
   * A metrics port with Prometheus scrape annotations, reachable from the monitoring namespace.
   * @default - none
   */
  readonly metrics?: MetricsOptions;
  /**
   * A VerticalPodAutoscaler in recommendation mode (`updateMode: Off`), which never evicts pods.
   * @default false
   */
  readonly verticalPodAutoscaler?: boolean;
  /** @default - none */
  readonly priorityClassName?: string;
}

/** Options of `connectTo`. */
export interface ConnectOptions {
  /**
   * Prefix for the connection env vars, to tell two connections of the same kind apart.
   * @default - none
   */
  readonly envPrefix?: string;
  /**
   * Skip the connection env vars, allowing only the network flow.
   * @default false
   */
  readonly withoutEnv?: boolean;
}

const MAIN_CONTAINER = 'app';

/**
 * A stateless service: Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, ServiceAccount,
 * NetworkPolicy and optional ConfigMaps and VPA, all hardened and labelled.
 */
export class ResilientMicroservice extends Construct implements IConnectable {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly port: number;
  public readonly host: string;
  public readonly connectionPorts: readonly NetworkPort[];
  /** The replica count when autoscaling is off; undefined when an HPA owns it. */
  public readonly replicas?: number;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly release: IRelease;
  /** Every pod controller of the release (Deployments or a Rollout), the one serving live traffic first. */
  public readonly workloads: readonly ReleasedWorkload[];
  /** The Argo Rollout, under `Release.argoRollout()`. */
  public readonly rollout?: ApiObject;
  /** The main Service `<name>`. */
  public readonly service: k8s.KubeService;
  /** Services the release added: `<name>-preview` (blue/green), `<name>-canary`. */
  public readonly releaseServices: readonly k8s.KubeService[];
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** The HPA of the live workload, when autoscaling. */
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  /** One HPA per autoscaled workload (both blue/green colours). */
  public readonly hpas: readonly k8s.KubeHorizontalPodAutoscalerV2[];
  /** The PDB of the live workload. */
  public readonly pdb: k8s.KubePodDisruptionBudget;
  /** One PDB per workload, so a broken canary or preview colour never blocks drains of the live pods. */
  public readonly pdbs: readonly k8s.KubePodDisruptionBudget[];
  /** The Ingress, when `ingress` is set. */
  public readonly ingress?: ServiceIngress;
  /** The metrics port, when `metrics` is set. */
  public readonly metricsPort?: number;
  /** The metrics path, when `metrics` is set. */
  public readonly metricsPath?: string;
  /** The ServiceMonitor, when metrics are on and the environment or `metrics.serviceMonitor` asks for one. */
  public readonly serviceMonitor?: ServiceMonitor;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  public readonly configMap?: k8s.KubeConfigMap;
  public readonly filesConfigMap?: k8s.KubeConfigMap;
  public readonly plaintextSecret?: k8s.KubeSecret;
  public readonly verticalPodAutoscaler?: ApiObject;
  /** The main container, for adjustments the props do not foresee. */
  public readonly mainContainer: RenderedContainer;
  private readonly platform: Platform;

  constructor(scope: Construct, id: string, props: ResilientMicroserviceProps) {
    super(scope, id);
    this.platform = Platform.of(this);
    const env = this.platform.environment;
    this.workloadName = props.name ?? id;
    checkDnsLabel(this, 'name', this.workloadName);
    this.port = props.port ?? 8080;
    checkPort(this, 'port', this.port);
    this.namespace = this.platform.namespaceName;
    this.host = `${this.workloadName}.${this.namespace}.svc.cluster.local`;
    this.podSelector = selectorLabels(this.workloadName);
    this.release = props.release ?? Release.rollingUpdate();
    const component = props.component ?? 'backend';
    if (typeof component !== 'string' || component.length > 63 || !LABEL_VALUE.test(component)) {
      throw PatternError.invalidProp(this, 'component', component,
        'must be a label value: at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit');
    }
    if (props.priorityClassName !== undefined) checkDnsSubdomain(this, 'priorityClassName', props.priorityClassName);
    if (props.configMountPath !== undefined) checkMountPath(this, 'configMountPath', props.configMountPath);
    const labels = { ...selectorLabels(this.workloadName), [LabelKeys.COMPONENT]: component };

    const bounds = resolveReplicaBounds(this, props.autoscaling, props.replicas, env);
    this.replicas = bounds.replicas;
    this.minReplicas = bounds.minReplicas;
    this.maxReplicas = bounds.maxReplicas;
    const autoscaling = bounds.autoscaling;

    const context = hardeningContext(this, { compatibility: this.platform.compatibility, environment: env, runAsUser: props.runAsUser });
    const ports = [{ name: 'http', port: this.port }];
    if (props.metrics) {
      checkPort(this, 'metrics.port', props.metrics.port);
      if (props.metrics.port === this.port) {
        throw PatternError.invalidProp(this, 'metrics.port', props.metrics.port, `must differ from port (${this.port})`);
      }
      ports.push({ name: 'metrics', port: props.metrics.port });
    }
    this.connectionPorts = [{ port: this.port }];

    const metadata = (name: string) => ({ name, labels });
    const config = stringifyConfig(this, props.config);
    const hasFiles = Object.keys(props.configFiles ?? {}).length > 0;
    const volumes: k8s.Volume[] = [];
    if (hasFiles) volumes.push({ name: 'config-files', configMap: { name: `${this.workloadName}-files` } });
    this.mainContainer = renderContainer(this, 'props', {
      name: MAIN_CONTAINER,
      image: props.image,
      command: props.command,
      args: props.args,
      env: props.env,
      ports,
      resources: props.resources,
      writablePaths: props.writablePaths,
    }, { ...context, readOnlyRootFilesystem: !props.allowWritableRootFilesystem }, undefined, {
      ...this.probesAndShutdown(props),
      envFrom: config ? [{ configMapRef: { name: `${this.workloadName}-config` } }] : undefined,
      volumeMounts: hasFiles ? [{ name: 'config-files', mountPath: props.configMountPath ?? '/etc/config', readOnly: true }] : [],
    });
    const sidecars = (props.sidecars ?? []).map((s, i) => renderContainer(this, `sidecars[${i}]`, s, context, SMALL_CONTAINER));
    const initContainers = (props.initContainers ?? []).map((s, i) => renderContainer(this, `initContainers[${i}]`, s, context, SMALL_CONTAINER));
    checkUnique(this, 'containers', [this.mainContainer, ...sidecars, ...initContainers].map((c) => c.container.name));

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: metadata(this.workloadName),
      automountServiceAccountToken: false,
    });
    if (config) {
      this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: metadata(`${this.workloadName}-config`), data: config });
    }
    if (hasFiles) {
      this.filesConfigMap = new k8s.KubeConfigMap(this, 'FilesConfigMap', {
        metadata: metadata(`${this.workloadName}-files`), data: { ...props.configFiles },
      });
    }
    this.addSecrets(props, volumes);

    const annotations: Record<string, string> = {
      [CONFIG_HASH_ANNOTATION]: configHash(config, props.configFiles, props.insecurePlaintextSecrets),
    };
    if (props.metrics) {
      Object.assign(annotations, {
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(props.metrics.port),
        'prometheus.io/path': props.metrics.path ?? '/metrics',
      });
      WiringGraph.of(this).addExternal({
        peer: this, direction: 'ingress', ports: [{ port: props.metrics.port }], description: 'prometheus',
        others: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.platform.monitoringNamespace } } }],
      });
    }
    if (props.metrics) {
      this.metricsPort = props.metrics.port;
      this.metricsPath = props.metrics.path ?? '/metrics';
    }
    const mainContainer = this.mainContainer;
    const podContainers = [mainContainer, ...sidecars];
    const terminationGracePeriodSeconds = seconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(30));
    const servicePorts = ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' }));
    if (props.ingress) {
      this.ingress = new ServiceIngress(this, 'Ingress', {
        ...props.ingress, peer: this, serviceName: this.workloadName, portName: 'http', port: this.port, labels,
      });
    }
    const target: ReleaseTarget = {
      scope: this,
      workloadName: this.workloadName,
      podSelector: this.podSelector,
      labels,
      image: props.image,
      replicas: this.replicas,
      minReplicas: this.minReplicas,
      maxReplicas: this.maxReplicas,
      config,
      ingress: this.ingress,
      podTemplate: (variant: PodVariant) => {
        // Variants share the rendered main container (and so its env, open until synth); only the image and the
        // ConfigMap differ.
        const main = variant.configMapName === undefined && variant.image === props.image ? mainContainer : {
          ...mainContainer,
          container: {
            ...mainContainer.container,
            image: variant.image,
            envFrom: variant.configMapName ? [{ configMapRef: { name: variant.configMapName } }] : mainContainer.container.envFrom,
          },
        };
        const version = imageVersion(variant.image);
        return workloadPodTemplate({
          labels: { ...this.platform.labels, ...labels, ...variant.selector, ...(version ? { [LabelKeys.VERSION]: version } : {}) },
          annotations: {
            ...annotations,
            [CONFIG_HASH_ANNOTATION]: configHash(variant.config ?? config, props.configFiles, props.insecurePlaintextSecrets),
          },
          serviceAccountName: this.serviceAccount.name,
          containers: [main, ...podContainers.slice(1)],
          initContainers,
          volumes,
          identity: context.identity,
          terminationGracePeriodSeconds,
          // Spread all the service's pods together, whatever their track or colour.
          spreadSelector: { ...this.podSelector },
          priorityClassName: props.priorityClassName,
        });
      },
      service: (serviceId, name, selector) => new k8s.KubeService(this, serviceId, {
        metadata: metadata(name),
        spec: { type: 'ClusterIP', selector: { ...selector }, ports: servicePorts },
      }),
    };
    const released: ReleaseResult = this.release._apply(target);
    this.workloads = released.workloads;
    this.service = released.service;
    this.releaseServices = released.extraServices;
    const live = this.workloads[0];
    if (live.kind === 'Rollout') this.rollout = live.apiObject;

    const hpas: k8s.KubeHorizontalPodAutoscalerV2[] = [];
    const pdbs: k8s.KubePodDisruptionBudget[] = [];
    for (const workload of this.workloads) {
      // The stable workload keeps the ids `Hpa` and `Pdb`; the others get theirs under a scope named for their role.
      const scope = workload.role === 'stable' ? this : new Construct(this, ROLE_SCOPES[workload.role]);
      const workloadMetadata = { name: workload.name, labels: { ...labels, ...releaseLabel(workload) } };
      if (autoscaling && workload.autoscaled) {
        const hpa = horizontalAutoscaler(scope, {
          metadata: workloadMetadata,
          scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
          minReplicas: workload.minReplicas,
          maxReplicas: workload.maxReplicas,
          options: autoscaling,
        });
        hpas.push(hpa);
        if (workload === live) this.hpa = hpa;
      }
      pdbs.push(disruptionBudget(scope, { metadata: workloadMetadata, selector: workload.selector }));
    }
    this.hpas = hpas;
    this.pdbs = pdbs;
    this.pdb = pdbs[0];
    if (props.metrics) {
      this.serviceMonitor = ServiceMonitor.ifEnabled(this, {
        enabled: props.metrics.serviceMonitor,
        workloadName: this.workloadName,
        serviceSelector: labels,
        labels,
        path: this.metricsPath,
        httpMetrics: props.metrics.httpMetrics ?? true,
      });
    }
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { peer: this, metadata: metadata(this.workloadName) });
    if (props.verticalPodAutoscaler) this.verticalPodAutoscaler = this.createVpa(metadata(this.workloadName), live);

    // One footprint for all the service's pods: both colours, or stable plus canary replicas.
    this.platform.registerFootprint({
      workload: this,
      kind: live.kind,
      minReplicas: sum(this.workloads.map((w) => w.minReplicas)),
      maxReplicas: sum(this.workloads.map((w) => w.maxReplicas)),
      surge: sum(this.workloads.map((w) => w.surge)),
      containers: [this.mainContainer.resources, ...sidecars.map((s) => s.resources)],
      storageBytesPerReplica: 0,
      claimsPerReplica: 0,
    });
  }

  /**
   * The Deployment serving live traffic (the stable one, or the active colour). Under `Release.argoRollout()` there
   * is none: read `rollout`.
   */
  public get deployment(): k8s.KubeDeployment {
    const live = this.workloads[0];
    if (live.kind !== 'Deployment') {
      throw new PatternError(this, 'has no Deployment: its release is an Argo Rollout (read `rollout`, or `workloads` for every pod controller)');
    }
    return live.apiObject as k8s.KubeDeployment;
  }

  /** Env a client gets: `<NAME>_URL`, e.g. `AUTH_SERVICE_URL=http://auth-service.blog.svc.cluster.local:8080`. */
  public connectionEnv(envPrefix?: string): k8s.EnvVar[] {
    const name = `${envPrefix ?? ''}${this.workloadName.toUpperCase().replace(/-/g, '_')}_URL`;
    return [{ name, value: `http://${this.host}:${this.port}` }];
  }

  /**
   * Lets this service open connections to `target`: egress here, ingress there, on the target's ports, and the
   * connection settings as env vars. Returns the env vars added.
   */
  public connectTo(target: IConnectable, options: ConnectOptions = {}): k8s.EnvVar[] {
    if (options.envPrefix !== undefined) checkEnvName(this, 'connectTo.envPrefix', options.envPrefix);
    WiringGraph.of(this).connect({
      from: this, to: target, ports: target.connectionPorts,
      kind: target instanceof ResilientMicroservice ? 'service' : 'database',
    });
    if (options.withoutEnv) return [];
    const vars = target.connectionEnv(options.envPrefix);
    for (const variable of vars) addEnv(this, this.mainContainer, variable);
    return vars;
  }

  /** Lets `peer` open connections to this service on its port. */
  public allowFrom(peer: INetworkPeer): void {
    WiringGraph.of(this).connect({ from: peer, to: this, ports: this.connectionPorts, kind: 'service' });
  }

  /** Adds a plain env var to the main container. */
  public addEnv(name: string, value: string): void {
    addEnv(this, this.mainContainer, { name, value });
  }

  private probesAndShutdown(props: ResilientMicroserviceProps): ContainerExtras {
    const liveness = props.probes?.liveness ?? Probe.http('/health');
    const readiness = props.probes?.readiness ?? Probe.http('/ready', { period: Duration.seconds(5) });
    const startup = props.probes?.startup ?? liveness.withTimings({ initialDelay: Duration.seconds(0), period: Duration.seconds(5), failureThreshold: 30 });
    const delay = seconds(this, 'preStopDelay', props.preStopDelay ?? Duration.seconds(5));
    return {
      livenessProbe: liveness.render(this, 'probes.liveness', 'http'),
      readinessProbe: readiness.render(this, 'probes.readiness', 'http'),
      startupProbe: startup === false ? undefined : startup.render(this, 'probes.startup', 'http'),
      lifecycle: delay > 0 ? { preStop: { exec: { command: ['sleep', String(delay)] } } } : undefined,
    };
  }

  private addSecrets(props: ResilientMicroserviceProps, volumes: k8s.Volume[]): void {
    addSecretEnv(this, this.mainContainer, props.secretEnv);
    (props.secretFiles ?? []).forEach((mount, i) => {
      checkDnsLabel(this, `secretFiles[${i}].secretName`, mount.secretName, 253);
      checkMountPath(this, `secretFiles[${i}].mountPath`, mount.mountPath);
      Validation.of(this).declareExternal('Secret', mount.secretName);
      const volume = `secret-${i}`;
      volumes.push({
        name: volume,
        secret: { secretName: mount.secretName, defaultMode: 0o440, items: mount.keys?.map((key) => ({ key, path: key })) },
      });
      this.mainContainer.container.volumeMounts!.push({ name: volume, mountPath: mount.mountPath, readOnly: true });
    });
    const plaintext = props.insecurePlaintextSecrets ?? {};
    if (Object.keys(plaintext).length === 0) return;
    const secret = new k8s.KubeSecret(this, 'PlaintextSecret', {
      metadata: { name: `${this.workloadName}-plaintext`, labels: selectorLabels(this.workloadName) },
      type: 'Opaque',
      stringData: { ...plaintext },
    });
    markInsecureOptIn(secret, {
      optIn: 'insecurePlaintextSecrets', risk: `${Object.keys(plaintext).length} secret value(s) written into the YAML in plain text`,
      instead: 'secretEnv with an existing Secret',
    });
    (this as { plaintextSecret?: k8s.KubeSecret }).plaintextSecret = secret;
    for (const key of Object.keys(plaintext)) {
      addEnv(this, this.mainContainer, { name: key, valueFrom: { secretKeyRef: { name: secret.name, key } } });
    }
  }

  private createVpa(metadata: { name: string; labels: Record<string, string> }, workload: ReleasedWorkload): ApiObject {
    return new ApiObject(this, 'Vpa', {
      apiVersion: 'autoscaling.k8s.io/v1',
      kind: 'VerticalPodAutoscaler',
      metadata,
      spec: {
        targetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
        updatePolicy: { updateMode: 'Off' },
        resourcePolicy: { containerPolicies: [{ containerName: MAIN_CONTAINER, controlledResources: ['cpu', 'memory'] }] },
      },
    });
  }
}

/** Construct ids of the scopes holding the HPA and PDB of workloads other than the stable one. */
const ROLE_SCOPES: Record<ReleasedWorkload['role'], string> = { stable: 'Stable', canary: 'Canary', blue: 'Blue', green: 'Green' };

/** The label a workload's own objects carry beside the service's labels. */
function releaseLabel(workload: ReleasedWorkload): Record<string, string> {
  if (workload.role === 'blue' || workload.role === 'green') return { [ReleaseLabels.COLOR]: workload.role };
  if (workload.role === 'canary') return { [ReleaseLabels.TRACK]: 'canary' };
  return {};
}

function sum(numbers: readonly number[]): number {
  return numbers.reduce((a, b) => a + b, 0);
}

/** Default resources of sidecars and init containers. */
const SMALL_CONTAINER: ContainerResources = { requests: { cpu: '50m', memory: '64Mi' } };

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkMountPath(scope: Construct, prop: string, path: string): void {
  if (typeof path !== 'string' || !/^\/[A-Za-z0-9._\-/]*$/.test(path)) {
    throw PatternError.invalidProp(scope, prop, path, 'must be an absolute path such as "/etc/config"');
  }
}

function seconds(scope: Construct, prop: string, duration: Duration): number {
  const s = duration.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 0) {
    throw PatternError.invalidProp(scope, prop, `${s}s`, 'must be a whole number of seconds, 0 or more');
  }
  return s;
}

function stringifyConfig(scope: Construct, config: ResilientMicroserviceProps['config']): Record<string, string> | undefined {
  const keys = Object.keys(config ?? {});
  if (keys.length === 0) return undefined;
  const data: Record<string, string> = {};
  for (const key of keys.sort()) {
    checkEnvName(scope, 'config', key);
    data[key] = String(config![key]);
  }
  return data;
}

/** The tag of an image reference, for the version label (digests carry no readable version). */
function imageVersion(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : undefined;
  return tag && /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(tag) ? tag : undefined;
}
