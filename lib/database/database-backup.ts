// DatabaseBackup: a hardened CronJob that dumps a database into its own PersistentVolumeClaim, keeping the newest N,
// and optionally uploads an encrypted copy to S3-compatible object storage.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { IConnectable, WiringGraph } from '../network/wiring-graph';
import { addEnv, HardeningContext, renderContainer, RenderedContainer } from '../pod/container';
import { PodOptions } from '../pod/pod-options';
import { ContainerResources, formatBytes, MemoryQuantity, parseBytes } from '../pod/resources';
import { cronJobSpec } from '../pod/cron-job-spec';
import { workloadPodTemplate } from '../pod/workload-pod';
import * as k8s from '../private/k8s';
import { checkInteger, checkWholeSeconds } from '../private/prop-checks';
import { Workload } from '../workload';
import { checkCronSchedule } from './cron-schedule';
import { EngineBackupPlan } from './engine-contract';
import { DatabaseRestore } from './database-restore';
import { OffsiteBackup, OffsiteBackupOptions } from './offsite-backup';

/** How a database is backed up. */
export interface DatabaseBackupOptions {
  /**
   * When backups run, in cron syntax (five fields or a macro such as `@daily`).
   * @default '0 3 * * *' (03:00 every day)
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax
   */
  readonly schedule?: string;
  /**
   * The time zone of the schedule.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  /**
   * How many backups are kept; older ones are deleted after each successful backup.
   * @default 7
   */
  readonly retention?: number;
  /**
   * The size of the backup volume.
   * @default - the size of the database's data volume
   */
  readonly storage?: MemoryQuantity;
  /**
   * The backup volume's StorageClass.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /**
   * How long one backup may run before it is stopped (`activeDeadlineSeconds`).
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * How late a missed run may still start (`startingDeadlineSeconds`), e.g. after a controller outage.
   * @default Duration.minutes(10)
   */
  readonly startingDeadline?: Duration;
  /**
   * Requests and limits of the backup container, before the environment's scale.
   * @default - 100m CPU and 128Mi memory requested, twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * An encrypted copy of each backup in S3-compatible object storage, outside the cluster's failure domain, and
   * a suspended `<db>-restore` CronJob that restores a copy into the running database (PostgreSQL: pg_restore;
   * Redis: the keys of the snapshot, copied from a scratch server that holds them all, so its container gets the
   * database container's resources unless `resources` is set).
   * @default - backups stay on the backup volume only
   */
  readonly offsite?: OffsiteBackupOptions;
}

/** Props of a DatabaseBackup. */
export interface DatabaseBackupProps extends DatabaseBackupOptions {
  /** The database it backs up. */
  readonly database: IConnectable;
  /** What the job runs, from the database's engine. */
  readonly plan: EngineBackupPlan;
  /** The hardening of the database's pods, reused for the job's pod. */
  readonly hardening: HardeningContext;
  /** Used when `storage` is not set. */
  readonly defaultStorage: MemoryQuantity;
  /**
   * The database container's requests and limits: the restore container's when the plan's restore holds the data
   * set and `resources` is not set.
   * @default - the backup job's defaults
   */
  readonly databaseResources?: ContainerResources;
  /**
   * The database's pod options: the job runs on the same nodes, pulls with the same Secrets and has the same cloud
   * identity.
   * @default - none
   */
  readonly podOptions?: PodOptions;
}

const BACKUP_DIR = '/backup';

/**
 * A backup CronJob with its own volume, ServiceAccount and NetworkPolicy; the wiring graph lets it reach the
 * database on its port only. Runs never overlap (`concurrencyPolicy: Forbid`).
 */
