// PodMonitor: how Prometheus finds the pods of a workload that has no Service (a CronJob's runs), by their labels.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PROMETHEUS_OPERATOR_API_VERSION } from './service-monitor';
import { LabelKeys } from '../labels';
import { Platform } from '../platform';
import { checkAbsolutePath, checkWholeSeconds } from '../private/prop-checks';

/** Props of a PodMonitor. */
export interface PodMonitorProps {
  /** The name of the monitor (the workload's) and its `job` label in Prometheus. */
  readonly workloadName: string;
  /** Labels of the pods to scrape. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Labels of the monitor besides the platform's monitoring selector labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** The named container port to scrape. */
  readonly portName: string;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * How often Prometheus scrapes; short, since a job's pods may live only minutes.
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;
}

/**
 * A prometheus-operator PodMonitor for pods without a Service, carrying the platform's monitoring selector labels.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
export class PodMonitor extends Construct {
  public readonly apiObject: ApiObject;
  public readonly intervalSeconds: number;

  constructor(scope: Construct, id: string, props: PodMonitorProps) {
    super(scope, id);
    const path = props.path ?? '/metrics';
    checkAbsolutePath(scope, 'metrics.path', path, '/metrics');
    this.intervalSeconds = checkWholeSeconds(scope, 'metrics.interval', props.interval ?? Duration.seconds(15), 1);
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: 'PodMonitor',
      metadata: { name: props.workloadName, labels: { ...props.labels, ...Platform.of(scope).monitorSelectorLabels } },
      spec: {
        jobLabel: LabelKeys.NAME,
        selector: { matchLabels: { ...props.podSelector } },
        podMetricsEndpoints: [{ port: props.portName, path, interval: `${this.intervalSeconds}s`, scheme: 'http' }],
      },
    });
  }
}
