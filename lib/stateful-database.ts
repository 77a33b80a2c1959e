// StatefulDatabase: a database engine as a hardened StatefulSet with persistent volumes, reachable only by its clients.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { DatabaseBackup, DatabaseBackupOptions } from './database/database-backup';
import { DatabaseCredentials, ResolvedCredentials } from './database/database-credentials';
import { DatabaseClients, serviceUsers as createServiceUsers } from './database/database-users';
import {
  CLIENTS_DIR, DatabaseClient, EngineContainerPlan, EngineContext, EngineSideContainer, IDatabaseEngine, SERVICE_USERS_DIR, ServiceUser,
} from './database/engine-contract';
import { LabelKeys } from './labels';
import { IConnectable, INetworkPeer, WiringGraph } from './network/wiring-graph';
import { ServiceMonitor } from './observability/service-monitor';
import { CONFIG_HASH_ANNOTATION, configHash } from './pod/config-hash';
import { addEnv, renderContainer, RenderedContainer } from './pod/container';
import { Probe } from './pod/probes';
import { formatBytes, parseBytes } from './pod/resources';
import { workloadPodTemplate } from './pod/workload-pod';
import { PatternError } from './errors';
import * as k8s from './private/k8s';
import { checkDnsSubdomain, checkEnvName, checkInteger, checkProps, checkUnique, checkWholeSeconds } from './private/prop-checks';
import { initContainerCharges, renderSidecars } from './pod/sidecars';
import { disruptionBudget } from './scaling/disruption-budget';
import { StatefulDatabaseProps } from './stateful-database-props';
import { Workload } from './workload';

export type { ClaimRetentionPolicy, StatefulDatabaseProps } from './stateful-database-props';

const MAIN_CONTAINER = 'database';
const SHARED_MEMORY_VOLUME = 'shm';
const CLIENTS_VOLUME = 'clients';
const SERVICE_USERS_VOLUME = 'service-users';
/** The client Secrets' files: readable by the pod's group (fsGroup) only. */
const CLIENT_SECRET_MODE = 0o440;
const MI = 1024 * 1024;
/** Marks the exporter's Service, which its ServiceMonitor selects. */
const METRICS_SERVICE_LABEL = 'cdk8s-patterns.io/metrics';

/**
 * A database: StatefulSet with a data volume per replica, headless Service for stable identities, client
 * Service, ConfigMap with the engine's configuration, PodDisruptionBudget, NetworkPolicy, ServiceAccount, and
 * optional metrics sidecar and backup CronJob. Clients wire themselves with `microservice.connectTo(database)`.
 */
export class StatefulDatabase extends Workload implements IConnectable {
  public readonly engine: IDatabaseEngine;
  public readonly port: number;
  /**
   * Where clients write: the client Service with one replica; pod 0's stable name (through the headless
   * Service) with more, since the client Service then spreads connections over the read replicas too.
   */
  public readonly host: string;
  /**
   * Where clients read: the `<name>-read` Service with more than one replica (every ready pod, the primary
   * included), the client Service with one. Clients get it as `DATABASE_READ_HOST` or `REDIS_READ_HOST`.
   */
  public readonly readHost: string;
  public readonly replicas: number;
  public readonly storageBytes: number;
  public readonly metricsEnabled: boolean;
  public readonly credentials: ResolvedCredentials;
  /**
   * The users the kit connects as itself, read-only: `metrics` (the exporter) and `backup` (the backup job), each
   * with its password in `<name>-<user>-credentials` (key `password`), which the platform makes like a client's.
   */
  public readonly serviceUsers: readonly ServiceUser[];
  public readonly statefulSet: k8s.KubeStatefulSet;
  /** The client Service. */
  public readonly service: k8s.KubeService;
  /** The headless Service that gives each pod a stable DNS name (the StatefulSet's serviceName). */
  public readonly headlessService: k8s.KubeService;
  /**
   * `<name>-read`, the read endpoint, with more than one replica. It selects every pod of the database: a
   * Service cannot leave out one pod, and a role label would need each pod to patch itself through the API.
   * Reads on the primary are the freshest, and reads go on while a standby is cloned again.
   */
  public readonly readService?: k8s.KubeService;
  /** `<name>-metrics`, the exporter's port for Prometheus, when metrics are on. */
  public readonly metricsService?: k8s.KubeService;
  /** Scrapes `metricsService`, when metrics are on. */
  public readonly serviceMonitor?: ServiceMonitor;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly pdb: k8s.KubePodDisruptionBudget;
  /** The backup CronJob and its volume, when backups are on. */
  public readonly backup?: DatabaseBackup;
  /** The ExternalSecret, when the credentials come from External Secrets Operator. */
  public readonly externalSecret?: ApiObject;
  /** The Secret with plain-text credentials, when opted in. */
  public readonly plaintextSecret?: k8s.KubeSecret;
  public readonly mainContainer: RenderedContainer;
  public readonly metricsContainer?: RenderedContainer;
  private readonly context: EngineContext;
  private readonly clientUsers: DatabaseClients;

