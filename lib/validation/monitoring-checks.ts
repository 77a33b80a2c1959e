// Checks of what Prometheus and Grafana read from the output, and the API server's size limit on ConfigMaps.
//
// PromQL: every PrometheusRule expression and every Grafana dashboard target expression is parsed with the lezer
// PromQL grammar Prometheus maintains (@prometheus-io/lezer-promql, the parser of its own web UI); an expression
// that does not parse would be refused by the operator's admission webhook (rules) or show an error panel.
// Size: the API server refuses a ConfigMap whose data and binaryData (keys plus values) exceed 1 MiB; client-side
// `kubectl apply` also copies the object into an annotation, and all annotations together may hold 256 KiB.
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql';
import { memoized } from '../private/memoized';
import { Finding, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';

/** Rule ids of the monitoring checks. */
export const MonitoringRules = {
  /** A PrometheusRule or dashboard expression PromQL cannot parse. */
  PROMQL_PARSE: 'promql/parse',
  /** A ConfigMap larger than the API server accepts (1 MiB of data). */
  CONFIGMAP_TOO_LARGE: 'size/configmap-too-large',
  /** A ConfigMap too large for client-side `kubectl apply` (its last-applied annotation exceeds 256 KiB). */
  CONFIGMAP_TOO_LARGE_FOR_CLIENT_APPLY: 'size/configmap-client-apply',
} as const;

/** The API server's limit on a ConfigMap's data (`MaxSecretSize`, shared by ConfigMaps). */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;
/** The API server's limit on an object's annotations together, which client-side apply fills with the object. */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** The PromQL parser, loaded with the first expression (~12 ms of start-up a platform without rules never pays). */
let promql: typeof PromqlParser | undefined;

/**
 * Where a PromQL expression stops parsing, or undefined when it parses. Remembered: the same alert rules recur in
 * every environment of a platform.
 */
export const promqlError: (expr: string) => { readonly at: number; readonly near: string } | undefined = memoized(parseError);

function parseError(expr: string): { readonly at: number; readonly near: string } | undefined {
  promql ??= (require('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser }).parser;
  let at: number | undefined;
  promql.parse(expr).iterate({
    enter: (node) => {
      if (at === undefined && node.type.isError) at = node.from;
      return at === undefined;
    },
  });
  return at === undefined ? undefined : { at, near: expr.slice(Math.max(0, at - 20), at + 20) };
}

/** The findings of the monitoring checks over every object. */
export function checkMonitoring(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const object of index.all) {
    const json = object.json;
    if (json.kind === 'PrometheusRule' && typeof json.apiVersion === 'string' && json.apiVersion.startsWith('monitoring.coreos.com/')) {
      findings.push(...ruleExpressions(json).flatMap(({ path, expr, what }) => parseFinding(object, path, expr, what)));
    }
    if (json.kind === 'ConfigMap' && json.apiVersion === 'v1') {
      findings.push(...dashboardExpressions(json).flatMap(({ path, expr, what }) => parseFinding(object, path, expr, what)));
      findings.push(...sizeFindings(object));
    }
  }
  return findings;
}

interface Expression {
  readonly path: string;
  readonly expr: unknown;
  readonly what: string;
}

function ruleExpressions(json: KubeObject): Expression[] {
  const groups: unknown[] = Array.isArray(json.spec?.groups) ? json.spec.groups : [];
  return groups.flatMap((group: any, g) => (Array.isArray(group?.rules) ? group.rules : []).map((rule: any, r: number) => ({
    path: `spec.groups[${g}].rules[${r}].expr`,
    expr: rule?.expr,
    what: `rule ${rule?.alert ?? rule?.record ?? r}`,
  })));
}

/** The target expressions of each Grafana dashboard (a JSON value with `panels`) in a ConfigMap's data. */
function dashboardExpressions(json: KubeObject): Expression[] {
  const expressions: Expression[] = [];
  for (const [key, value] of Object.entries<unknown>(json.data ?? {})) {
    if (typeof value !== 'string' || !key.endsWith('.json')) continue;
    let dashboard: any;
    try {
      dashboard = JSON.parse(value);
    } catch {
      continue; // not JSON: not a dashboard this check reads
    }
    if (!Array.isArray(dashboard?.panels)) continue;
    const visit = (panels: any[]) => panels.forEach((panel) => {
      (Array.isArray(panel?.targets) ? panel.targets : []).forEach((target: any, t: number) => {
        if (target?.expr !== undefined) {
          expressions.push({ path: `data[${JSON.stringify(key)}]`, expr: target.expr, what: `panel ${JSON.stringify(panel.title ?? panel.id)} target ${target.refId ?? t}` });
        }
      });
      if (Array.isArray(panel?.panels)) visit(panel.panels);
    });
    visit(dashboard.panels);
  }
  return expressions;
}

function parseFinding(object: IndexedObject, path: string, expr: unknown, what: string): Finding[] {
  if (typeof expr !== 'string' || expr.trim() === '') {
    return [finding(MonitoringRules.PROMQL_PARSE, 'error', object, path, expr, `a PromQL expression (${what})`)];
  }
  // Grafana expands its variables ($__rate_interval, ${datasource}) before Prometheus sees the query.
  const error = promqlError(expr.replace(/\$\{?__\w+\}?/g, '5m').replace(/\$\{?\w+\}?/g, 'x'));
  if (!error) return [];
  return [finding(MonitoringRules.PROMQL_PARSE, 'error', object, path, foundText(`${JSON.stringify(expr)}, which does not parse at character ${error.at} (near ${JSON.stringify(error.near)})`),
    `a PromQL expression Prometheus can parse (${what})`)];
}

/** The size the API server counts for a ConfigMap: every data and binaryData key plus its (decoded) value. */
export function configMapBytes(json: KubeObject): number {
  let total = 0;
  for (const [key, value] of Object.entries<unknown>(json.data ?? {})) total += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  for (const [key, value] of Object.entries<unknown>(json.binaryData ?? {})) total += Buffer.byteLength(key) + Buffer.from(String(value), 'base64').length;
  return total;
}

/** Characters of the keys and values `configMapBytes` counts: at least a third of its bytes. */
function configMapCharacters(json: KubeObject): number {
  let total = 0;
  for (const field of ['data', 'binaryData']) {
    const entries = json[field] ?? {};
    for (const key of Object.keys(entries)) total += key.length + String(entries[key]).length;
  }
  return total;
}

function sizeFindings(object: IndexedObject): Finding[] {
  if (3 * configMapCharacters(object.json) <= ANNOTATIONS_MAX_BYTES) return []; // below either limit even at 3 bytes a character
  const bytes = configMapBytes(object.json);
  if (bytes > CONFIGMAP_MAX_BYTES) {
    return [finding(MonitoringRules.CONFIGMAP_TOO_LARGE, 'error', object, 'data', foundText(`${bytes} bytes of data`),
      `at most ${CONFIGMAP_MAX_BYTES} bytes (1 MiB), which the API server accepts: split it into several ConfigMaps (e.g. one dashboard per group of workloads)`)];
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    return [finding(MonitoringRules.CONFIGMAP_TOO_LARGE_FOR_CLIENT_APPLY, 'warning', object, 'data', foundText(`${bytes} bytes of data`),
      `at most ${ANNOTATIONS_MAX_BYTES} bytes (256 KiB) for client-side kubectl apply, whose last-applied annotation copies the object; apply it server-side (kubectl apply --server-side, Argo CD ServerSideApply=true) or split it`)];
  }
  return [];
}
