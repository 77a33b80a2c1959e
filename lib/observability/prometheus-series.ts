// The Prometheus series the kit's alerts and dashboards read, and the PromQL pieces built on them.

/** Names of the HTTP metrics the apps expose (the Prometheus client libraries' usual names by default). */
export interface HttpMetricNames {
  /**
   * Counter of requests, labelled with the response status.
   * @default 'http_requests_total'
   */
  readonly requestsTotal?: string;
  /**
   * The label holding the status code.
   * @default 'status'
   */
  readonly statusLabel?: string;
  /**
   * Histogram of request durations in seconds (its `_bucket` series are read).
   * @default 'http_request_duration_seconds'
   */
  readonly durationHistogram?: string;
}

/** HttpMetricNames with every default applied. */
export interface ResolvedHttpMetricNames {
  readonly requestsTotal: string;
  readonly statusLabel: string;
  readonly durationHistogram: string;
}

/** Applies the defaults. */
export function resolveHttpMetricNames(names: HttpMetricNames = {}): ResolvedHttpMetricNames {
  return {
    requestsTotal: names.requestsTotal ?? 'http_requests_total',
    statusLabel: names.statusLabel ?? 'status',
    durationHistogram: names.durationHistogram ?? 'http_request_duration_seconds',
  };
}

/** A PromQL label matcher list, keys in the given order, values quoted. */
export function matchers(labels: ReadonlyArray<readonly [string, '=' | '=~' | '!=', string]>): string {
  return `{${labels.map(([key, op, value]) => `${key}${op}${JSON.stringify(value)}`).join(', ')}}`;
}

/** A regex alternation of exact names, e.g. `orders|users`, sorted for stable output. */
export function alternation(names: readonly string[]): string {
  return [...new Set(names)].sort().map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/** What the pods of one workload are called, as far as its Prometheus series go. */
export interface WorkloadPods {
  /** The names of its pod controllers (a Deployment per colour or track, a StatefulSet, a CronJob). */
  readonly controllers: readonly string[];
  readonly kind: 'Deployment' | 'StatefulSet' | 'CronJob' | 'Rollout';
}

/**
 * A regex matching exactly the pod names of a workload: `<deployment>-<replicaset hash>-<suffix>`,
 * `<statefulset>-<ordinal>` or `<cronjob>-<schedule time>-<suffix>`, so `orders` never matches `orders-api` pods.
 */
export function podNameRegex(pods: WorkloadPods): string {
  const names = `(${alternation(pods.controllers)})`;
  switch (pods.kind) {
    case 'StatefulSet': return `${names}-[0-9]+`;
    case 'CronJob': return `${names}-[0-9]+-[a-z0-9]{5}`;
    default: return `${names}-[a-z0-9]{1,10}-[a-z0-9]{5}`;
  }
}

/** A PromQL duration (`90s`, `5m`, `1h`) from whole seconds. */
export function promDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
