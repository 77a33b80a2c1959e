// The CloudNativePG objects of a cluster besides its backups: the Cluster, its PgBouncer Pooler and the Database
// that gives each client a schema of its own (docs/adr/0011-cloudnative-pg-engine.md).
import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { ContainerResources, formatBytes, formatCpu, ResolvedResources } from '../pod/resources';
import { checkInteger } from '../private/prop-checks';
import { backupPlugin, CNPG_API_VERSION } from './cnpg-backup';
import { DatabaseClient } from './engine-contract';

/** The connection pooler in front of the cluster's primary. */
export interface CloudNativePgPoolerOptions {
  /**
   * PgBouncer pods.
   * @default 2
   */
  readonly instances?: number;
  /**
   * When a server connection goes back to the pool: after the client disconnects (`session`, every PostgreSQL
   * feature works) or after each transaction (`transaction`, many more clients per connection, but no session
   * state such as prepared statements across transactions, advisory locks or `SET`).
   * @default 'session'
   * @see https://www.pgbouncer.org/config.html#pool_mode
   */
  readonly poolMode?: 'session' | 'transaction';
  /**
   * `max_client_conn`: client connections PgBouncer accepts per pod.
   * @default 1000
   */
  readonly maxClientConnections?: number;
  /**
   * `default_pool_size`: server connections per user and database, per pod. All pods together must stay below the
   * cluster's `max_connections` (100).
   * @default 20
   */
  readonly defaultPoolSize?: number;
  /**
   * Requests and limits of each PgBouncer container, before the environment's scale.
   * @default - 50m / 64Mi requested, twice that as limits
   */
  readonly resources?: ContainerResources;
}

/** The pooler's options once checked. */
export interface CheckedPooler {
  readonly instances: number;
  readonly poolMode: 'session' | 'transaction';
  readonly maxClientConnections: number;
  readonly defaultPoolSize: number;
  readonly resources?: ContainerResources;
}

/** PostgreSQL's default `max_connections`, which the operator keeps unless told otherwise. */
const MAX_CONNECTIONS = 100;
/** Connections the operator, the exporter and replication keep for themselves. */
const RESERVED_CONNECTIONS = 10;

/** Checks the pooler's options (prop paths under `pooler`), reporting on `scope`. */
export function checkPooler(scope: Construct, options: CloudNativePgPoolerOptions): CheckedPooler {
  if (typeof options !== 'object' || options === null) {
    throw PatternError.invalidProp(scope, 'pooler', options, 'must be { instances?, poolMode?, maxClientConnections?, defaultPoolSize? } or false');
  }
  const pooler: CheckedPooler = {
    instances: options.instances ?? 2,
    poolMode: options.poolMode ?? 'session',
    maxClientConnections: options.maxClientConnections ?? 1000,
    defaultPoolSize: options.defaultPoolSize ?? 20,
    resources: options.resources,
  };
  checkInteger(scope, 'pooler.instances', pooler.instances, 1, 20);
  if (pooler.poolMode !== 'session' && pooler.poolMode !== 'transaction') {
    throw PatternError.invalidProp(scope, 'pooler.poolMode', pooler.poolMode, 'must be "session" or "transaction" ("statement" breaks transactions of more than one statement)');
  }
  checkInteger(scope, 'pooler.maxClientConnections', pooler.maxClientConnections, 1, 100_000);
  checkInteger(scope, 'pooler.defaultPoolSize', pooler.defaultPoolSize, 1, 1000);
  const budget = MAX_CONNECTIONS - RESERVED_CONNECTIONS;
  if (pooler.instances * pooler.defaultPoolSize > budget) {
    throw PatternError.invalidProp(scope, 'pooler.defaultPoolSize', pooler.defaultPoolSize,
      `times pooler.instances (${pooler.instances}) must not exceed ${budget} server connections (max_connections ${MAX_CONNECTIONS} less ${RESERVED_CONNECTIONS} kept for the operator and replication)`);
  }
  if (pooler.defaultPoolSize > pooler.maxClientConnections) {
    throw PatternError.invalidProp(scope, 'pooler.defaultPoolSize', pooler.defaultPoolSize, `must not exceed pooler.maxClientConnections (${pooler.maxClientConnections})`);
  }
  return pooler;
}

