// The contract between StatefulDatabase and an engine: what to run, how to configure, probe, reach and back it up.
import { IConstruct } from 'constructs';
import { Probe } from '../pod/probes';
import { ContainerResources } from '../pod/resources';
import * as k8s from '../private/k8s';
import { CredentialRequirements, ResolvedCredentials } from './database-credentials';

/** What an engine knows about the database it runs in. */
export interface EngineContext {
  /** The database construct; errors name it. */
  readonly scope: IConstruct;
  /** The database's name (StatefulSet, Services). */
  readonly workloadName: string;
  /** The stable DNS name of pod 0, the primary. */
  readonly primaryHost: string;
  readonly replicas: number;
  /** The data volume of each replica, in bytes (an engine sizes its own retention from it). */
  readonly storageBytes: number;
  /** The read endpoint's DNS name: with replicas, the `<name>-read` Service over every ready pod. */
  readonly readHost: string;
  readonly credentials: ResolvedCredentials;
  /**
   * The users the kit itself connects as, each with read access only: the metrics exporter's (when metrics are on)
   * and the backup job's (when backups are on). The engine creates them at start like its clients' users, from the
   * passwords under `SERVICE_USERS_DIR/<user>/password`.
   */
  readonly serviceUsers: ServiceUsers;
}

/** Where each client's Secret is mounted in the database container: `<dir>/<user>/password`. */
export const CLIENTS_DIR = '/etc/database-clients';
/** Where the service users' Secrets are mounted in the database container: `<dir>/<user>/password`. */
export const SERVICE_USERS_DIR = '/etc/database-service-users';

/**
 * A user the kit connects as for itself, named after its purpose (`metrics`, `backup`), with its password in the
 * Secret `<database>-<user>-credentials` (key `password`), made outside the output like a client's.
 */
export interface ServiceUser {
  readonly user: 'metrics' | 'backup';
  readonly secretName: string;
  readonly passwordKey: string;
}

/** The service users of one database; a purpose that is off has none. */
export interface ServiceUsers {
  readonly metrics?: ServiceUser;
  readonly backup?: ServiceUser;
}

/**
 * A workload that connects to the database, with a user of its own (a PostgreSQL role, a Redis ACL user) whose
 * password the engine reads at start from the client's Secret, mounted at `CLIENTS_DIR/<user>/password`.
 */
export interface DatabaseClient {
  /** The client workload's name. */
  readonly workloadName: string;
  /** The engine's user name for it. */
  readonly user: string;
  /** The Secret with its password: `<database>-<client>-credentials`. */
  readonly secretName: string;
  /** The key of the password in that Secret. */
  readonly passwordKey: string;
}

/** A container the engine adds besides the database itself (init container, exporter). */
export interface EngineSideContainer {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly env: readonly k8s.EnvVar[];
  readonly port?: number;
  readonly writablePaths?: readonly string[];
  /** Mounts the data volume, for an init container that prepares it. */
  readonly mountsData?: boolean;
}

/** How the database container runs. */
export interface EngineContainerPlan {
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env: readonly k8s.EnvVar[];
  /** Paths the engine writes to besides its data volume, each an emptyDir. */
  readonly writablePaths: readonly string[];
  readonly liveness: Probe;
  readonly readiness: Probe;
  readonly startup: Probe;
  /** Runs before the database, e.g. to clone the primary into a new replica. */
  readonly initContainer?: EngineSideContainer;
  /**
   * Mounts a memory-backed emptyDir at `/dev/shm`, a quarter of the container's memory request, for an engine
   * that uses POSIX shared memory (container runtimes give 64 MiB otherwise).
   */
  readonly sharedMemory?: boolean;
}

