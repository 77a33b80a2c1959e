// ServiceMonitor: tells a prometheus-operator Prometheus to scrape a workload's Services on their `metrics` port.
import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { LabelKeys } from '../labels';
import { Platform } from '../platform';
import { checkDnsLabel, checkPortName } from '../private/prop-checks';

/** The prometheus-operator API version the kit emits. */
export const PROMETHEUS_OPERATOR_API_VERSION = 'monitoring.coreos.com/v1';

/** Props of a ServiceMonitor. */
export interface ServiceMonitorProps {
  /** The workload's name: the ServiceMonitor's name and the `job` label of its series. */
  readonly workloadName: string;
  /** Labels of the Services to scrape (every Service of the workload carries them). */
  readonly serviceSelector: Readonly<Record<string, string>>;
  /** Labels of the ServiceMonitor object itself. */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * The named Service port to scrape.
   * @default 'metrics'
   */
  readonly portName?: string;
  /** @default '/metrics' */
  readonly path?: string;
  /**
   * How often Prometheus scrapes.
   * @default Duration.seconds(30)
   */
  readonly interval?: Duration;
  /**
   * Whether the workload serves HTTP request metrics (`http_requests_total`, `http_request_duration_seconds`);
   * PlatformAlerts and PlatformDashboard add request, error and latency rules and panels for it.
   * @default false
   */
  readonly httpMetrics?: boolean;
  /**
   * Whether the Services expose nginx-prometheus-exporter's series (`nginx_connections_active`,
   * `nginx_http_requests_total`); PlatformDashboard adds connection and request panels for them.
   * @default false
   */
  readonly nginxMetrics?: boolean;
  /**
   * The database exporter behind the Services (postgres_exporter or redis_exporter); PlatformAlerts adds
   * availability, connection and replication rules for it.
   * @default - none
   */
  readonly databaseExporter?: 'postgresql' | 'redis';
  /**
   * Labels beyond the platform's `monitoring.selectorLabels` (which every ServiceMonitor carries).
   * @default - none
   */
  readonly extraLabels?: Readonly<Record<string, string>>;
}

/**
 * A monitoring.coreos.com/v1 ServiceMonitor. Its `jobLabel` reads `app.kubernetes.io/name` from the Services, so
 * all Services of one workload (main, preview, canary) share one `job`: the workload's name.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor
 */
export class ServiceMonitor extends Construct {
  /**
   * Creates a ServiceMonitor as `<scope>/ServiceMonitor` when `enabled`, which defaults to the environment's
   * `metrics` flag. For databases, gateways and any construct with a metrics port.
   */
  public static ifEnabled(scope: Construct, props: ServiceMonitorProps & { readonly enabled?: boolean }): ServiceMonitor | undefined {
    const enabled = props.enabled ?? Platform.of(scope).environment.metrics;
    return enabled ? new ServiceMonitor(scope, 'ServiceMonitor', props) : undefined;
  }

  /** Every ServiceMonitor under `scope`, in tree order. */
  public static allIn(scope: IConstruct): ServiceMonitor[] {
    return scope.node.findAll().filter((c): c is ServiceMonitor => c instanceof ServiceMonitor);
  }

  public readonly apiObject: ApiObject;
  public readonly workloadName: string;
  public readonly portName: string;
  public readonly path: string;
  public readonly intervalSeconds: number;
  public readonly httpMetrics: boolean;
  /** The database exporter behind the Services, if any. */
  public readonly databaseExporter?: 'postgresql' | 'redis';
  public readonly nginxMetrics: boolean;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    this.workloadName = props.workloadName;
    this.portName = props.portName ?? 'metrics';
    this.path = props.path ?? '/metrics';
    this.httpMetrics = props.httpMetrics ?? false;
    this.databaseExporter = props.databaseExporter;
    this.nginxMetrics = props.nginxMetrics ?? false;
    checkDnsLabel(scope, 'serviceMonitor.workloadName', this.workloadName);
    checkPortName(scope, 'metrics.portName', this.portName);
    if (!/^\/[A-Za-z0-9._~\-/]*$/.test(this.path)) {
      throw PatternError.invalidProp(scope, 'metrics.path', this.path, 'must be an absolute URL path such as "/metrics"');
    }
    this.intervalSeconds = (props.interval ?? Duration.seconds(30)).toMilliseconds() / 1000;
    if (!Number.isInteger(this.intervalSeconds) || this.intervalSeconds < 1) {
      throw PatternError.invalidProp(scope, 'metrics.interval', `${this.intervalSeconds}s`, 'must be a whole number of seconds, 1 or more');
    }
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: PROMETHEUS_OPERATOR_API_VERSION,
      kind: 'ServiceMonitor',
      metadata: { name: this.workloadName, labels: { ...props.labels, ...Platform.of(scope).monitorSelectorLabels, ...(props.extraLabels ?? {}) } },
      spec: {
        jobLabel: LabelKeys.NAME,
        selector: { matchLabels: { ...props.serviceSelector } },
        endpoints: [{ port: this.portName, path: this.path, interval: `${this.intervalSeconds}s`, scheme: 'http' }],
      },
    });
  }
}
