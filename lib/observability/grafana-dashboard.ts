// PlatformDashboard: a Grafana dashboard per platform, one row per workload, in a ConfigMap the sidecar picks up.
import { createHash } from 'crypto';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Platform } from '../platform';
import * as k8s from '../private/k8s';
import { HttpMetricNames, matchers, podNameRegex, resolveHttpMetricNames, ResolvedHttpMetricNames, WorkloadPods } from './prometheus-series';
import { ServiceMonitor } from './service-monitor';
import { compareCodePoints } from '../private/ordering';

/** Props of a PlatformDashboard. */
export interface PlatformDashboardProps {
  /**
   * Names of the apps' HTTP metrics.
   * @default - `http_requests_total` with a `status` label, `http_request_duration_seconds`
   */
  readonly httpMetrics?: HttpMetricNames;
  /**
   * The label the Grafana sidecar looks for, and its value.
   * @default - `grafana_dashboard: "1"` (the kube-prometheus-stack default)
   * @see https://github.com/grafana/helm-charts/tree/main/charts/grafana#sidecar-for-dashboards
   */
  readonly sidecarLabel?: { readonly key: string; readonly value: string };
}

/** One workload's row. */
interface DashboardRow {
  readonly title: string;
  readonly pods: WorkloadPods;
  /** Set when the workload serves HTTP metrics under this job. */
  readonly httpJob?: string;
  /** Set when the workload exports nginx's counters under this job (ApiGateway). */
  readonly nginxJob?: string;
}

const PANEL_HEIGHT = 8;
const GRID_WIDTH = 24;

/**
 * A ConfigMap `<platform>-dashboard` holding `<platform>.json`: per workload a row with request rate, 5xx share
 * and p95 latency (for workloads with HTTP metrics), CPU, memory and ready replicas. The JSON is computed at
 * synth time from the workloads and is byte-for-byte stable: fixed ids, uid and layout, no timestamps.
 */
