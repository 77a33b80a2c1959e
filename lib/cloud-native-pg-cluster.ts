// CloudNativePgCluster: PostgreSQL with automatic failover, run by the CloudNativePG operator, reachable only by its clients.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  BARMAN_CLOUD_API_VERSION, BARMAN_SIDECAR_RESOURCES, checkCnpgBackup, CheckedCnpgBackup, CloudNativePgBackupOptions, objectStore, scheduledBackup,
} from './database/cnpg-backup';
import { CheckedPooler, checkPooler, clientSecretProblems, CloudNativePgPoolerOptions, clusterObject, databaseObject, poolerObject } from './database/cnpg-objects';
import { DatabaseClient } from './database/engine-contract';
import { PostgresEngine } from './database/postgres-engine';
import { PatternError } from './errors';
import { LabelKeys, selectorLabels } from './labels';
import { IConnectable, INetworkPeer, NetworkPort, WiringGraph } from './network/wiring-graph';
import { WorkloadNetworkPolicy } from './network/workload-network-policy';
import { PodMonitor } from './observability/pod-monitor';
import { Platform } from './platform';
import { ContainerResources, formatBytes, MemoryQuantity, parseBytes, ResolvedResources, resolveResources } from './pod/resources';
import * as k8s from './private/k8s';
import { checkDnsLabel, checkDnsSubdomain, checkEnvName, checkInteger, checkPinnedImage, checkProps } from './private/prop-checks';
import { Validation } from './validation/rule';

export type { CloudNativePgBackupOptions, CloudNativePgObjectStoreOptions } from './database/cnpg-backup';
export type { CloudNativePgPoolerOptions } from './database/cnpg-objects';

/** Where the CloudNativePG operator runs, for the NetworkPolicy that lets it reach the instances. */
export interface CloudNativePgOperator {
  /** @default 'cnpg-system' */
  readonly namespace?: string;
  /**
   * Labels of the operator's pods.
   * @default { 'app.kubernetes.io/name': 'cloudnative-pg' } (its manifests and its Helm chart)
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Props of a CloudNativePgCluster. */
export interface CloudNativePgClusterProps {
  /**
   * The name of the Cluster and of every object of it; the operator's Services are `<name>-rw`, `-ro` and `-r`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The PostgreSQL version, major.minor, as in the operator's operand image tags (15 to 18).
   * @default '17.6'
   */
  readonly postgresVersion?: string;
  /**
   * The operand image; it must be one of CloudNativePG's (or built like them).
   * @default - `ghcr.io/cloudnative-pg/postgresql:<postgresVersion>`
   */
  readonly imageName?: string;
  /**
   * PostgreSQL instances: one primary, the others streaming standbys the operator promotes on failure.
   * @default - the environment's databaseReplicas
   * @see https://cloudnative-pg.io/documentation/current/failover/
   */
  readonly instances?: number;
  /**
   * The application database, created at bootstrap and owned by a role of the same name (the engine's own).
   * @default 'app'
   */
  readonly databaseName?: string;
  /** @default '10Gi' */
  readonly storage?: MemoryQuantity;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * Requests and limits of each instance's postgres container, before the environment's scale.
   * @default - 250m / 512Mi requested, twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * A PgBouncer Pooler in front of the primary: clients then connect to it, and only it reaches the instances.
   * @default - none: clients connect to `<name>-rw`
   * @see https://cloudnative-pg.io/documentation/current/connection_pooling/
   */
  readonly pooler?: CloudNativePgPoolerOptions | false;
  /**
   * PodMonitors for the instances' exporter (9187) and the pooler's (9127).
   * @default - the environment's metrics setting
   */
  readonly metrics?: boolean;
  /**
   * WAL archiving and scheduled base backups to object storage through the Barman Cloud Plugin; `false` for none.
   * Required where the environment has backups on: the operator backs up to object storage only.
   * @default - none where the environment has backups off
   */
  readonly backup?: CloudNativePgBackupOptions | false;
  /** @default - namespace `cnpg-system`, pods `app.kubernetes.io/name=cloudnative-pg` */
  readonly operator?: CloudNativePgOperator;
}

const PORT = 5432;
const STATUS_PORT = 8000;
const INSTANCE_METRICS_PORT = 9187;
const POOLER_METRICS_PORT = 9127;
const DEFAULT_RESOURCES: ContainerResources = { requests: { cpu: '250m', memory: '512Mi', ephemeralStorage: '256Mi' }, limits: { ephemeralStorage: '1Gi' } };
const POOLER_RESOURCES: ContainerResources = { requests: { cpu: '50m', memory: '64Mi' } };
/** The role names of the StatefulSet engine, so a client keeps its role when its database moves between engines. */
const ROLE_NAMES = new PostgresEngine();

/** A group of the cluster's pods with a NetworkPolicy of its own: the instances, when a pooler is in front. */
class PodGroup extends Construct implements INetworkPeer {
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly networkPolicy: WorkloadNetworkPolicy;