  constructor(scope: Construct, id: string, props: StatefulDatabaseProps) {
    checkProps(scope, id, props, ['engine']);
    const engine = props.engine;
    // The name leaves room for the "-headless" and "-backup" suffixes.
    super(scope, id, {
      name: props.name ?? id, maxNameLength: 52, component: engine.engineName, runAsUser: props.runAsUser,
      connectionPorts: [{ port: engine.port }], connectionKind: 'database', podOptions: props, priorityTier: 'data',
    });
    this.engine = engine;
    this.clientUsers = new DatabaseClients(this, engine, this.workloadName);
    this.engine.validate(this);
    this.port = this.engine.port;
    this.replicas = props.replicas ?? this.platform.environment.databaseReplicas;
    checkInteger(this, 'replicas', this.replicas, 1, 100);
    this.storageBytes = parseBytes(this, 'storage', props.storage ?? '10Gi');
    if (props.storageClassName !== undefined) checkDnsSubdomain(this, 'storageClassName', props.storageClassName);
    const terminationGracePeriodSeconds = checkWholeSeconds(this, 'terminationGracePeriod', props.terminationGracePeriod ?? Duration.seconds(60));
    const headlessName = `${this.workloadName}-headless`;
    const serviceHost = `${this.workloadName}.${this.namespace}.svc.cluster.local`;
    const primaryHost = `${this.workloadName}-0.${headlessName}.${this.namespace}.svc.cluster.local`;
    this.host = this.replicas > 1 ? primaryHost : serviceHost;
    this.readHost = this.replicas > 1 ? `${this.workloadName}-read.${this.namespace}.svc.cluster.local` : serviceHost;
    this.metricsEnabled = props.metrics ?? this.platform.environment.metrics;
    this.credentials = (props.credentials ?? DatabaseCredentials.fromExistingSecret(`${this.workloadName}-credentials`))
      ._bind(this, this.workloadName, this.engine.credentialRequirements);
    [this.externalSecret, this.plaintextSecret] = [this.credentials.externalSecret, this.credentials.plaintextSecret];
    const backup = props.backup ?? (this.platform.environment.backups ? {} : false);
    const serviceUsers = createServiceUsers(this, this.workloadName, this.metricsEnabled, backup !== false);
    this.serviceUsers = Object.values(serviceUsers);
    this.context = { scope: this, workloadName: this.workloadName, primaryHost, replicas: this.replicas,
      storageBytes: this.storageBytes, readHost: this.readHost, credentials: this.credentials, serviceUsers };

    const configFiles = this.engine.configFiles(this.context);
    this.configMap = new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: this.metadata(`${this.workloadName}-config`), data: configFiles });
    const plan = this.engine.container(this.context);
    this.mainContainer = this.renderEngineContainer(plan, props);
    if (this.metricsEnabled) this.metricsContainer = this.renderMetricsContainer();
    if (this.replicas > 1) {
      // Replicas stream from pod 0 on the engine port.
      WiringGraph.of(this).connect({ from: this, to: this, ports: this.connectionPorts, kind: 'database', label: 'replication' });
    }
    const side = renderSidecars(this, props.sidecars ?? [], props.sharedVolumes ?? [], this.hardening);
    this.mainContainer.container.volumeMounts!.push(...side.mounts);
    const containers = [this.mainContainer, ...(this.metricsContainer ? [this.metricsContainer] : []), ...side.plain];
    const engineInit = plan.initContainer ? [this.renderInitContainer(plan.initContainer)] : [];
    const initContainers = [...side.native, ...engineInit];
    checkUnique(this, 'containers', [...containers, ...initContainers].map((c) => c.container.name));
    const volumes = [...this.sharedMemoryVolumes(plan), ...side.volumes];
    const template = this.podTemplate(configFiles, { containers, initContainers, volumes }, terminationGracePeriodSeconds);
    [this.headlessService, this.service] = this.createServices(headlessName);
    if (this.replicas > 1) this.readService = this.createReadService();
    if (this.metricsEnabled) [this.metricsService, this.serviceMonitor] = this.createMetricsService();
    this.statefulSet = this.createStatefulSet(props, template);
    // One pod at a time may be evicted, also with a single replica: a drain then costs a short outage rather than
    // blocking a node upgrade forever; with replicas, the others keep serving reads meanwhile.
    this.pdb = disruptionBudget(this, { metadata: this.metadata(), selector: this.policySelector });
    this.declareStatefulFootprint(containers, side.native, engineInit);
    this.backup = this.createBackup(backup, props);
  }

  /** What the replicas charge the namespace: every container, the native sidecars, and the init containers' peak. */
  private declareStatefulFootprint(containers: readonly RenderedContainer[], nativeSidecars: readonly RenderedContainer[], engineInit: readonly RenderedContainer[]): void {
    this.declareFootprint({
      kind: 'StatefulSet', controllers: [this.workloadName], minReplicas: this.replicas, maxReplicas: this.replicas, surge: 0,
      containers: [...containers, ...nativeSidecars].map((c) => c.resources),
      initContainers: initContainerCharges(engineInit.map((c) => c.resources), nativeSidecars.map((c) => c.resources)),
      storageBytesPerReplica: this.storageBytes, claimsPerReplica: 1,
    });
  }

  /** The clients that connected, each with its own user and Secret, by workload name. */
  public get clients(): readonly DatabaseClient[] {
    return this.clientUsers.all;
  }

  /**
   * Env a client gets: host and port as values, its own user name, and its password from its own Secret
   * `<database>-<client>-credentials` (key `password`), which the database mounts to create that user.
   * `connectTo` passes the client; the engine's own credentials are never given to a client.
   */
  public connectionEnv(envPrefix?: string, client?: INetworkPeer): k8s.EnvVar[] {
    if (envPrefix !== undefined) checkEnvName(this, 'connectionEnv.envPrefix', envPrefix);
    if (client === undefined || typeof client.workloadName !== 'string') {
      throw PatternError.invalidProp(this, 'connectionEnv.client', client,
        'must be the workload that connects: use client.connectTo(database), which gives it a user of its own');
    }
    if (client === (this as INetworkPeer)) {
      throw PatternError.invalidProp(this, 'connectionEnv.client', client.node.path, 'must be another workload than the database itself');
    }
    return this.engine.clientEnv(this.context, this.host, envPrefix ?? '', this.clientUsers.register(client.workloadName));
  }

  private podTemplate(configFiles: Record<string, string>,
    pod: { containers: readonly RenderedContainer[]; initContainers: readonly RenderedContainer[]; volumes: readonly k8s.Volume[] },
    terminationGracePeriodSeconds: number): k8s.PodTemplateSpec {
    const annotations: Record<string, string> = { [CONFIG_HASH_ANNOTATION]: configHash(configFiles) };
    if (this.metricsEnabled) Object.assign(annotations, this.exposeMetrics(this.engine.exporterPort, '/metrics'));
    return workloadPodTemplate({
      labels: { ...this.platform.labels, ...this.labels, [LabelKeys.VERSION]: this.engine.version },
      annotations,
      serviceAccountName: this.workloadName,
      containers: pod.containers,
      initContainers: pod.initContainers,
      volumes: [
        { name: 'config', configMap: { name: this.configMap.name } },
        { name: CLIENTS_VOLUME, projected: { defaultMode: CLIENT_SECRET_MODE, sources: this.clientUsers.volumeSources } },
        // Optional like the clients': a missing Secret keeps its user from logging in, not the database from starting.
        { name: SERVICE_USERS_VOLUME, projected: { defaultMode: CLIENT_SECRET_MODE, sources: this.serviceUsers.map((u) => ({
          secret: { name: u.secretName, optional: true, items: [{ key: u.passwordKey, path: `${u.user}/password` }] },
        })) } },
        ...pod.volumes,
      ],
      identity: this.hardening.identity,
      terminationGracePeriodSeconds,
      spreadSelector: this.replicas > 1 ? { ...this.podSelector } : undefined,
      options: this.podOptions,
    });
  }

  /**
   * A tmpfs for /dev/shm, a quarter of the memory request. Its pages are charged to the container's memory, so
   * the footprint (requests and limits) already holds it; the limit keeps a runaway from taking all of it.
   */
  private sharedMemoryVolumes(plan: EngineContainerPlan): k8s.Volume[] {
    if (!plan.sharedMemory) return [];
    const bytes = Math.max(MI, Math.floor(this.mainContainer.resources.requests.memoryBytes / 4 / MI) * MI);
    return [{ name: SHARED_MEMORY_VOLUME, emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString(formatBytes(bytes)) } }];
  }

  private createServices(headlessName: string): [k8s.KubeService, k8s.KubeService] {
    const servicePorts = this.clientPorts();
    const headless = new k8s.KubeService(this, 'HeadlessService', {
      metadata: this.metadata(headlessName),
      spec: {
        clusterIp: 'None',
        // Pods resolve before they are ready, so replicas find the primary and peers find each other while starting.
        publishNotReadyAddresses: true,
        selector: { ...this.podSelector },
        ports: servicePorts,
      },
    });
    const client = new k8s.KubeService(this, 'Service', {
      metadata: this.metadata(),
      spec: { type: 'ClusterIP', selector: { ...this.podSelector }, ports: servicePorts },
    });
    return [headless, client];
  }

  private createReadService(): k8s.KubeService {
    return new k8s.KubeService(this, 'ReadService', {
      metadata: this.metadata(`${this.workloadName}-read`),
      spec: { type: 'ClusterIP', selector: { ...this.podSelector }, ports: this.clientPorts() },
    });
  }

  /** The engine's port, as every client Service exposes it. */
  private clientPorts(): k8s.ServicePort[] {
    return [{ name: this.engine.engineName, port: this.port, targetPort: k8s.IntOrString.fromString(this.engine.engineName), protocol: 'TCP' }];
  }

  /** The exporter gets a Service of its own, so that scraping never touches the clients' Services. */
  private createMetricsService(): [k8s.KubeService, ServiceMonitor] {
    const service = new k8s.KubeService(this, 'MetricsService', {
      metadata: { name: `${this.workloadName}-metrics`, labels: { ...this.labels, [METRICS_SERVICE_LABEL]: 'true' } },
      spec: {
        type: 'ClusterIP',
        selector: { ...this.podSelector },
        ports: [{ name: 'metrics', port: this.engine.exporterPort, targetPort: k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
      },
    });
    const monitor = new ServiceMonitor(this, 'ServiceMonitor', {
      workloadName: this.workloadName,
      serviceSelector: { ...this.podSelector, [METRICS_SERVICE_LABEL]: 'true' },
      labels: { ...this.labels },
      databaseExporter: this.engine.engineName === 'redis' ? 'redis' : 'postgresql',
    });
    return [service, monitor];
  }

  /**
   * cdk8s-plus-28's StatefulSet construct cannot declare volumeClaimTemplates (added upstream only later), so the
   * low-level KubeStatefulSet is used rather than a JSON patch on a path the construct does not know.
   */
  private createStatefulSet(props: StatefulDatabaseProps, template: k8s.PodTemplateSpec): k8s.KubeStatefulSet {
    return new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: this.metadata(),
      spec: {
        serviceName: this.headlessService.name,
        replicas: this.replicas,
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate' },
        revisionHistoryLimit: 5,
        selector: { matchLabels: { ...this.podSelector } },
        persistentVolumeClaimRetentionPolicy: {
          whenDeleted: props.claimRetention?.whenDeleted ?? 'Retain',
          whenScaled: props.claimRetention?.whenScaled ?? 'Retain',
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data', labels: { ...this.podSelector } },
          spec: {
            accessModes: [props.accessMode ?? 'ReadWriteOnce'],
            storageClassName: props.storageClassName,
            resources: { requests: { storage: k8s.Quantity.fromString(formatBytes(this.storageBytes)) } },
          },
        }],
        template,
      },
    });
  }

  private createBackup(backup: DatabaseBackupOptions | false, props: StatefulDatabaseProps): DatabaseBackup | undefined {
    if (backup === false) return undefined;
    return new DatabaseBackup(this, 'Backup', {
      ...backup,
      database: this,
      plan: this.engine.backup(this.context, this.host),
      hardening: this.hardening,
      defaultStorage: formatBytes(this.storageBytes),
      databaseResources: props.resources ?? this.engine.defaultResources,
      // The backup keeps the database's placement and identity, but runs in the batch tier.
      podOptions: { ...props, priorityClassName: undefined, apiAccess: undefined },
    });
  }

  private renderEngineContainer(plan: EngineContainerPlan, props: StatefulDatabaseProps): RenderedContainer {
    const render = (probe: Probe, name: string) => probe.render(this, `engine.probes.${name}`, this.engine.engineName);
    const rendered = renderContainer(this, 'props', {
      name: MAIN_CONTAINER,
      image: this.engine.image,
      command: plan.command,
      args: plan.args,
      ports: [{ name: this.engine.engineName, port: this.port }],
      resources: props.resources,
      writablePaths: plan.writablePaths,
    }, this.hardening, this.engine.defaultResources, {
      livenessProbe: render(plan.liveness, 'liveness'),
      readinessProbe: render(plan.readiness, 'readiness'),
      startupProbe: render(plan.startup, 'startup'),
      volumeMounts: [
        { name: 'data', mountPath: this.engine.dataMountPath },
        { name: 'config', mountPath: this.engine.configMountPath, readOnly: true },
        { name: CLIENTS_VOLUME, mountPath: CLIENTS_DIR, readOnly: true },
        { name: SERVICE_USERS_VOLUME, mountPath: SERVICE_USERS_DIR, readOnly: true },
        ...(plan.sharedMemory ? [{ name: SHARED_MEMORY_VOLUME, mountPath: '/dev/shm' }] : []),
      ],
    });
    for (const variable of plan.env) addEnv(this, rendered, variable);
    return rendered;
  }

  private renderInitContainer(init: EngineSideContainer): RenderedContainer {
    const rendered = renderContainer(this, 'initContainer', {
      name: init.name, image: init.image, command: init.command, writablePaths: init.writablePaths,
    }, this.hardening, this.engine.defaultResources, {
      volumeMounts: init.mountsData ? [{ name: 'data', mountPath: this.engine.dataMountPath }] : [],
    });
    for (const variable of init.env) addEnv(this, rendered, variable);
    return rendered;
  }

  private renderMetricsContainer(): RenderedContainer {
    const exporter = this.engine.exporter(this.context);
    const rendered = renderContainer(this, 'metrics', {
      name: exporter.name,
      image: exporter.image,
      command: exporter.command,
      ports: [{ name: 'metrics', port: this.engine.exporterPort }],
      writablePaths: exporter.writablePaths,
    }, this.hardening, { requests: { cpu: '50m', memory: '64Mi' } }, {
      livenessProbe: Probe.tcp({ period: Duration.seconds(10) }).render(this, 'metrics.liveness', 'metrics'),
      readinessProbe: Probe.http('/', { period: Duration.seconds(10) }).render(this, 'metrics.readiness', 'metrics'),
    });
    for (const variable of exporter.env) addEnv(this, rendered, variable);
    return rendered;
  }
}