/** Resources in a Cluster's or a pod template's `resources` form, strings only (a plain ApiObject is not typed). */
export function resourcesJson(resources: ResolvedResources): Record<string, Record<string, string>> {
  const limits: Record<string, string> = { memory: formatBytes(resources.limits.memoryBytes), 'ephemeral-storage': formatBytes(resources.limits.ephemeralBytes) };
  if (resources.limits.cpuMillis !== undefined) limits.cpu = formatCpu(resources.limits.cpuMillis);
  return {
    requests: { cpu: formatCpu(resources.requests.cpuMillis), memory: formatBytes(resources.requests.memoryBytes), 'ephemeral-storage': formatBytes(resources.requests.ephemeralBytes) },
    limits,
  };
}

/** What the Cluster is built from. */
export interface ClusterSpecInput {
  readonly name: string;
  readonly instances: number;
  readonly imageName: string;
  readonly databaseName: string;
  readonly storage: string;
  readonly storageClassName?: string;
  readonly resources: ResolvedResources;
  readonly priorityClassName: string;
  /** Labels the operator puts on every object it makes for the cluster: its pods, jobs, Services and claims. */
  readonly podLabels: Record<string, string>;
  readonly backup: boolean;
  /** The clients, read at synth: each becomes a managed role. */
  readonly clients: () => readonly DatabaseClient[];
}

/**
 * The Cluster. The operator fails over to the most advanced standby when the primary is lost, updates standbys
 * first and then switches over (no restart of the primary in place), spreads instances over nodes, and keeps
 * its own PodDisruptionBudgets. The superuser has no password (the operator reaches PostgreSQL through its
 * socket); the application database's owner is the engine's own role, whose Secret `<name>-app` no client gets.
 */
export function clusterObject(scope: Construct, input: ClusterSpecInput, labels: Record<string, string>): ApiObject {
  return new ApiObject(scope, 'Cluster', {
    apiVersion: CNPG_API_VERSION,
    kind: 'Cluster',
    metadata: { name: input.name, labels },
    spec: {
      instances: input.instances,
      imageName: input.imageName,
      primaryUpdateStrategy: 'unsupervised',
      primaryUpdateMethod: 'switchover',
      enableSuperuserAccess: false,
      enablePDB: true,
      bootstrap: { initdb: { database: input.databaseName, owner: input.databaseName } },
      storage: { size: input.storage, ...(input.storageClassName ? { storageClass: input.storageClassName } : {}) },
      resources: resourcesJson(input.resources),
      priorityClassName: input.priorityClassName,
      inheritedMetadata: { labels: input.podLabels },
      affinity: { enablePodAntiAffinity: true, podAntiAffinityType: 'preferred', topologyKey: 'kubernetes.io/hostname' },
      // Read at synth, after the clients connected; the operator reads a missing `managed` as no roles.
      managed: Lazy.any({ produce: () => (input.clients().length > 0 ? { roles: clientRoles(input.clients()) } : undefined) }),
      ...(input.backup ? { plugins: [backupPlugin(input.name)] } : {}),
    },
  });
}

/** One LOGIN role per client with no other attribute, its password from the client's Secret. */
function clientRoles(clients: readonly DatabaseClient[]): Record<string, unknown>[] {
  return [...clients].sort((a, b) => a.user.localeCompare(b.user)).map((c) => ({
    name: c.user,
    ensure: 'present',
    comment: `cdk8s-patterns client ${c.workloadName}`,
    login: true,
    superuser: false,
    createdb: false,
    createrole: false,
    replication: false,
    bypassrls: false,
    inherit: true,
    passwordSecret: { name: c.secretName },
  }));
}

/**
 * The Database the cluster's initdb made, declared so that each client owns a schema named after its role (its
 * migrations create their tables there; see docs/adr/0009-database-users.md). The database is kept when the object
 * is deleted.
 */