  /** `selectorName` is the pods' `app.kubernetes.io/instance` label and the policy's name. */
  constructor(scope: Construct, id: string, public readonly workloadName: string, selectorName: string, labels: Record<string, string>) {
    super(scope, id);
    const platform = Platform.of(this);
    this.namespace = platform.namespaceName;
    this.podSelector = selectorLabels(selectorName);
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      peer: this, metadata: { name: selectorName, labels }, selector: { [LabelKeys.INSTANCE]: selectorName }, dns: platform.dns,
    });
  }
}

/**
 * PostgreSQL as a CloudNativePG `Cluster`: the operator runs the instances, fails over to a standby when the
 * primary is lost, and switches over for updates. The kit adds what it adds to every database: a role per
 * client from the client's own Secret, NetworkPolicies from the wiring, PodMonitors, backups to object storage
 * with alerts, and the pods' share of the namespace quota. Clients wire themselves with `app.connectTo(cluster)`.
 * @see https://cloudnative-pg.io/documentation/current/
 */
export class CloudNativePgCluster extends Construct implements IConnectable {
  public readonly workloadName: string;
  public readonly namespace: string;
  /** The pods clients reach: the pooler's when there is one, the instances' otherwise. */
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly connectionPorts: readonly NetworkPort[] = [{ port: PORT }];
  public readonly connectionKind = 'database' as const;
  public readonly port = PORT;
  /** Where clients write: the pooler's Service, or `<name>-rw` (always the current primary). */
  public readonly host: string;
  /** Where clients read: `<name>-ro` (the standbys) without a pooler and with more than one instance; `host` otherwise. */
  public readonly readHost: string;
  public readonly instances: number;
  public readonly postgresVersion: string;
  public readonly imageName: string;
  public readonly databaseName: string;
  public readonly metricsEnabled: boolean;
  public readonly cluster: ApiObject;
  /** The Database that gives each client a schema of its own. */
  public readonly database: ApiObject;
  public readonly pooler?: ApiObject;
  public readonly objectStore?: ApiObject;
  public readonly scheduledBackup?: ApiObject;
  public readonly podMonitors: readonly PodMonitor[];
  /** The policy of the pods clients reach. */
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /** The policy of the instances, when a pooler is in front of them (otherwise `networkPolicy`). */
  public readonly instancesNetworkPolicy: WorkloadNetworkPolicy;
  private readonly platform: Platform;
  private readonly instancePeer: INetworkPeer;
  private readonly clientsByName = new Map<string, DatabaseClient>();

