// The labels a Prometheus selects its ServiceMonitors, PodMonitors and PrometheusRules by, set once per Platform.
//
// prometheus-operator's Prometheus picks monitors and rules by label selectors (`serviceMonitorSelector`,
// `podMonitorSelector`, `ruleSelector`); an object none of them matches is silently ignored. kube-prometheus-stack,
// the common install, sets each of them to `matchLabels: { release: <helm release name> }` unless its
// `*SelectorNilUsesHelmValues` values are false; the documented release name is `kube-prometheus-stack`.
import { IConstruct } from 'constructs';
import { PatternError } from './errors';
import { fieldPath, KubeObject } from './validation/finding';
import { ValidationRule } from './validation/rule';

/** How the platform's monitoring objects are found by Prometheus. */
export interface MonitoringProps {
  /**
   * Labels every ServiceMonitor, PodMonitor and PrometheusRule of the platform carries: what the Prometheus's
   * `serviceMonitorSelector`, `podMonitorSelector` and `ruleSelector` match. `{}` when the Prometheus selects
   * every object (selectors `{}`).
   * @default { release: 'kube-prometheus-stack' } (kube-prometheus-stack installed as release `kube-prometheus-stack`)
   * @see https://prometheus-operator.dev/docs/developer/troubleshooting/#troubleshooting-servicemonitor-changes
   */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /**
   * Labels of the Prometheus pods in the monitoring namespace: metrics ports admit only these pods, not the whole
   * namespace.
   * @default { 'app.kubernetes.io/name': 'prometheus' } (what prometheus-operator puts on every Prometheus pod)
   */
  readonly prometheusPodLabels?: Readonly<Record<string, string>>;
}

/** The default Prometheus pod labels: prometheus-operator's on the pods of every Prometheus it runs. */
export const DEFAULT_PROMETHEUS_POD_LABELS: Readonly<Record<string, string>> = Object.freeze({ 'app.kubernetes.io/name': 'prometheus' });

/** The default selector labels: kube-prometheus-stack's, for a release named `kube-prometheus-stack`. */
export const DEFAULT_MONITOR_SELECTOR_LABELS: Readonly<Record<string, string>> = Object.freeze({ release: 'kube-prometheus-stack' });

/** The kinds a Prometheus selects by label. */
export const SELECTED_MONITORING_KINDS: readonly string[] = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'];

/** Rule id of the check that every monitoring object carries the platform's selector labels. */
export const MONITOR_SELECTOR_RULE_ID = 'monitoring/selector-labels';

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The selector labels of `props`, checked as Kubernetes checks label keys and values. */
export function resolveMonitorSelectorLabels(scope: IConstruct, props: MonitoringProps | undefined): Readonly<Record<string, string>> {
  return checkLabels(scope, 'monitoring.selectorLabels', props?.selectorLabels ?? DEFAULT_MONITOR_SELECTOR_LABELS, 'release: "kube-prometheus-stack"');
}

/** The Prometheus pod labels of `props`; at least one, so that never a whole namespace is admitted. */
export function resolvePrometheusPodLabels(scope: IConstruct, props: MonitoringProps | undefined): Readonly<Record<string, string>> {
  const labels = checkLabels(scope, 'monitoring.prometheusPodLabels', props?.prometheusPodLabels ?? DEFAULT_PROMETHEUS_POD_LABELS, '"app.kubernetes.io/name": "prometheus"');
  if (Object.keys(labels).length === 0) {
    throw PatternError.invalidProp(scope, 'monitoring.prometheusPodLabels', {}, 'must hold at least one label: {} would admit every pod of the monitoring namespace');
  }
  return labels;
}

function checkLabels(scope: IConstruct, prop: string, labels: Readonly<Record<string, string>>, example: string): Readonly<Record<string, string>> {
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
    throw PatternError.invalidProp(scope, prop, labels, `must be an object of label keys to values, e.g. { ${example} }`);
  }
  for (const [key, value] of Object.entries(labels)) {
    if (!isLabelKey(key)) {
      throw PatternError.invalidProp(scope, `${prop}["${key}"]`, key, 'must be a label key: an optional DNS subdomain prefix and "/", then a name of at most 63 alphanumerics, "-", "_" or "."');
    }
    if (typeof value !== 'string' || value.length > 63 || !VALUE.test(value)) {
      throw PatternError.invalidProp(scope, `${prop}["${key}"]`, value, 'must be a label value: at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric');
    }
  }
  return Object.freeze({ ...labels });
}

function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  const [prefix, name] = slash < 0 ? [undefined, key] : [key.slice(0, slash), key.slice(slash + 1)];
  if (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix))) return false;
  return name.length <= 63 && NAME.test(name);
}

/** The rule: every ServiceMonitor, PodMonitor and PrometheusRule among the objects carries `labels`. */
export function monitorSelectorRule(labels: Readonly<Record<string, string>>): ValidationRule {
  const wanted = Object.entries(labels);
  return {
    id: MONITOR_SELECTOR_RULE_ID,
    description: 'Every ServiceMonitor, PodMonitor and PrometheusRule carries the labels the platform\'s Prometheus selects by; others are ignored',
    check: (objects: readonly KubeObject[]) => objects
      .filter((o) => typeof o.apiVersion === 'string' && o.apiVersion.startsWith('monitoring.coreos.com/') && SELECTED_MONITORING_KINDS.includes(o.kind))
      .flatMap((object) => wanted.filter(([key, value]) => object.metadata?.labels?.[key] !== value).map(([key, value]) => ({
        object,
        fieldPath: fieldPath('metadata.labels', key),
        found: object.metadata?.labels?.[key] === undefined ? 'missing' : JSON.stringify(object.metadata.labels[key]),
        expected: `${JSON.stringify(value)}: the platform's monitoring.selectorLabels, which its Prometheus selects ${object.kind}s by`,
      }))),
  };
}