/** What the backup job runs: one POSIX shell script that reads its target and folder from the env. */
export interface EngineBackupPlan {
  readonly image: string;
  /** A `sh -c` script; it writes into `$BACKUP_DIR` and keeps the newest `$BACKUP_RETAIN` files. */
  readonly script: string;
  /** Connection env of the job (host and port as values, the backup user's credentials as secret references). */
  readonly env: readonly k8s.EnvVar[];
  /**
   * A shell command that restores the backup file "$source" into the running database over the network, for the
   * restore job of off-site copies.
   * @default - the engine has no network restore (the job is not generated)
   */
  readonly restoreCommand?: string;
  /**
   * Connection env of the restore job, which writes: the engine's own user, since the backup user only reads.
   * @default - `env`
   */
  readonly restoreEnv?: readonly k8s.EnvVar[];
  /**
   * Whether the restore container holds the whole data set in memory (Redis loads the snapshot into a scratch
   * server): its requests and limits then default to the database container's, not the backup job's.
   * @default false
   */
  readonly restoreHoldsData?: boolean;
}

/**
 * A database engine. The kit's engines are `DatabaseEngine.postgres()` and `DatabaseEngine.redis()`.
 */
export interface IDatabaseEngine {
  /** The engine's name, also the name of its port and the `app.kubernetes.io/component` of its pods. */
  readonly engineName: string;
  /** The engine version, as in the image tag. */
  readonly version: string;
  /** The pinned image. */
  readonly image: string;
  readonly port: number;
  /** Where the data volume is mounted. */
  readonly dataMountPath: string;
  /** Where the configuration ConfigMap is mounted. */
  readonly configMountPath: string;
  /** The uid the official image runs as, documented for users who choose it over the platform's. */
  readonly imageUid: number;
  /** Requests and limits when the database sets none, before the environment's scale. */
  readonly defaultResources: ContainerResources;
  /** The credential parts the engine needs. */
  readonly credentialRequirements: CredentialRequirements;
  /** The metrics exporter's port. */
  readonly exporterPort: number;
  /** Checks version and settings; errors name `scope`. */
  validate(scope: IConstruct): void;
  /** The configuration files, by file name (the ConfigMap's data). */
  configFiles(context: EngineContext): Record<string, string>;
  container(context: EngineContext): EngineContainerPlan;
  /**
   * The user name a client workload gets; errors name `scope`. The engine creates that user at start from the
   * password under `CLIENTS_DIR/<user>/password`, with only what a client needs.
   */
  clientUser(scope: IConstruct, clientWorkloadName: string): string;
  /** Env vars a client gets, prefixed by `envPrefix`: its own user name and password, never the engine's. */
  clientEnv(context: EngineContext, host: string, envPrefix: string, client: DatabaseClient): k8s.EnvVar[];
  /** The exporter sidecar, talking to the database over localhost. */
  exporter(context: EngineContext): EngineSideContainer;
  backup(context: EngineContext, host: string): EngineBackupPlan;
}

/** An env var read from a service user's Secret; `optional` lets the pod start before the Secret exists. */
export function serviceUserEnv(name: string, user: ServiceUser, optional = false): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: user.secretName, key: user.passwordKey, ...(optional ? { optional } : {}) } } };
}

/** An env var read from the credentials Secret. */
export function secretEnv(name: string, credentials: ResolvedCredentials, key: string): k8s.EnvVar {
  return { name, valueFrom: { secretKeyRef: { name: credentials.secretName, key } } };
}

/** Renders settings as `key = value` lines, sorted by key so the output does not depend on insertion order. */
export function renderSettingLines(settings: Readonly<Record<string, string>>, separator: string): string {
  return Object.keys(settings).sort().map((key) => `${key}${separator}${settings[key]}`).join('\n') + '\n';
}

/**
 * Wraps an engine's dump command (which writes to "$target") into the backup script: write to a partial file,
 * rename it when complete, then keep only the newest `$BACKUP_RETAIN` backups of this database.
 */
export function retainingBackupScript(prefix: string, extension: string, dumpCommand: string): string {
  return [
    'set -eu',
    `name="${prefix}-$(date -u +%Y%m%dT%H%M%SZ).${extension}"`,
    'target="$BACKUP_DIR/$name.partial"',
    dumpCommand,
    'mv "$target" "$BACKUP_DIR/$name"',
    `ls -1 "$BACKUP_DIR" | grep -E '^${prefix}-[0-9]{8}T[0-9]{6}Z\\.${extension}$' | sort -r | tail -n +"$((BACKUP_RETAIN + 1))" | while read -r old; do rm -f "$BACKUP_DIR/$old"; done`,
    'echo "backup $name written"',
  ].join('\n') + '\n';
}