  constructor(scope: Construct, id: string, props: CloudNativePgClusterProps = {}) {
    checkProps(scope, id, props, []);
    super(scope, id);
    this.platform = Platform.of(this);
    this.workloadName = props.name ?? id;
    // The operator names Services `<name>-rw` and the pooler `<name>-pooler`; the name stays a DNS label.
    checkDnsLabel(this, 'name', this.workloadName, 50);
    this.namespace = this.platform.namespaceName;
    this.postgresVersion = checkVersion(this, props.postgresVersion ?? '17.6');
    this.imageName = props.imageName ?? `ghcr.io/cloudnative-pg/postgresql:${this.postgresVersion}`;
    checkPinnedImage(this, 'imageName', this.imageName);
    this.instances = props.instances ?? this.platform.environment.databaseReplicas;
    checkInteger(this, 'instances', this.instances, 1, 10);
    this.databaseName = checkDatabaseName(this, props.databaseName ?? 'app');
    if (props.storageClassName !== undefined) checkDnsSubdomain(this, 'storageClassName', props.storageClassName);
    this.metricsEnabled = props.metrics ?? this.platform.environment.metrics;
    const backup = this.resolveBackup(props.backup);
    const pooler = props.pooler === undefined || props.pooler === false ? undefined : checkPooler(this, props.pooler);
    const poolerName = `${this.workloadName}-pooler`;
    const ns = `${this.namespace}.svc.cluster.local`;
    this.host = pooler ? `${poolerName}.${ns}` : `${this.workloadName}-rw.${ns}`;
    this.readHost = !pooler && this.instances > 1 ? `${this.workloadName}-ro.${ns}` : this.host;
    const front = pooler ? poolerName : this.workloadName;
    this.podSelector = selectorLabels(front);
    const labels = { ...selectorLabels(this.workloadName), [LabelKeys.COMPONENT]: 'postgresql' };
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      peer: this, metadata: { name: front, labels }, selector: { [LabelKeys.INSTANCE]: front }, dns: this.platform.dns,
    });
    const instances = pooler ? new PodGroup(this, 'Instances', `${this.workloadName}-instances`, this.workloadName, labels) : undefined;
    this.instancePeer = instances ?? this;
    this.instancesNetworkPolicy = instances?.networkPolicy ?? this.networkPolicy;
    [this.cluster, this.database] = this.createInstances(props, backup, labels);
    this.wireInstances(props.operator ?? {}, backup);
    if (pooler) this.pooler = this.createPooler(pooler, poolerName, labels);
    if (backup) {
      this.objectStore = objectStore(this, this.workloadName, backup, labels);
      this.scheduledBackup = scheduledBackup(this, this.workloadName, backup, labels);
      Validation.of(this).declareExternal('Secret', backup.store.credentialsSecret);
      // The Barman Cloud Plugin's kind: served where the plugin is installed (a prerequisite), no model to check.
      Validation.of(this).declareKind(BARMAN_CLOUD_API_VERSION, 'ObjectStore');
    }
    this.podMonitors = this.metricsEnabled ? this.createPodMonitors(pooler ? poolerName : undefined, labels) : [];
    this.node.addValidation({ validate: () => clientSecretProblems(this.platform, this.clients) });
  }

  /** The clients that connected, each with its own role and Secret, by workload name. */
  public get clients(): readonly DatabaseClient[] {
    return [...this.clientsByName.values()];
  }

  /**
   * Env a client gets: host and port as values, its own role's name, and its password from its own Secret
   * `<cluster>-<client>-credentials`. The operator reads that Secret for the role: it must hold `username` (the
   * role's name, `clients[].user`) and `password`, e.g. `SecretSource.generatedPassword({ literals: { username } })`.
   */
  public connectionEnv(envPrefix?: string, client?: INetworkPeer): k8s.EnvVar[] {
    if (envPrefix !== undefined) checkEnvName(this, 'connectionEnv.envPrefix', envPrefix);
    if (client === undefined || typeof client.workloadName !== 'string') {
      throw PatternError.invalidProp(this, 'connectionEnv.client', client,
        'must be the workload that connects: use client.connectTo(cluster), which gives it a role of its own');
    }
    const entry = this.registerClient(client);
    const prefix = envPrefix ?? '';
    return [
      { name: `${prefix}DATABASE_HOST`, value: this.host },
      { name: `${prefix}DATABASE_PORT`, value: String(PORT) },
      { name: `${prefix}DATABASE_NAME`, value: this.databaseName },
      ...(this.readHost !== this.host ? [{ name: `${prefix}DATABASE_READ_HOST`, value: this.readHost }] : []),
      { name: `${prefix}DATABASE_USER`, value: entry.user },
      { name: `${prefix}DATABASE_PASSWORD`, valueFrom: { secretKeyRef: { name: entry.secretName, key: entry.passwordKey } } },
    ];
  }

  private registerClient(client: INetworkPeer): DatabaseClient {
    const known = this.clientsByName.get(client.workloadName);
    if (known) return known;
    const user = ROLE_NAMES.clientUser(this, client.workloadName);
    if (user === this.databaseName || ['streaming_replica', 'cnpg_pooler_pgbouncer'].includes(user)) {
      throw PatternError.invalidProp(this, 'connectTo.client', client.workloadName, `gives the role "${user}", which the operator keeps for itself (the database's owner, replication or the pooler)`);
    }
    if (this.clients.some((c) => c.user === user)) {
      throw PatternError.invalidProp(this, 'connectTo.client', client.workloadName, `gives the role "${user}", which another client of this cluster already has`);
    }
    const secretName = `${this.workloadName}-${client.workloadName}-credentials`;
    checkDnsSubdomain(this, 'connectTo.client secret', secretName);
    const entry: DatabaseClient = { workloadName: client.workloadName, user, secretName, passwordKey: 'password' };
    this.clientsByName.set(client.workloadName, entry);
    Validation.of(this).declareExternal('Secret', secretName);
    return entry;
  }

  private resolve(resources: ContainerResources, prop: string): ResolvedResources {
    return resolveResources(this, resources, { scale: this.platform.environment.resourceScale, cpuLimits: this.platform.compatibility.cpuLimits, prop });
  }

  /** The Cluster and its Database, and the instances' share of the quota. */
  private createInstances(props: CloudNativePgClusterProps, backup: CheckedCnpgBackup | undefined, labels: Record<string, string>): [ApiObject, ApiObject] {
    const resources = this.resolve(props.resources ?? DEFAULT_RESOURCES, 'resources');
    const storageBytes = parseBytes(this, 'storage', props.storage ?? '10Gi');
    const input = {
      name: this.workloadName, instances: this.instances, imageName: this.imageName, databaseName: this.databaseName,
      storage: formatBytes(storageBytes), storageClassName: props.storageClassName, resources,
      priorityClassName: this.platform.priorityClassFor('data'), backup: backup !== undefined, clients: () => this.clients,
      podLabels: { ...this.platform.labels, ...selectorLabels(this.workloadName), [LabelKeys.COMPONENT]: 'postgresql', [LabelKeys.VERSION]: this.postgresVersion },
    };
    this.platform.registerFootprint({
      // The operator names instance pods `<name>-<serial>`, as a StatefulSet's are named, and runs a join Job's pod
      // beside them while it adds an instance: one pod of surge. The plugin's sidecar runs in every instance pod.
      workload: this.instancePeer, kind: 'StatefulSet', controllers: [this.workloadName],
      minReplicas: this.instances, maxReplicas: this.instances, surge: 1,
      containers: [resources, ...(backup ? [this.resolve(BARMAN_SIDECAR_RESOURCES, 'backup.sidecar')] : [])],
      storageBytesPerReplica: storageBytes, claimsPerReplica: 1,
    });
    return [clusterObject(this, input, labels), databaseObject(this, input, labels)];
  }

  /** The Pooler, its flows and its share of the quota (a Deployment the operator makes, one pod of surge). */
  private createPooler(pooler: CheckedPooler, poolerName: string, labels: Record<string, string>): ApiObject {
    const resources = this.resolve(pooler.resources ?? POOLER_RESOURCES, 'pooler.resources');
    const object = poolerObject(this, {
      name: poolerName, clusterName: this.workloadName, pooler, resources, priorityClassName: this.platform.priorityClassFor('data'),
      podLabels: { ...this.platform.labels, ...selectorLabels(poolerName), [LabelKeys.COMPONENT]: 'pgbouncer' },
    }, labels);
    this.wirePooler();
    this.platform.registerFootprint({
      workload: this, kind: 'Deployment', controllers: [poolerName], minReplicas: pooler.instances, maxReplicas: pooler.instances,
      surge: 1, containers: [resources], storageBytesPerReplica: 0, claimsPerReplica: 0,
    });
    return object;
  }

  /** Backups are required where the environment has them on: the operator has no volume backups of the kit's kind. */
  private resolveBackup(backup: CloudNativePgBackupOptions | false | undefined): CheckedCnpgBackup | undefined {
    if (backup === false) return undefined;
    if (backup === undefined) {
      if (!this.platform.environment.backups) return undefined;
      throw PatternError.invalidProp(this, 'backup', undefined,
        `must be given where the environment (${this.platform.environment.name}) has backups on: { offsite: { bucket, endpoint, cidrs, credentialsSecret, serverSideEncryption } }, or false to run without`);
    }
    return checkCnpgBackup(this, backup, this.workloadName);
  }

  /**
   * The instances' flows: replication among themselves, the operator's status checks and connections, the API
   * server (the instance manager in each pod watches its Cluster), the object store, Prometheus.
   */
  private wireInstances(operator: CloudNativePgOperator, backup: CheckedCnpgBackup | undefined): void {
    const graph = WiringGraph.of(this);
    const peer = this.instancePeer;
    graph.connect({ from: peer, to: peer, ports: [{ port: PORT }], kind: 'database', label: 'replication' });
    const operatorNamespace = operator.namespace ?? 'cnpg-system';
    checkDnsLabel(this, 'operator.namespace', operatorNamespace);
    const operatorLabels = { ...(operator.podLabels ?? { [LabelKeys.NAME]: 'cloudnative-pg' }) };
    if (Object.keys(operatorLabels).length === 0) {
      throw PatternError.invalidProp(this, 'operator.podLabels', operatorLabels, 'must select the operator\'s pods by at least one label');
    }
    graph.addExternal({
      peer, direction: 'ingress', ports: [{ port: PORT }, { port: STATUS_PORT }], description: 'cloudnative-pg operator',
      others: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': operatorNamespace } }, podSelector: { matchLabels: operatorLabels } }],
    });
    this.reachApiServer(peer);
    if (backup) {
      const network = this.platform.clusterNetwork;
      graph.addExternal({
        peer, direction: 'egress', ports: backup.store.store.ports, description: 'backup object store',
        others: [...new Set(backup.store.store.cidrs)].sort().map((cidr) => network.ipBlock(this, 'backup.offsite.cidrs', cidr)),
      });
    }
    if (this.metricsEnabled) {
      graph.addExternal({ peer, direction: 'ingress', ports: [{ port: INSTANCE_METRICS_PORT }], description: 'prometheus', others: [this.platform.prometheusPeer()] });
    }
  }

  /** The pooler's flows: clients (the wiring), the instances, the API server, Prometheus. */
  private wirePooler(): void {
    const graph = WiringGraph.of(this);
    graph.connect({ from: this, to: this.instancePeer, ports: [{ port: PORT }], kind: 'database', label: 'pooler' });
    this.reachApiServer(this);
    if (this.metricsEnabled) {
      graph.addExternal({ peer: this, direction: 'ingress', ports: [{ port: POOLER_METRICS_PORT }], description: 'prometheus', others: [this.platform.prometheusPeer()] });
    }
  }

  private reachApiServer(peer: INetworkPeer): void {
    const endpoints = this.platform.apiServer;
    if (!endpoints) {
      throw PatternError.invalidProp(this, 'apiServer', undefined,
        'is needed: CloudNativePG\'s instance manager and pooler talk to the API server; set the Platform\'s apiServer: { cidrs, port }');
    }
    WiringGraph.of(this).addExternal({
      peer, direction: 'egress', ports: [{ port: endpoints.port }], description: 'kubernetes API server',
      others: endpoints.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    });
  }

  private createPodMonitors(poolerName: string | undefined, labels: Record<string, string>): PodMonitor[] {
    const monitors = [new PodMonitor(this, 'PodMonitor', {
      workloadName: this.workloadName, labels, portName: 'metrics', interval: Duration.seconds(30),
      podSelector: { 'cnpg.io/cluster': this.workloadName, 'cnpg.io/podRole': 'instance' },
    })];
    if (poolerName) {
      monitors.push(new PodMonitor(this, 'PoolerPodMonitor', {
        workloadName: poolerName, labels, portName: 'metrics', interval: Duration.seconds(30), podSelector: { 'cnpg.io/poolerName': poolerName },
      }));
    }
    return monitors;
  }
}

/** The application database: a plain identifier, not the operator's own `postgres`. */
function checkDatabaseName(scope: Construct, name: string): string {
  if (typeof name !== 'string' || !/^[a-z][a-z0-9_]{0,62}$/.test(name) || name === 'postgres') {
    throw PatternError.invalidProp(scope, 'databaseName', name,
      'must be a plain PostgreSQL identifier other than "postgres": lower-case letters, digits and \'_\', starting with a letter, at most 63 characters');
  }
  return name;
}

/** major.minor, 15 to 18: the releases CloudNativePG 1.27 and 1.28 ship images of, from the first that grants no CREATE on `public`. */
function checkVersion(scope: Construct, version: string): string {
  const match = typeof version === 'string' ? /^(\d{1,2})\.(\d{1,2})$/.exec(version) : null;
  if (!match || Number(match[1]) < 15 || Number(match[1]) > 18) {
    throw PatternError.invalidProp(scope, 'postgresVersion', version,
      'must be a PostgreSQL release CloudNativePG ships, major.minor from 15 to 18, such as "17.6" (15 is the first whose "public" schema grants no CREATE to every role)');
  }
  return version;
}

