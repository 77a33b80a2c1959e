// ScheduledJob: a hardened CronJob (reports, clean-ups) wired to what it reads like any other workload.
import { Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkCronSchedule } from './database/cron-schedule';
import { LabelKeys, selectorLabels } from './labels';
import { IConnectable, INetworkPeer, WiringGraph } from './network/wiring-graph';
import { WorkloadNetworkPolicy } from './network/workload-network-policy';
import { Platform } from './platform';
import { addEnv, renderContainer, RenderedContainer } from './pod/container';
import { hardeningContext } from './pod/hardening-context';
import { ContainerResources } from './pod/resources';
import { cronJobSpec } from './pod/cron-job-spec';
import { workloadPodTemplate } from './pod/workload-pod';
import { checkDnsLabel, checkEnvName, checkInteger, checkWholeSeconds } from './private/prop-checks';
import { addSecretEnv, SecretKeyRef } from './secrets';

/** Props of a ScheduledJob. */
export interface ScheduledJobProps {
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
}

/**
 * A CronJob whose runs never overlap, give up on time and clean up after themselves, with its own
 * ServiceAccount and a NetworkPolicy that allows only what it is wired to.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export class ScheduledJob extends Construct implements INetworkPeer {
  public readonly workloadName: string;
  public readonly namespace: string;
  public readonly podSelector: Readonly<Record<string, string>>;
  public readonly schedule: string;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly serviceAccount: k8s.KubeServiceAccount;
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /** The job's container, for adjustments the props do not foresee. */
  public readonly container: RenderedContainer;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    const platform = Platform.of(this);
    this.workloadName = props.name ?? id;
    checkDnsLabel(this, 'name', this.workloadName, 52);
    this.namespace = platform.namespaceName;
    this.podSelector = selectorLabels(this.workloadName);
    this.schedule = props.schedule;
    checkCronSchedule(this, 'schedule', this.schedule);
    const timeout = checkWholeSeconds(this, 'timeout', props.timeout ?? Duration.hours(1));
    const startingDeadline = checkWholeSeconds(this, 'startingDeadline', props.startingDeadline ?? Duration.minutes(10));
    const retries = props.retries ?? 2;
    checkInteger(this, 'retries', retries, 0, 10);
    const labels = { ...this.podSelector, [LabelKeys.COMPONENT]: 'job' };
    const metadata = { name: this.workloadName, labels };
    const context = hardeningContext(this, {
      compatibility: platform.compatibility, environment: platform.environment, runAsUser: props.runAsUser,
    });

    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata, automountServiceAccountToken: false });
    this.container = renderContainer(this, 'props', {
      name: 'job',
      image: props.image,
      command: props.command,
      args: props.args,
      env: props.env,
      resources: props.resources,
      writablePaths: props.writablePaths,
    }, context);
    addSecretEnv(this, this.container, props.secretEnv);

    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata,
      spec: cronJobSpec({
        schedule: this.schedule,
        timeZone: props.timeZone ?? 'Etc/UTC',
        startingDeadlineSeconds: startingDeadline,
        activeDeadlineSeconds: timeout,
        backoffLimit: retries,
        labels,
        template: workloadPodTemplate({
          labels: { ...platform.labels, ...labels },
          annotations: {},
          serviceAccountName: this.workloadName,
          containers: [this.container],
          identity: context.identity,
          terminationGracePeriodSeconds: 30,
          restartPolicy: 'Never',
        }),
      }),
    });
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', { peer: this, metadata });
    platform.registerFootprint({
      workload: this, kind: 'CronJob', minReplicas: 0, maxReplicas: 1, surge: 0,
      containers: [this.container.resources], storageBytesPerReplica: 0, claimsPerReplica: 0,
    });
  }

  /** Lets the job reach `target` on its ports and gives it the connection env vars; returns them. */
  public connectTo(target: IConnectable, options: { readonly envPrefix?: string; readonly withoutEnv?: boolean } = {}): k8s.EnvVar[] {
    if (options.envPrefix !== undefined) checkEnvName(this, 'connectTo.envPrefix', options.envPrefix);
    WiringGraph.of(this).connect({ from: this, to: target, ports: target.connectionPorts, kind: 'service' });
    if (options.withoutEnv) return [];
    const vars = target.connectionEnv(options.envPrefix);
    for (const variable of vars) addEnv(this, this.container, variable);
    return vars;
  }
}
