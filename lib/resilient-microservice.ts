// ResilientMicroservice: from an image and a port, a hardened, probed, autoscaled, disruption-safe service.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from './errors';
import { LabelKeys, mergeLabels } from './labels';
import { checkExposeOptions, exposeService, releaseRoute } from './edge/service-exposure';
import { ServiceIngress } from './network/service-ingress';
import { IConnectable } from './network/wiring-graph';
import { ServiceMonitor } from './observability/service-monitor';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod/config-hash';
import { addEnv, ContainerExtras, renderContainer, RenderedContainer } from './pod/container';
import { Probe } from './pod/probes';
import { initContainerCharges, renderSidecars, SMALL_CONTAINER } from './pod/sidecars';
import { workloadPodTemplate } from './pod/workload-pod';
import * as k8s from './private/k8s';
import {
  checkAbsolutePath, checkEnvName, checkPort, checkProps, checkUnique, checkWholeSeconds,
} from './private/prop-checks';
import { createReleaseObjects, ReleasedWorkload } from './release/release-objects';
import { IRelease, PodVariant, ReleasePlan } from './release/release-plan';
import { Release } from './release/release-strategy';
import { resolveReplicaBounds } from './scaling/horizontal-autoscaler';
import { ResilientMicroserviceProps } from './resilient-microservice-props';
import { addSecretEnv, mountSecretFiles } from './pod/secret-refs';
import { markInsecureOptIn } from './insecure-opt-in';
import { Workload } from './workload';
import { sharedPart, sharedPartOf } from './pod/shared-parts';

const MAIN_CONTAINER = 'app';

/** The startup probe's timings, on the liveness check: every 5 s, for up to 150 s. */
const STARTUP_TIMINGS = { initialDelay: Duration.seconds(0), period: Duration.seconds(5), failureThreshold: 30 };
/** The release of a service whose props name none; one for all, as a release holds no state of a service. */
const DEFAULT_RELEASE = Release.rollingUpdate();
const DEFAULT_LIVENESS = Probe.http('/health');
/** The probes of a service whose props give none. */
const DEFAULT_PROBES = {
  liveness: DEFAULT_LIVENESS,
  readiness: Probe.http('/ready', { period: Duration.seconds(5) }),
  startup: DEFAULT_LIVENESS.withTimings(STARTUP_TIMINGS),
};

/** The main container and what the pod needs around it, before any object is built. */
interface PodParts {
  readonly main: RenderedContainer;
  readonly sidecars: readonly RenderedContainer[];
  /** Native sidecars, also the first of `initContainers`. */
  readonly nativeSidecars: readonly RenderedContainer[];
  readonly initContainers: readonly RenderedContainer[];
  readonly volumes: k8s.Volume[];
  readonly annotations: Record<string, string>;
  readonly config?: Record<string, string>;
  readonly terminationGracePeriodSeconds: number;
}

/**
 * A stateless service: Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget, ServiceAccount,
 * NetworkPolicy and optional ConfigMaps and VPA, all hardened and labelled.
 */
export class ResilientMicroservice extends Workload implements IConnectable {
  public readonly port: number;
  public readonly host: string;
  /** The replica count when autoscaling is off; undefined when an HPA owns it. */
  public readonly replicas?: number;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly release: IRelease;
  /** What the release planned: its pod controllers, Services and ConfigMaps, as values. */
  public readonly releasePlan: ReleasePlan;
  /** Every pod controller of the release (Deployments or a Rollout), the one serving live traffic first. */
  public readonly workloads: readonly ReleasedWorkload[];
  /** The Argo Rollout, under `Release.argoRollout()`. */
  public readonly rollout?: ApiObject;
  /** The main Service `<name>`. */
  public readonly service: k8s.KubeService;
  /** Services the release added: `<name>-preview` (blue/green), `<name>-canary`. */
  public readonly releaseServices: readonly k8s.KubeService[];
  /** The HPA of the live workload, when autoscaling. */
  public readonly hpa?: k8s.KubeHorizontalPodAutoscalerV2;
  /** One HPA per autoscaled workload (both blue/green colours). */
  public readonly hpas: readonly k8s.KubeHorizontalPodAutoscalerV2[];
  /** The PDB of the live workload. */
  public readonly pdb: k8s.KubePodDisruptionBudget;
  /** One PDB per workload, so a broken canary or preview colour never blocks drains of the live pods. */
  public readonly pdbs: readonly k8s.KubePodDisruptionBudget[];
  /** The Ingress of old, when `ingress` is set. */
  public readonly ingress?: ServiceIngress;
  /** The HTTPRoutes (Ingresses under the Ingress edge) of `expose`, the main one first; empty when not exposed. */
  public readonly routes: readonly ApiObject[];
  /** The metrics port, when `metrics` is set. */
  public readonly metricsPort?: number;
  /** The metrics path, when `metrics` is set. */
  public readonly metricsPath?: string;
  /** The ServiceMonitor, when metrics are on and the environment or `metrics.serviceMonitor` asks for one. */
  public readonly serviceMonitor?: ServiceMonitor;
  public readonly configMap?: k8s.KubeConfigMap;
  public readonly filesConfigMap?: k8s.KubeConfigMap;
  public readonly plaintextSecret?: k8s.KubeSecret;
  public readonly verticalPodAutoscaler?: ApiObject;
  /** The main container, for adjustments the props do not foresee. */
  public readonly mainContainer: RenderedContainer;