export class DatabaseBackup extends Workload {
  public readonly schedule: string;
  public readonly timeZone: string;
  public readonly retention: number;
  public readonly storageBytes: number;
  public readonly cronJob: k8s.KubeCronJob;
  /** The volume backups are written to. */
  public readonly claim: k8s.KubePersistentVolumeClaim;
  /** The container that dumps the database: the main container, or an init container before the upload. */
  public readonly dumpContainer: RenderedContainer;
  /** The main container: the upload when there is an off-site copy, else the dump. */
  public readonly mainContainer: RenderedContainer;
  /** The checked off-site destination, when set. */
  public readonly offsite?: OffsiteBackup;
  /** The upload container, when there is an off-site copy. */
  public readonly uploadContainer?: RenderedContainer;
  /** The suspended restore CronJob, when there is an off-site copy and the engine restores over the network. */
  public readonly restore?: DatabaseRestore;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id, {
      name: `${props.database.workloadName}-backup`, component: 'backup', hardening: props.hardening, reportOn: scope,
      podOptions: props.podOptions, priorityTier: 'batch',
    });
    this.schedule = props.schedule ?? '0 3 * * *';
    checkCronSchedule(scope, 'backup.schedule', this.schedule);
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    this.retention = props.retention ?? 7;
    checkInteger(scope, 'backup.retention', this.retention, 1, 1000);
    this.storageBytes = parseBytes(scope, 'backup.storage', props.storage ?? props.defaultStorage);
    const timeout = checkWholeSeconds(scope, 'backup.timeout', props.timeout ?? Duration.hours(1), 1);
    const startingDeadline = checkWholeSeconds(scope, 'backup.startingDeadline', props.startingDeadline ?? Duration.minutes(10), 1);

    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: this.metadata(),
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(formatBytes(this.storageBytes)) } },
      },
    });
    this.dumpContainer = renderContainer(scope, 'backup', {
      name: 'backup', image: props.plan.image, command: ['sh', '-c', props.plan.script],
      env: { BACKUP_DIR, BACKUP_RETAIN: String(this.retention) }, resources: props.resources, writablePaths: ['/tmp'],
    }, this.hardening, undefined, { volumeMounts: [{ name: 'backup', mountPath: BACKUP_DIR }] });
    for (const variable of props.plan.env) addEnv(scope, this.dumpContainer, variable);
    this.mainContainer = this.dumpContainer;
    if (props.offsite !== undefined) {
      [this.offsite, this.uploadContainer] = this.offsiteUpload(scope, props, props.offsite);
      this.mainContainer = this.uploadContainer;
    }
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: this.metadata(),
      spec: cronJobSpec({
        schedule: this.schedule,
        timeZone: this.timeZone,
        startingDeadlineSeconds: startingDeadline,
        activeDeadlineSeconds: timeout,
        backoffLimit: 2,
        labels: this.labels,
        template: this.podTemplate(),
      }),
    });
    WiringGraph.of(this).connect({ from: this, to: props.database, ports: props.database.connectionPorts, kind: 'backup' });
    this.declareFootprint({
      kind: 'CronJob', controllers: [this.workloadName], minReplicas: 0, maxReplicas: 1, surge: 0,
      containers: [this.dumpContainer, this.uploadContainer].flatMap((c) => (c ? [c.resources] : [])), storageBytesPerReplica: this.storageBytes, claimsPerReplica: 1,
    });
    if (this.offsite !== undefined && props.plan.restoreCommand !== undefined) {
      this.restore = new DatabaseRestore(scope, 'Restore', {
        database: props.database, plan: { ...props.plan, restoreCommand: props.plan.restoreCommand }, offsite: this.offsite,
        hardening: props.hardening, timeoutSeconds: timeout, storageBytes: this.storageBytes,
        storageClassName: props.storageClassName, resources: props.resources,
        restoreResources: props.resources ?? (props.plan.restoreHoldsData ? props.databaseResources : undefined),
      });
    }
  }

  /** The upload of each dump to the off-site store, after the dump (an init container then), and egress to the store. */
  private offsiteUpload(scope: Construct, props: DatabaseBackupProps, options: NonNullable<DatabaseBackupProps['offsite']>): [OffsiteBackup, RenderedContainer] {
    const offsite = OffsiteBackup.of(scope, options, props.database.workloadName);
    const upload = renderContainer(scope, 'backup.offsite', {
      name: 'upload', image: offsite.image, command: ['sh', '-c', offsite.uploadScript()],
      env: { BACKUP_DIR }, resources: props.resources, writablePaths: ['/tmp'],
    }, this.hardening, undefined, { volumeMounts: [{ name: 'backup', mountPath: BACKUP_DIR, readOnly: true }] });
    for (const variable of offsite.env()) addEnv(scope, upload, variable);
    this.allowTo(offsite.store);
    return [offsite, upload];
  }

  private podTemplate(): k8s.PodTemplateSpec {
    return workloadPodTemplate({
      labels: { ...this.platform.labels, ...this.labels },
      annotations: {},
      serviceAccountName: this.workloadName,
      initContainers: this.uploadContainer ? [this.dumpContainer] : undefined,
      containers: [this.mainContainer],
      volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: this.workloadName } }],
      identity: this.hardening.identity,
      terminationGracePeriodSeconds: 30,
      restartPolicy: 'Never',
      options: this.podOptions,
    });
  }
}
