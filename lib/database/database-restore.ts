// DatabaseRestore: a suspended CronJob that, run by hand, downloads an off-site backup copy, decrypts it and restores it.
import { Construct } from 'constructs';
import { IConnectable, WiringGraph } from '../network/wiring-graph';
import { addEnv, HardeningContext, renderContainer, RenderedContainer } from '../pod/container';
import { ContainerResources, formatBytes } from '../pod/resources';
import { cronJobSpec } from '../pod/cron-job-spec';
import { workloadPodTemplate } from '../pod/workload-pod';
import * as k8s from '../private/k8s';
import { Workload } from '../workload';
import { EngineBackupPlan } from './engine-contract';
import { OffsiteBackup } from './offsite-backup';

/** Props of a DatabaseRestore. */
export interface DatabaseRestoreProps {
  /** The database it restores into. */
  readonly database: IConnectable;
  /** The engine's backup plan, with its `restoreCommand`. */
  readonly plan: EngineBackupPlan & { readonly restoreCommand: string };
  /** Where the copies are. */
  readonly offsite: OffsiteBackup;
  /** The hardening of the database's pods. */
  readonly hardening: HardeningContext;
  /** The size of the ephemeral volume the copy is downloaded to, in bytes. */
  readonly storageBytes: number;
  /** Its StorageClass (the backup volume's). */
  readonly storageClassName?: string;
  /** How long one restore may run, in seconds. */
  readonly timeoutSeconds: number;
  /** Requests and limits of each container, before the environment's scale. */
  readonly resources?: ContainerResources;
  /**
   * Requests and limits of the restore container.
   * @default - `resources`
   */
  readonly restoreResources?: ContainerResources;
}

const RESTORE_DIR = '/restore';

/**
 * `<db>-restore`: never scheduled (`suspend: true`), started with
 * `kubectl create job --from=cronjob/<db>-restore <db>-restore-$(date +%s)`. An init container (rclone) downloads and
 * decrypts the newest copy (or the one named by `RESTORE_NAME`) into an ephemeral volume; the main container (the engine's
 * image) restores it into the database over the network. It never retries: a restore is a decision, not a loop.
 */
export class DatabaseRestore extends Workload {
  public readonly cronJob: k8s.KubeCronJob;
  /** The container that downloads and decrypts the copy. */
  public readonly downloadContainer: RenderedContainer;
  /** The container that restores it. */
  public readonly mainContainer: RenderedContainer;
  private readonly storageBytes: number;
  private readonly storageClassName?: string;

  constructor(scope: Construct, id: string, props: DatabaseRestoreProps) {
    super(scope, id, {
      name: `${props.database.workloadName}-restore`, component: 'restore', hardening: props.hardening, reportOn: scope,
    });
    this.storageBytes = props.storageBytes;
    this.storageClassName = props.storageClassName;
    const mounts = { volumeMounts: [{ name: 'restore', mountPath: RESTORE_DIR }] };
    this.downloadContainer = renderContainer(scope, 'backup.offsite', {
      name: 'download',
      image: props.offsite.image,
      command: ['sh', '-c', props.offsite.downloadScript()],
      env: { RESTORE_DIR, RESTORE_NAME: 'latest' },
      resources: props.resources,
      writablePaths: ['/tmp'],
    }, this.hardening, undefined, mounts);
    for (const variable of props.offsite.env()) addEnv(scope, this.downloadContainer, variable);
    this.mainContainer = renderContainer(scope, 'backup', {
      name: 'restore',
      image: props.plan.image,
      command: ['sh', '-c', ['set -eu', 'source="$RESTORE_DIR/backup"', props.plan.restoreCommand, 'echo "restore done"'].join('\n') + '\n'],
      env: { RESTORE_DIR },
      resources: props.restoreResources ?? props.resources,
      writablePaths: ['/tmp'],
    }, this.hardening, undefined, mounts);
    // The restore writes: the engine's own user, not the backup user that only reads.
    for (const variable of props.plan.restoreEnv ?? props.plan.env) addEnv(scope, this.mainContainer, variable);
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: this.metadata(),
      spec: {
        ...cronJobSpec({
          // Never reached: the CronJob is suspended and only serves as the template of hand-started Jobs.
          schedule: '0 0 1 1 *',
          timeZone: 'Etc/UTC',
          startingDeadlineSeconds: 60,
          activeDeadlineSeconds: props.timeoutSeconds,
          backoffLimit: 0,
          labels: this.labels,
          template: this.podTemplate(),
        }),
        suspend: true,
      },
    });
    WiringGraph.of(this).connect({ from: this, to: props.database, ports: props.database.connectionPorts, kind: 'backup' });
    this.allowTo(props.offsite.store);
    this.declareFootprint({
      kind: 'CronJob', controllers: [this.workloadName], minReplicas: 0, maxReplicas: 1, surge: 0,
      containers: [this.downloadContainer.resources, this.mainContainer.resources], storageBytesPerReplica: this.storageBytes, claimsPerReplica: 1,
    });
  }

  private podTemplate(): k8s.PodTemplateSpec {
    return workloadPodTemplate({
      labels: { ...this.platform.labels, ...this.labels },
      annotations: {},
      serviceAccountName: this.workloadName,
      initContainers: [this.downloadContainer],
      containers: [this.mainContainer],
      // A generic ephemeral volume, not an emptyDir: a dump as large as the data would exceed the pod's ephemeral storage.
      volumes: [{
        name: 'restore',
        ephemeral: {
          volumeClaimTemplate: {
            metadata: { labels: { ...this.labels } },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: this.storageClassName,
              resources: { requests: { storage: k8s.Quantity.fromString(formatBytes(this.storageBytes)) } },
            },
          },
        },
      }],
      identity: this.hardening.identity,
      terminationGracePeriodSeconds: 30,
      restartPolicy: 'Never',
    });
  }
}
