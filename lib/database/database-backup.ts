// DatabaseBackup: a hardened CronJob that dumps a database into its own PersistentVolumeClaim, keeping the newest N.
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { LabelKeys, selectorLabels } from '../labels';
import { IConnectable, INetworkPeer, WiringGraph } from '../network/wiring-graph';
import { WorkloadNetworkPolicy } from '../network/workload-network-policy';
import { Platform } from '../platform';
import { addEnv, HardeningContext, renderContainer, RenderedContainer } from '../pod/container';
import { ContainerResources, formatBytes, MemoryQuantity, parseBytes } from '../pod/resources';
import { cronJobSpec } from '../pod/cron-job-spec';
import { workloadPodTemplate } from '../pod/workload-pod';
import { checkInteger } from '../private/prop-checks';
import { checkCronSchedule } from './cron-schedule';
import { EngineBackupPlan } from './engine-contract';

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
}

const BACKUP_DIR = '/backup';

/**
 * A backup CronJob with its own volume, ServiceAccount and NetworkPolicy; the wiring graph lets it reach the
 * database on its port only. Runs never overlap (`concurrencyPolicy: Forbid`).
 */
export class DatabaseBackup extends Construct implements INetworkPeer {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly schedule: string;
  public readonly retention: number;
  public readonly storageBytes: number;
  public readonly cronJob: k8s.KubeCronJob;
  /** The volume backups are written to. */
  public readonly claim: k8s.KubePersistentVolumeClaim;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /** The backup container, for adjustments the props do not foresee. */
  public readonly container: RenderedContainer;

  constructor(scope: Construct, id: string, props: DatabaseBackupProps) {
    super(scope, id);
    const platform = Platform.of(this);
    this.workloadName = `${props.database.workloadName}-backup`;
    this.namespace = props.database.namespace;
    this.podSelector = selectorLabels(this.workloadName);
    this.schedule = props.schedule ?? '0 3 * * *';
    checkCronSchedule(scope, 'backup.schedule', this.schedule);
    this.retention = props.retention ?? 7;
    checkInteger(scope, 'backup.retention', this.retention, 1, 1000);
    this.storageBytes = parseBytes(scope, 'backup.storage', props.storage ?? props.defaultStorage);
    const timeout = wholeSeconds(scope, 'backup.timeout', props.timeout ?? Duration.hours(1));
    const startingDeadline = wholeSeconds(scope, 'backup.startingDeadline', props.startingDeadline ?? Duration.minutes(10));
    const labels = { ...this.podSelector, [LabelKeys.COMPONENT]: 'backup' };
    const metadata = { name: this.workloadName, labels };

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata,
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(formatBytes(this.storageBytes)) } },
      },
    });
    this.container = renderContainer(scope, 'backup', {
      name: 'backup',
      image: props.plan.image,
      command: ['sh', '-c', props.plan.script],
      env: { BACKUP_DIR, BACKUP_RETAIN: String(this.retention) },
      resources: props.resources,
      writablePaths: ['/tmp'],
    }, props.hardening, undefined, { volumeMounts: [{ name: 'backup', mountPath: BACKUP_DIR }] });
    for (const variable of props.plan.env) addEnv(scope, this.container, variable);

    const template = workloadPodTemplate({
      labels: { ...platform.labels, ...labels },
      annotations: {},
      serviceAccountName: this.workloadName,
      containers: [this.container],
      volumes: [{ name: 'backup', persistentVolumeClaim: { claimName: this.workloadName } }],
      identity: props.hardening.identity,
      terminationGracePeriodSeconds: 30,
      restartPolicy: 'Never',
    });
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata,
      spec: cronJobSpec({
        schedule: this.schedule,
        timeZone: props.timeZone ?? 'Etc/UTC',
        startingDeadlineSeconds: startingDeadline,
        activeDeadlineSeconds: timeout,
        backoffLimit: 2,
        labels,
        template,
      }),
    });
    WiringGraph.of(this).connect({ from: this, to: props.database, ports: props.database.connectionPorts, kind: 'backup' });
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { peer: this, metadata });
    platform.registerFootprint({
      workload: this,
      kind: 'CronJob',
      minReplicas: 0,
      maxReplicas: 1,
      surge: 0,
      containers: [this.container.resources],
      storageBytesPerReplica: this.storageBytes,
      claimsPerReplica: 1,
    });
  }
}

function wholeSeconds(scope: Construct, prop: string, duration: Duration): number {
  const s = duration.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 1) {
    throw PatternError.invalidProp(scope, prop, `${s}s`, 'must be a whole number of seconds, at least 1');
  }
  return s;
}