export class PlatformDashboard extends Construct {
  public readonly configMap: k8s.KubeConfigMap;
  /** The dashboard's uid in Grafana. */
  public readonly uid: string;
  private readonly platform: Platform;
  private readonly names: ResolvedHttpMetricNames;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps = {}) {
    super(scope, id);
    this.platform = Platform.of(this);
    this.names = resolveHttpMetricNames(props.httpMetrics);
    this.uid = dashboardUid(this.platform.platformName);
    const label = props.sidecarLabel ?? { key: 'grafana_dashboard', value: '1' };
    this.configMap = new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: `${this.platform.platformName}-dashboard`,
        labels: { ...this.platform.platformLabels('dashboard'), [label.key]: label.value },
      },
      data: { [`${this.platform.platformName}.json`]: Lazy.any({ produce: () => `${JSON.stringify(this.dashboard(), null, 2)}\n` }) as unknown as string },
    });
  }

  /** The dashboard model, from the platform's workloads as they are now. */
  public dashboard(): Record<string, unknown> {
    const panels: Record<string, unknown>[] = [];
    let y = 0;
    let id = 1;
    for (const row of this.rows()) {
      panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { h: 1, w: GRID_WIDTH, x: 0, y }, panels: [] });
      y += 1;
      const cells = this.panelsOf(row);
      const width = GRID_WIDTH / cells.length;
      cells.forEach((cell, i) => {
        panels.push({
          id: id++,
          type: 'timeseries',
          title: cell.title,
          datasource: { type: 'prometheus', uid: '${datasource}' },
          gridPos: { h: PANEL_HEIGHT, w: width, x: i * width, y },
          fieldConfig: { defaults: { unit: cell.unit }, overrides: [] },
          targets: [{ refId: 'A', expr: cell.expr, legendFormat: cell.legend }],
        });
      });
      y += PANEL_HEIGHT;
    }
    return {
      uid: this.uid,
      title: `${this.platform.platformName} (${this.platform.environment.name})`,
      tags: ['cdk8s-patterns', this.platform.platformName],
      editable: false,
      schemaVersion: 39,
      version: 1,
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      timezone: 'browser',
      templating: { list: [{ name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' }] },
      panels,
    };
  }

  /** One row per workload, by name. */
  private rows(): DashboardRow[] {
    const monitors = ServiceMonitor.allIn(this.platform);
    const http = new Set(monitors.filter((m) => m.httpMetrics).map((m) => m.workloadName));
    const nginx = new Set(monitors.filter((m) => m.nginxMetrics).map((m) => m.workloadName));
    return this.platform.workloadFootprints
      .map((f) => {
        const controllers = [...f.controllers];
        const name = f.workload.workloadName;
        return {
          title: name, pods: { controllers, kind: f.kind },
          httpJob: http.has(name) ? name : undefined, nginxJob: nginx.has(name) ? name : undefined,
        };
      })
      .sort((a, b) => compareCodePoints(a.title, b.title));
  }

  private panelsOf(row: DashboardRow): Array<{ title: string; unit: string; expr: string; legend: string }> {
    const ns = this.platform.namespaceName;
    const pods = matchers([['namespace', '=', ns], ['pod', '=~', podNameRegex(row.pods)], ['container', '!=', '']]);
    const ready = matchers([['namespace', '=', ns], ['pod', '=~', podNameRegex(row.pods)], ['condition', '=', 'true']]);
    const cells = [];
    if (row.httpJob) {
      const job = matchers([['namespace', '=', ns], ['job', '=', row.httpJob]]);
      const errors = matchers([['namespace', '=', ns], ['job', '=', row.httpJob], [this.names.statusLabel, '=~', '5..']]);
      cells.push(
        { title: 'Request rate', unit: 'reqps', expr: `sum(rate(${this.names.requestsTotal}${job}[5m]))`, legend: 'requests/s' },
        { title: 'Errors (5xx share)', unit: 'percentunit', expr: `sum(rate(${this.names.requestsTotal}${errors}[5m])) / sum(rate(${this.names.requestsTotal}${job}[5m]))`, legend: '5xx' },
        { title: 'Latency p95', unit: 's', expr: `histogram_quantile(0.95, sum by (le) (rate(${this.names.durationHistogram}_bucket${job}[5m])))`, legend: 'p95' },
      );
    }
    if (row.nginxJob) {
      const job = matchers([['namespace', '=', ns], ['job', '=', row.nginxJob]]);
      cells.push(
        { title: 'Requests (nginx)', unit: 'reqps', expr: `sum(rate(nginx_http_requests_total${job}[5m]))`, legend: 'requests/s' },
        { title: 'Active connections', unit: 'short', expr: `sum(nginx_connections_active${job})`, legend: 'active' },
        // Accepted but not handled: nginx ran out of worker_connections.
        { title: 'Dropped connections', unit: 'cps', expr: `sum(rate(nginx_connections_accepted${job}[5m])) - sum(rate(nginx_connections_handled${job}[5m]))`, legend: 'dropped/s' },
      );
    }
    cells.push(
      { title: 'CPU', unit: 'cores', expr: `sum(rate(container_cpu_usage_seconds_total${pods}[5m]))`, legend: 'cores' },
      { title: 'Memory', unit: 'bytes', expr: `sum(container_memory_working_set_bytes${pods})`, legend: 'working set' },
      { title: 'Ready replicas', unit: 'short', expr: `sum(kube_pod_status_ready${ready})`, legend: 'ready' },
    );
    return cells;
  }
}

/** Grafana uids hold at most 40 characters; longer platform names are cut and keep a hash to stay unique. */
function dashboardUid(platformName: string): string {
  const uid = `cdk8s-${platformName}`;
  if (uid.length <= 40) return uid;
  return `${uid.slice(0, 31)}-${createHash('sha256').update(platformName).digest('hex').slice(0, 8)}`;
}