  constructor(scope: Construct, id: string, props: ResilientMicroserviceProps) {
    checkProps(scope, id, props, ['image']);
    const port = props.port ?? 8080;
    super(scope, id, { name: props.name ?? id, component: props.component ?? 'backend', runAsUser: props.runAsUser, connectionPorts: [{ port }], podOptions: props });
    checkPort(this, 'port', port);
    this.port = port;
    this.host = `${this.workloadName}.${this.namespace}.svc.cluster.local`;
    this.release = props.release ?? DEFAULT_RELEASE;
    if (props.configMountPath !== undefined) checkAbsolutePath(this, 'configMountPath', props.configMountPath);
    const bounds = resolveReplicaBounds(this, props.autoscaling, props.replicas, this.platform.environment);
    this.replicas = bounds.replicas;
    this.minReplicas = bounds.minReplicas;
    this.maxReplicas = bounds.maxReplicas;
    if (props.metrics) {
      this.metricsPort = this.checkMetricsPort(props.metrics.port);
      this.metricsPath = props.metrics.path ?? '/metrics';
    }

    const parts = this.podParts(props);
    this.mainContainer = parts.main;
    if (parts.config) this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: this.metadata(`${this.workloadName}-config`), data: parts.config });
    if (Object.keys(props.configFiles ?? {}).length > 0) {
      this.filesConfigMap = new k8s.KubeConfigMap(this, 'FilesConfigMap', { metadata: this.metadata(`${this.workloadName}-files`), data: { ...props.configFiles } });
    }
    this.plaintextSecret = this.addPlaintextSecrets(props.insecurePlaintextSecrets ?? {});
    const expose = props.expose && checkExposeOptions(this, props, this.workloadName);
    if (props.ingress) {
      this.ingress = new ServiceIngress(this, 'Ingress', {
        ...props.ingress, peer: this, serviceName: this.workloadName, portName: 'http', port: this.port, labels: { ...this.labels },
      });
    }
    this.releasePlan = this.release._plan({
      scope: this, workloadName: this.workloadName, podSelector: this.podSelector, image: props.image, replicas: this.replicas,
      minReplicas: this.minReplicas, maxReplicas: this.maxReplicas, config: parts.config, ingress: this.ingress,
      route: expose && releaseRoute(this.platform.edge, this.workloadName, this.namespace),
    });
    const released = createReleaseObjects(this, {
      plan: this.releasePlan, labels: this.labels, servicePorts: this.servicePorts(), autoscaling: bounds.autoscaling,
      podTemplate: (variant) => this.podTemplate(props, parts, variant), ingress: this.ingress,
      singleLabelSelector: { podSelector: this.podSelector, label: this.policySelector },
    });
    this.workloads = released.workloads;
    this.adoptPodControllers(this.workloads.map((w) => w.apiObject));
    this.routes = expose ? exposeService(this, expose, this.releasePlan.routes, { edge: this.platform.edge, port: this.port }) : [];
    this.service = released.services[0];
    this.releaseServices = released.services.slice(1);
    this.hpas = released.hpas;
    this.hpa = released.hpas.find((hpa) => hpa.name === this.workloads[0].name);
    this.pdbs = released.pdbs;
    this.pdb = released.pdbs[0];
    if (this.workloads[0].kind === 'Rollout') this.rollout = this.workloads[0].apiObject;
    if (props.metrics) {
      this.serviceMonitor = ServiceMonitor.ifEnabled(this, {
        enabled: props.metrics.serviceMonitor, workloadName: this.workloadName, serviceSelector: this.labels, labels: this.labels,
        path: this.metricsPath, httpMetrics: props.metrics.httpMetrics ?? true,
      });
    }
    if (props.verticalPodAutoscaler) this.verticalPodAutoscaler = this.createVpa(this.workloads[0]);
    this.declareOwnFootprint(parts);
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

  /** Adds a plain env var to the main container. */
  public addEnv(name: string, value: string): void {
    addEnv(this, this.mainContainer, { name, value });
  }

  private checkMetricsPort(port: number): number {
    checkPort(this, 'metrics.port', port);
    if (port === this.port) throw PatternError.invalidProp(this, 'metrics.port', port, `must differ from port (${this.port})`);
    return port;
  }

  /** Renders the containers, volumes and annotations every pod of the service shares. */
  private podParts(props: ResilientMicroserviceProps): PodParts {
    const config = stringifyConfig(this, props.config);
    const hasFiles = Object.keys(props.configFiles ?? {}).length > 0;
    const fileVolumes: k8s.Volume[] = hasFiles ? [{ name: 'config-files', configMap: { name: `${this.workloadName}-files` } }] : [];
    const ports = [{ name: 'http', port: this.port }, ...(this.metricsPort ? [{ name: 'metrics', port: this.metricsPort }] : [])];
    const main = renderContainer(this, 'props', {
      name: MAIN_CONTAINER, image: props.image, command: props.command, args: props.args, env: props.env,
      ports, resources: props.resources, writablePaths: props.writablePaths,
    }, props.allowWritableRootFilesystem ? { ...this.hardening, readOnlyRootFilesystem: false } : this.hardening, undefined,
    this.mainExtras(props, config !== undefined, hasFiles));
    const side = renderSidecars(this, props.sidecars ?? [], props.sharedVolumes ?? [], this.hardening);
    const sidecars = side.plain;
    const nativeSidecars = side.native;
    // Lists the pod keeps by concat, which allocates what they hold (push and spreads keep room for 17).
    const initContainers = nativeSidecars.concat(
      (props.initContainers ?? []).map((s, i) => renderContainer(this, `initContainers[${i}]`, s, this.hardening, SMALL_CONTAINER)));
    checkUnique(this, 'containers', [main, ...sidecars, ...initContainers].map((c) => c.container.name));
    main.container.volumeMounts!.push(...side.mounts);
    addSecretEnv(this, main, props.secretEnv);
    const volumes = fileVolumes.concat(side.volumes, mountSecretFiles(this, 'secretFiles', main, props.secretFiles, 'secret-'));
    const annotations: Record<string, string> = {
      [CONFIG_HASH_ANNOTATION]: configHash(config, props.configFiles, props.insecurePlaintextSecrets),
      ...(this.metricsPort ? this.exposeMetrics(this.metricsPort, this.metricsPath!) : {}),
    };
    const terminationGracePeriodSeconds = checkWholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(30));
    return { main, sidecars, nativeSidecars, initContainers, volumes, annotations, config, terminationGracePeriodSeconds };
  }

  /** The pod template of one variant: the shared parts with the variant's image, ConfigMap and labels. */
  private podTemplate(props: ResilientMicroserviceProps, parts: PodParts, variant: PodVariant): k8s.PodTemplateSpec {
    // Variants share the rendered main container (and so its env, open until synth); only the image and the
    // ConfigMap differ.
    const main = variant.configMapName === undefined && variant.image === props.image ? parts.main : {
      ...parts.main,
      container: {
        ...parts.main.container,
        image: variant.image,
        envFrom: variant.configMapName ? [{ configMapRef: { name: variant.configMapName } }] : parts.main.container.envFrom,
      },
    };
    const version = imageVersion(variant.image);
    return workloadPodTemplate({
      labels: mergeLabels(this.platform.labels, this.labels, variant.selector, version ? { [LabelKeys.VERSION]: version } : undefined),
      // A variant of the service's config gets its own hash; the others have the parts' hash already.
      annotations: variant.config === undefined ? parts.annotations : mergeLabels(parts.annotations, {
        [CONFIG_HASH_ANNOTATION]: configHash(variant.config, props.configFiles, props.insecurePlaintextSecrets),
      }),
      serviceAccountName: this.serviceAccount.name,
      containers: [main, ...parts.sidecars],
      initContainers: parts.initContainers,
      volumes: parts.volumes,
      identity: this.hardening.identity,
      terminationGracePeriodSeconds: parts.terminationGracePeriodSeconds,
      // Spread all the service's pods together, whatever their track or colour.
      spreadSelector: this.podSelector,
      options: this.podOptions,
    });
  }

  /** The ports of every Service of the release; services on the same ports share them (see sharedPart). */
  private servicePorts(): readonly k8s.ServicePort[] {
    const ports = [{ name: 'http', port: this.port }, ...(this.metricsPort ? [{ name: 'metrics', port: this.metricsPort }] : [])];
    return sharedPart(`service-ports:${this.port}/${this.metricsPort}`,
      () => ports.map((p) => ({ name: p.name, port: p.port, targetPort: k8s.IntOrString.fromString(p.name), protocol: 'TCP' })));
  }

  /** What only the main container has: probes, the preStop pause, the config as env and the config files. */
  private mainExtras(props: ResilientMicroserviceProps, hasConfig: boolean, hasFiles: boolean): ContainerExtras {
    const liveness = props.probes?.liveness ?? DEFAULT_PROBES.liveness;
    const readiness = props.probes?.readiness ?? DEFAULT_PROBES.readiness;
    const startup = props.probes?.startup
      ?? (liveness === DEFAULT_PROBES.liveness ? DEFAULT_PROBES.startup : liveness.withTimings(STARTUP_TIMINGS));
    const delay = checkWholeSeconds(this, 'preStopDelay', props.preStopDelay ?? Duration.seconds(5));
    return {
      livenessProbe: this.renderProbe(liveness, 'probes.liveness'),
      readinessProbe: this.renderProbe(readiness, 'probes.readiness'),
      startupProbe: startup === false ? undefined : this.renderProbe(startup, 'probes.startup'),
      lifecycle: this.preStopPause(delay),
      envFrom: hasConfig ? [{ configMapRef: { name: `${this.workloadName}-config` } }] : undefined,
      volumeMounts: hasFiles ? [{ name: 'config-files', mountPath: props.configMountPath ?? '/etc/config', readOnly: true }] : [],
    };
  }

  /** A probe against the `http` port; the default ones are rendered once and shared (see sharedPartOf). */
  private renderProbe(probe: Probe, prop: string): k8s.Probe {
    const isDefault = probe === DEFAULT_PROBES.liveness || probe === DEFAULT_PROBES.readiness || probe === DEFAULT_PROBES.startup;
    return isDefault ? sharedPartOf(probe, 'http', () => probe.render(this, prop, 'http')) : probe.render(this, prop, 'http');
  }

  private addPlaintextSecrets(plaintext: Readonly<Record<string, string>>): k8s.KubeSecret | undefined {
    if (Object.keys(plaintext).length === 0) return undefined;
    const secret = new k8s.KubeSecret(this, 'PlaintextSecret', {
      metadata: { name: `${this.workloadName}-plaintext`, labels: { ...this.podSelector } },
      type: 'Opaque',
      stringData: { ...plaintext },
    });
    markInsecureOptIn(secret, {
      optIn: 'insecurePlaintextSecrets', risk: `${Object.keys(plaintext).length} secret value(s) written into the YAML in plain text`,
      instead: 'secretEnv with an existing Secret',
    });
    for (const key of Object.keys(plaintext)) {
      addEnv(this, this.mainContainer, { name: key, valueFrom: { secretKeyRef: { name: secret.name, key } } });
    }
    return secret;
  }

  private createVpa(workload: ReleasedWorkload): ApiObject {
    return new ApiObject(this, 'Vpa', {
      apiVersion: 'autoscaling.k8s.io/v1',
      kind: 'VerticalPodAutoscaler',
      metadata: this.metadata(),
      spec: {
        targetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
        updatePolicy: { updateMode: 'Off' },
        resourcePolicy: { containerPolicies: [{ containerName: MAIN_CONTAINER, controlledResources: ['cpu', 'memory'] }] },
      },
    });
  }

  /** One footprint for all the service's pods: both colours, or stable plus canary replicas. */
  private declareOwnFootprint(parts: PodParts): void {
    // Native sidecars run all along: they count with the containers, and with every init container started after them.
    const natives = parts.nativeSidecars.map((s) => s.resources);
    const initContainers = initContainerCharges(parts.initContainers.slice(natives.length).map((c) => c.resources), natives);
    this.declareFootprint({
      kind: this.workloads[0].kind,
      controllers: this.workloads.map((w) => w.name),
      minReplicas: sum(this.workloads.map((w) => w.minReplicas)),
      maxReplicas: sum(this.workloads.map((w) => w.maxReplicas)),
      surge: sum(this.workloads.map((w) => w.surge)),
      containers: [this.mainContainer.resources].concat(parts.sidecars.map((s) => s.resources), natives),
      initContainers,
      storageBytesPerReplica: 0,
      claimsPerReplica: 0,
    });
  }
}

function sum(numbers: readonly number[]): number {
  return numbers.reduce((a, b) => a + b, 0);
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
