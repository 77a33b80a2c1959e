// The CronJob spec every scheduled workload of the kit shares: runs never overlap, give up on time, clean up.
import * as k8s from '../private/k8s';

/** What differs between scheduled workloads. */
export interface CronJobSpecProps {
  readonly schedule: string;
  readonly timeZone: string;
  /** How late a missed run may still start, in seconds. */
  readonly startingDeadlineSeconds: number;
  /** How long one run may take, in seconds. */
  readonly activeDeadlineSeconds: number;
  /** Retries of a failed run. */
  readonly backoffLimit: number;
  /** Labels of the Jobs it creates. */
  readonly labels: Record<string, string>;
  /** The hardened pod template (restartPolicy `Never`). */
  readonly template: k8s.PodTemplateSpec;
}

/**
 * `concurrencyPolicy: Forbid`, three finished Jobs of each outcome kept, finished Jobs removed after a day.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
 */
export function cronJobSpec(props: CronJobSpecProps): k8s.CronJobSpec {
  return {
    schedule: props.schedule,
    timeZone: props.timeZone,
    concurrencyPolicy: 'Forbid',
    startingDeadlineSeconds: props.startingDeadlineSeconds,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 3,
    jobTemplate: {
      metadata: { labels: props.labels },
      spec: {
        backoffLimit: props.backoffLimit,
        activeDeadlineSeconds: props.activeDeadlineSeconds,
        ttlSecondsAfterFinished: 86_400,
        template: props.template,
      },
    },
  };
}
