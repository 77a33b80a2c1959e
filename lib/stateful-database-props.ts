// The props of a StatefulDatabase, with their defaults.
import { Duration } from 'cdk8s';
import { DatabaseBackupOptions } from './database/database-backup';
import { DatabaseCredentials } from './database/database-credentials';
import { IDatabaseEngine } from './database/engine-contract';
import { PodOptions } from './pod/pod-options';
import { ContainerResources, MemoryQuantity } from './pod/resources';
import { SharedVolume, SidecarSpec } from './pod/sidecars';

/** What happens to the data volumes when the StatefulSet is deleted or scaled down. */
export interface ClaimRetentionPolicy {
  /** @default 'Retain' */
  readonly whenDeleted?: 'Retain' | 'Delete';
  /** @default 'Retain' */
  readonly whenScaled?: 'Retain' | 'Delete';
}

/** Props of a StatefulDatabase. */
export interface StatefulDatabaseProps extends PodOptions {
  /**
   * Containers beside the engine (an audit log shipper, a connection pooler), plain or native, hardened the same
   * way; they cannot replace the kit's exporter.
   * @default - none
   */
  readonly sidecars?: readonly SidecarSpec[];
  /**
   * emptyDirs the engine container and the sidecars mount at the same path (e.g. the engine's socket directory).
   * @default - none
   */
  readonly sharedVolumes?: readonly SharedVolume[];
  /** The engine: `DatabaseEngine.postgres()`, `DatabaseEngine.redis()` or your own `IDatabaseEngine`. */
  readonly engine: IDatabaseEngine;
  /**
   * The name of every object of the database, and its DNS name.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The data volume of each replica.
   * @default '10Gi'
   * @see https://kubernetes.io/docs/concepts/storage/persistent-volumes/
   */
  readonly storage?: MemoryQuantity;
  /**
   * The data volumes' StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * The data volumes' access mode.
   * @default 'ReadWriteOnce'
   */
  readonly accessMode?: 'ReadWriteOnce' | 'ReadWriteOncePod';
  /**
   * Whether data volumes outlive the StatefulSet and scale-downs.
   * @default - Retain on delete and on scale-down: data is never removed by the kit
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention
   */
  readonly claimRetention?: ClaimRetentionPolicy;
  /**
   * Pods of the StatefulSet. Pod 0 is the primary; the others replicate it (see the engine).
   * @default - the environment's databaseReplicas
   */
  readonly replicas?: number;
  /**
   * Where the engine's own user name and password come from (the PostgreSQL superuser, the Redis default user).
   * Clients never get them: each gets a user of its own, see `connectionEnv`.
   * @default DatabaseCredentials.fromExistingSecret('<name>-credentials')
   */
  readonly credentials?: DatabaseCredentials;
  /**
   * Requests and limits of the database container, before the environment's scale.
   * @default - the engine's (PostgreSQL 250m / 512Mi, Redis 100m / 256Mi requested; twice that as limits)
   */
  readonly resources?: ContainerResources;
  /**
   * uid and gid the pods run as. The official images also run with any uid (their data directories are
   * created at first start and owned through fsGroup), so the platform's uid above 10000 is used; set the
   * engine's `imageUid` (999) to run as the image's own user.
   * @default - the compatibility profile's (10001)
   */
  readonly runAsUser?: number;
  /**
   * Time between SIGTERM and SIGKILL: long enough for a checkpoint and a clean shutdown.
   * @default Duration.seconds(60)
   */
  readonly terminationGracePeriod?: Duration;
  /**
   * A metrics exporter sidecar (postgres_exporter, redis_exporter) with Prometheus scrape annotations,
   * reachable from the monitoring namespace.
   * @default - the environment's metrics setting
   */
  readonly metrics?: boolean;
  /**
   * A backup CronJob; `false` for none.
   * @default - the environment's backups setting, with the DatabaseBackupOptions defaults
   */
  readonly backup?: DatabaseBackupOptions | false;
}
