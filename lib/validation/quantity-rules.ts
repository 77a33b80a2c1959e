// Resource quantities as the API server checks them beyond their syntax (which the schema check refuses): never
// negative, and a container's request never above its limit.
import { memoized } from '../private/memoized';
import { Finding, fieldPath, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';

/** Rule ids of the quantity checks. */
export const QuantityRules = {
  /** A negative quantity, a quantity that is not one, or a request above its limit. */
  QUANTITY: 'api/quantity',
} as const;

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const MULTIPLIERS: Readonly<Record<string, number>> = {
  '': 1, 'n': 1e-9, 'u': 1e-6, 'm': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};

/** Every container of a platform asks for the same few quantities ("100m", "128Mi"). */
const parsedQuantity = memoized((value): number | undefined => {
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const multiplier = suffix[0] === 'e' || suffix[0] === 'E' ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  return Number(match[1]) * multiplier;
});

/** A quantity's value (`"500m"` → 0.5, `"1Gi"` → 1073741824), or undefined when it is not a quantity. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return typeof value === 'string' ? parsedQuantity(value) : undefined;
}

/** Runs the quantity checks over containers, ResourceQuotas, LimitRanges and PersistentVolumeClaims. */
export function checkQuantities(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const template of index.podTemplates) {
    for (const { container, path } of template.containers) checkResources(template.owner, container.resources, `${path}.resources`, findings);
  }
  for (const object of index.all) {
    const spec = object.json.spec;
    if (object.kind === 'ResourceQuota') nonNegative(object, spec?.hard, 'spec.hard', findings);
    if (object.kind === 'PersistentVolumeClaim') checkResources(object, spec?.resources, 'spec.resources', findings);
    if (object.kind === 'LimitRange') {
      (spec?.limits ?? []).forEach((limit: KubeObject, i: number) => {
        for (const field of LIMIT_FIELDS) nonNegative(object, limit?.[field], `spec.limits[${i}].${field}`, findings);
      });
    }
  }
  return findings;
}

const LIMIT_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

function checkResources(subject: IndexedObject, resources: KubeObject | undefined, at: string, findings: Finding[]): void {
  nonNegative(subject, resources?.requests, `${at}.requests`, findings);
  nonNegative(subject, resources?.limits, `${at}.limits`, findings);
  const requests = resources?.requests ?? {};
  for (const name of Object.keys(requests)) {
    const request = requests[name];
    const limit = resources?.limits?.[name];
    const requested = quantityValue(request);
    const limited = quantityValue(limit);
    if (requested !== undefined && limited !== undefined && requested > limited) {
      findings.push(finding(QuantityRules.QUANTITY, 'error', subject, fieldPath(`${at}.requests`, name),
        foundText(`${JSON.stringify(request)}, above the limit ${JSON.stringify(limit)}`), `a request at most the limit of ${name}`));
    }
  }
}

/** Every value of a resource map is a quantity of at least 0 (syntax errors the schema check reports too). */
function nonNegative(subject: IndexedObject, values: unknown, at: string, findings: Finding[]): void {
  if (typeof values !== 'object' || values === null) return;
  for (const name of Object.keys(values)) {
    const value = (values as Record<string, unknown>)[name];
    const parsed = quantityValue(value);
    if (parsed !== undefined && parsed >= 0) continue;
    if (parsed === undefined && (typeof value === 'string' || typeof value === 'number')) continue; // the schema's finding
    findings.push(finding(QuantityRules.QUANTITY, 'error', subject, fieldPath(at, name), value,
      'a quantity of at least 0, such as "250m", "1" or "512Mi"'));
  }
}