export function databaseObject(scope: Construct, input: ClusterSpecInput, labels: Record<string, string>): ApiObject {
  return new ApiObject(scope, 'Database', {
    apiVersion: CNPG_API_VERSION,
    kind: 'Database',
    metadata: { name: `${input.name}-${input.databaseName.replace(/_/g, '-')}`, labels },
    spec: {
      cluster: { name: input.name },
      name: input.databaseName,
      owner: input.databaseName,
      ensure: 'present',
      databaseReclaimPolicy: 'retain',
      schemas: Lazy.any({
        produce: () => {
          const schemas = [...input.clients()].sort((a, b) => a.user.localeCompare(b.user)).map((c) => ({ name: c.user, owner: c.user, ensure: 'present' }));
          return schemas.length > 0 ? schemas : undefined;
        },
      }),
    },
  });
}

/** What the Pooler is built from. */
export interface PoolerInput {
  readonly name: string;
  readonly clusterName: string;
  readonly pooler: CheckedPooler;
  readonly resources: ResolvedResources;
  readonly podLabels: Record<string, string>;
  readonly priorityClassName: string;
}

/** The PgBouncer Pooler `<cluster>-pooler` in front of the primary (`type: rw`), its Service of the same name. */
export function poolerObject(scope: Construct, input: PoolerInput, labels: Record<string, string>): ApiObject {
  return new ApiObject(scope, 'Pooler', {
    apiVersion: CNPG_API_VERSION,
    kind: 'Pooler',
    metadata: { name: input.name, labels },
    spec: {
      cluster: { name: input.clusterName },
      instances: input.pooler.instances,
      type: 'rw',
      pgbouncer: {
        poolMode: input.pooler.poolMode,
        parameters: {
          max_client_conn: String(input.pooler.maxClientConnections),
          default_pool_size: String(input.pooler.defaultPoolSize),
        },
      },
      // The operator merges this template into its own: labels for the kit's NetworkPolicy, resources for the quota.
      template: {
        metadata: { labels: input.podLabels },
        spec: {
          priorityClassName: input.priorityClassName,
          containers: [{ name: 'pgbouncer', resources: resourcesJson(input.resources) }],
        },
      },
    },
  });
}

/** The keys and, where the output holds them as values, the `username` of a Secret the output produces. */
function producedSecret(object: ApiObject): { keys: string[]; username?: string } | undefined {
  const json = object.toJson() as { kind: string; spec?: Record<string, any>; data?: Record<string, string>; stringData?: Record<string, string> };
  if (json.kind === 'Secret') return { keys: Object.keys({ ...json.data, ...json.stringData }), username: json.stringData?.username };
  if (json.kind === 'SealedSecret') return { keys: Object.keys(json.spec?.encryptedData ?? {}) };
  if (json.kind !== 'ExternalSecret') return undefined;
  const template = json.spec?.target?.template?.data as Record<string, string> | undefined;
  if (template) return { keys: Object.keys(template), username: template.username };
  return { keys: (json.spec?.data ?? []).map((d: { secretKey: string }) => d.secretKey) };
}

/**
 * Why a client's Secret, where the output makes it, would not give the operator its role: CloudNativePG reads
 * `username` and `password` from a role's `passwordSecret` and refuses a `username` other than the role's name.
 */
export function clientSecretProblems(root: Construct, clients: readonly DatabaseClient[]): string[] {
  const bySecret = new Map(clients.map((c) => [c.secretName, c]));
  const problems: string[] = [];
  for (const node of root.node.findAll()) {
    if (!ApiObject.isApiObject(node) || !bySecret.has(node.name)) continue;
    const client = bySecret.get(node.name)!;
    const produced = producedSecret(node);
    if (!produced) continue;
    const missing = ['username', 'password'].filter((k) => !produced.keys.includes(k));
    if (missing.length > 0) {
      problems.push(`Secret ${node.name} (${node.kind}) lacks ${missing.join(' and ')}: CloudNativePG reads the role's name and password from it; e.g. SecretSource.generatedPassword({ literals: { username: '${client.user}' } })`);
    } else if (produced.username !== undefined && produced.username !== client.user) {
      problems.push(`Secret ${node.name} holds username "${produced.username}": CloudNativePG refuses any but the role's name, "${client.user}"`);
    }
  }
  return problems;
}
