// ScheduledJob: a hardened CronJob (reports, clean-ups) wired to what it reads like any other workload.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { checkCronSchedule } from './database/cron-schedule';
import { renderContainer, RenderedContainer } from './pod/container';
import { PodMonitor } from './observability/pod-monitor';
import { PodOptions } from './pod/pod-options';
import { ContainerResources } from './pod/resources';
import { cronJobSpec } from './pod/cron-job-spec';
import { workloadPodTemplate } from './pod/workload-pod';
import * as k8s from './private/k8s';
import { checkAbsolutePath, checkInteger, checkPort, checkProps, checkUnique, checkWholeSeconds } from './private/prop-checks';
import { renderSidecars, SharedVolume, SidecarSpec } from './pod/sidecars';
import { addSecretEnv, SecretKeyRef } from './pod/secret-refs';
import { Workload } from './workload';

/** Props of a ScheduledJob. */
export interface ScheduledJobProps extends PodOptions {
  /** The image, pinned by tag or digest. */
  readonly image: string;
  /** Five-field cron schedule or a macro such as `@daily`, in `timeZone`. */
  readonly schedule: string;
  /**
   * @default 'Etc/UTC'
   * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones
   */
  readonly timeZone?: string;
  /**
   * The name of every object of the job.
   * @default - the construct id (at most 52 characters: the CronJob controller appends 11)
   */
  readonly name?: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's arguments */
  readonly args?: readonly string[];
  /**
   * Plain environment variables.
   * @default - none
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Requests and limits, before the environment's scale.
   * @default - 100m CPU, 128Mi memory requested; twice that as limits
   */
  readonly resources?: ContainerResources;
  /**
   * How long one run may take before it is stopped.
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
  /**
   * How late a missed run may still start.
   * @default Duration.minutes(10)
   */
  readonly startingDeadline?: Duration;
  /**
   * Retries of a failed run.
   * @default 2
   */
  readonly retries?: number;
  /**
   * Paths the container writes to, each an emptyDir.
   * @default ['/tmp']
   */
  readonly writablePaths?: readonly string[];
  /**
   * uid and gid the pod runs as.
   * @default - the compatibility profile's (10001)
   */
  readonly runAsUser?: number;
  /**
   * A metrics port the job serves while it runs: a container port `metrics`, ingress from the Prometheus pods and,
   * where the environment has metrics on, a PodMonitor (a job's pods have no Service to monitor).
   * @default - none
   */
  readonly metrics?: JobMetricsOptions;
  /**
   * Containers beside the job's (a proxy, a log shipper), always run as native sidecars so that each run completes
   * when the job's container does.
   * @default - none
   */
  readonly sidecars?: readonly SidecarSpec[];
  /**
   * emptyDirs the job's container and its sidecars mount at the same path.
   * @default - none
   */
  readonly sharedVolumes?: readonly SharedVolume[];
}

/** Metrics of a ScheduledJob's runs. */
export interface JobMetricsOptions {
  /** The port the job serves metrics on. */
  readonly port: number;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * Whether to emit the PodMonitor.
   * @default - the environment's metrics setting
   */
  readonly podMonitor?: boolean;
}

/**
 * A CronJob whose runs never overlap, give up on time and clean up after themselves, with its own
 * ServiceAccount and a NetworkPolicy that allows only what it is wired to.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class ScheduledJob extends Workload {
  public readonly schedule: string;
  public readonly timeZone: string;
  /** Seconds one run may take. */
  public readonly timeoutSeconds: number;
  /** Seconds a missed run may still start late. */
  public readonly startingDeadlineSeconds: number;
  public readonly retries: number;
  public readonly cronJob: k8s.KubeCronJob;
  /** The job's container, for adjustments the props do not foresee. */
  public readonly mainContainer: RenderedContainer;
  /** The PodMonitor, when metrics are on and the environment or `metrics.podMonitor` asks for one. */
  public readonly podMonitor?: PodMonitor;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    checkProps(scope, id, props, ['image', 'schedule']);
    super(scope, id, { name: props.name ?? id, maxNameLength: 52, component: 'job', runAsUser: props.runAsUser, podOptions: props, priorityTier: 'batch' });
    this.schedule = props.schedule;
    checkCronSchedule(this, 'schedule', this.schedule);
    this.timeZone = props.timeZone ?? 'Etc/UTC';
    this.timeoutSeconds = checkWholeSeconds(this, 'timeout', props.timeout ?? Duration.hours(1));
    this.startingDeadlineSeconds = checkWholeSeconds(this, 'startingDeadline', props.startingDeadline ?? Duration.minutes(10));
    this.retries = props.retries ?? 2;
    checkInteger(this, 'retries', this.retries, 0, 10);
    if (props.metrics) {
      checkPort(this, 'metrics.port', props.metrics.port);
      checkAbsolutePath(this, 'metrics.path', props.metrics.path ?? '/metrics', '/metrics');
    }

    this.mainContainer = renderContainer(this, 'props', {
      name: 'job', image: props.image, command: props.command, args: props.args, env: props.env,
      resources: props.resources, writablePaths: props.writablePaths,
      ports: props.metrics ? [{ name: 'metrics', port: props.metrics.port }] : undefined,
    }, this.hardening);
    addSecretEnv(this, this.mainContainer, props.secretEnv);
    const side = renderSidecars(this, props.sidecars ?? [], props.sharedVolumes ?? [], this.hardening, true);
    checkUnique(this, 'containers', [this.mainContainer, ...side.native].map((c) => c.container.name));
    this.mainContainer.container.volumeMounts!.push(...side.mounts);
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: this.metadata(),
      spec: cronJobSpec({
        schedule: this.schedule,
        timeZone: this.timeZone,
        startingDeadlineSeconds: this.startingDeadlineSeconds,
        activeDeadlineSeconds: this.timeoutSeconds,
        backoffLimit: this.retries,
        labels: this.labels,
        template: workloadPodTemplate({
          labels: { ...this.platform.labels, ...this.labels },
          annotations: props.metrics ? this.exposeMetrics(props.metrics.port, props.metrics.path ?? '/metrics') : {},
          serviceAccountName: this.workloadName,
          containers: [this.mainContainer],
          initContainers: side.native,
          volumes: side.volumes,
          identity: this.hardening.identity,
          terminationGracePeriodSeconds: 30,
          restartPolicy: 'Never',
          options: this.podOptions,
        }),
      }),
    });
    if (props.metrics && (props.metrics.podMonitor ?? this.platform.environment.metrics)) {
      this.podMonitor = new PodMonitor(this, 'PodMonitor', { workloadName: this.workloadName, podSelector: this.podSelector, labels: this.labels, portName: 'metrics', path: props.metrics.path });
    }
    this.declareFootprint({
      kind: 'CronJob', controllers: [this.workloadName], minReplicas: 0, maxReplicas: 1, surge: 0,
      containers: [this.mainContainer.resources, ...side.native.map((c) => c.resources)], storageBytesPerReplica: 0, claimsPerReplica: 0,
    });
  }
}
