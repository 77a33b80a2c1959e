// Resource quantities as the API server checks them beyond their syntax (which the schema check refuses): never
// negative, and a container's request never above its limit.
import { Finding, fieldPath, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex } from './object-index';
import { containersOf } from './reference-checks';

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

/** A quantity's value (`"500m"` → 0.5, `"1Gi"` → 1073741824), or undefined when it is not a quantity. */
export function quantityValue(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value);
  if (!match) return undefined;
  const suffix = match[2] ?? '';
  const multiplier = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : MULTIPLIERS[suffix];
  return Number(match[1]) * multiplier;
}

/** Runs the quantity checks over containers, ResourceQuotas, LimitRanges and PersistentVolumeClaims. */
export function checkQuantities(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const template of index.podTemplates) {
    for (const { container, path } of containersOf(template.spec, template.specPath)) {
      findings.push(...checkResources(template.owner, container.resources, `${path}.resources`));
    }
  }
  for (const object of index.all) {
    const spec = object.json.spec ?? {};
    if (object.kind === 'ResourceQuota') findings.push(...nonNegative(object, spec.hard, 'spec.hard'));
    if (object.kind === 'PersistentVolumeClaim') findings.push(...checkResources(object, spec.resources, 'spec.resources'));
    if (object.kind === 'LimitRange') {
      (spec.limits ?? []).forEach((limit: KubeObject, i: number) => {
        for (const field of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
          findings.push(...nonNegative(object, limit?.[field], `spec.limits[${i}].${field}`));
        }
      });
    }
  }
  return findings;
}

function checkResources(subject: IndexedObject, resources: KubeObject | undefined, at: string): Finding[] {
  const findings = [...nonNegative(subject, resources?.requests, `${at}.requests`), ...nonNegative(subject, resources?.limits, `${at}.limits`)];
  for (const [name, request] of Object.entries(resources?.requests ?? {})) {
    const limit = resources?.limits?.[name];
    const requested = quantityValue(request);
    const limited = quantityValue(limit);
    if (requested !== undefined && limited !== undefined && requested > limited) {
      findings.push(finding(QuantityRules.QUANTITY, 'error', subject, fieldPath(`${at}.requests`, name),
        foundText(`${JSON.stringify(request)}, above the limit ${JSON.stringify(limit)}`), `a request at most the limit of ${name}`));
    }
  }
  return findings;
}

/** Every value of a resource map is a quantity of at least 0 (syntax errors the schema check reports too). */
function nonNegative(subject: IndexedObject, values: unknown, at: string): Finding[] {
  if (typeof values !== 'object' || values === null) return [];
  const findings: Finding[] = [];
  for (const [name, value] of Object.entries(values as Record<string, unknown>)) {
    const parsed = quantityValue(value);
    if (parsed !== undefined && parsed >= 0) continue;
    if (parsed === undefined && (typeof value === 'string' || typeof value === 'number')) continue; // the schema's finding
    findings.push(finding(QuantityRules.QUANTITY, 'error', subject, fieldPath(at, name), value,
      'a quantity of at least 0, such as "250m", "1" or "512Mi"'));
  }
  return findings;
}
