// Runs every check over the complete object set and applies the user's rules and waivers: one report.
import { checkApiServerRules } from './api-server-rules';
import { checkGatewayApiRules } from './gateway-api-rules';
import { checkDisruptionBudgetOverlap } from './disruption-budget-overlap';
import { Finding, finding, FindingLike, foundText, KubeObject, objectRef, ValidationInput, ValidationReport } from './finding';
import { checkPlaintextAndOptIns, InsecureOptIn } from './insecure-opt-ins';
import { IndexedObject, ObjectIndex } from './object-index';
import { checkMonitoring } from './monitoring-checks';
import { checkPodUniqueness } from './pod-uniqueness';
import { checkPolicy } from './policy-checks';
import { checkPorts } from './port-rules';
import { checkQuantities } from './quantity-rules';
import { checkReferences, ExternalLookup, replicaCounts } from './reference-checks';
import { ExternalDeclaration, isUnder, KindDeclaration, KubernetesTarget, ScopedRule, ValidationRule, Waiver, waiverMatches } from './rule';
import { checkDroppedEdits, SchemaChecker, SchemaChecks } from './schema-check';
import { checkServedVersions } from './served-versions';

/** Options of `validateObjects`. */
export interface ValidationOptions {
  /**
   * The user's own rules (`Validation.of(scope).addRule` collects them with their scope).
   * @default - none
   */
  readonly rules?: readonly (ValidationRule | ScopedRule)[];
  /**
   * Rules switched off for named objects, each with its reason.
   * @default - none
   */
  readonly waivers?: readonly Waiver[];
  /**
   * Objects referenced by pods that exist outside the output.
   * @default - none
   */
  readonly externals?: readonly ExternalDeclaration[];
  /**
   * Kinds the target clusters serve beyond those the kit knows (`Validation.of(scope).declareKind`).
   * @default - none
   */
  readonly kinds?: readonly KindDeclaration[];
  /**
   * The insecure opt-ins recorded by the kit's constructs (`Validation.collect` gathers them).
   * @default - none
   */
  readonly insecureOptIns?: readonly InsecureOptIn[];
  /**
   * The Kubernetes minor of the objects under each scope (`Validation.of(scope).targetKubernetes`; a Platform
   * declares its `kubernetesVersion`).
   * @default - every minor from 1.32 to 1.35 must serve each object's API version
   */
  readonly kubernetesTargets?: readonly KubernetesTarget[];
}

/** Rule ids of validation's own bookkeeping. */
export const ValidationRules = {
  /** A waiver names an object or rule that produced no finding: remove it, or fix its kind and name. */
  UNUSED_WAIVER: 'validation/unused-waiver',
  /** A user rule threw instead of returning findings. */
  RULE_FAILED: 'validation/rule-failed',
} as const;

/**
 * Validates the complete object set: schema (unknown fields rejected), references between objects, policy, the API
 * server's own rules (syntax, sizes, uniqueness inside pods, served versions), insecure opt-ins, then the user's rules; waived findings are dropped. Grouping is done once up front, so the cost grows linearly.
 *
 * `schemaCheckedElsewhere` gives the schema check of these very objects when it ran elsewhere (`synthesize` runs it
 * on the YAML writer thread); it is asked last, after every other check, and when it gives nothing the objects are
 * schema-checked here.
 */
export function validateObjects(objects: readonly ValidationInput[], options: ValidationOptions = {},
  schemaCheckedElsewhere?: () => SchemaChecks | undefined): ValidationReport {
  const index = new ObjectIndex(objects);
  const findings: Finding[] = [];
  for (const object of index.all) if (object.droppedEdits.length !== 0) findings.push(...checkDroppedEdits(object, object.droppedEdits));
  const replicas = replicaCounts(index);
  findings.push(...checkReferences(index, externalLookup(options.externals ?? []), replicas));
  findings.push(...checkPolicy(index, replicas));
  findings.push(...checkMonitoring(index));
  findings.push(...checkApiServerRules(index), ...checkGatewayApiRules(index), ...checkPorts(index), ...checkQuantities(index));
  findings.push(...checkPodUniqueness(index), ...checkDisruptionBudgetOverlap(index));
  findings.push(...checkServedVersions(index, options.kinds ?? [], options.kubernetesTargets ?? []));
  findings.push(...checkPlaintextAndOptIns(index, options.insecureOptIns ?? []));
  for (const entry of options.rules ?? []) findings.push(...runUserRule(index, entry));
  const schema = schemaCheckedElsewhere?.() ?? checkSchemas(index.all);
  findings.push(...schema.findings);
  const kept = applyWaivers(index, findings, options.waivers ?? []);
  kept.sort(compareFindings);
  return {
    errors: kept.filter((f) => f.severity === 'error'),
    warnings: kept.filter((f) => f.severity === 'warning'),
    unchecked: [...schema.unchecked].sort(),
  };
}

/**
 * The kit's checks over plain objects (no construct paths), e.g. YAML read back or a test's synthesized chart.
 * This is what the `toPassPolicies` matcher runs.
 */
export function checkPolicies(objects: readonly KubeObject[], options: ValidationOptions = {}): ValidationReport {
  return validateObjects(objects.map((object) => ({ object, constructPath: '' })), options);
}

function checkSchemas(objects: readonly IndexedObject[]): SchemaChecks {
  const checker = new SchemaChecker();
  for (const object of objects) checker.check(object);
  return checker;
}

function externalLookup(externals: readonly ExternalDeclaration[]): ExternalLookup {
  const byKindName = new Map<string, ExternalDeclaration[]>();
  for (const e of externals) {
    const k = `${e.kind}/${e.name}`;
    byKindName.set(k, [...(byKindName.get(k) ?? []), e]);
  }
  return (kind, namespace, name, from) => (byKindName.get(`${kind}/${name}`) ?? [])
    .some((e) => waiverMatches(e, kind, namespace, name, from.constructPath));
}

function runUserRule(index: ObjectIndex, entry: ValidationRule | ScopedRule): Finding[] {
  const rule = 'rule' in entry ? entry.rule : entry;
  const scopePath = 'rule' in entry ? entry.scopePath ?? '' : '';
  const inScope = index.all.filter((o) => isUnder(o.constructPath, scopePath));
  const byJson = new Map<KubeObject, IndexedObject>(inScope.map((o) => [o.json, o]));
  let results: readonly FindingLike[];
  try {
    results = rule.check(inScope.map((o) => o.json));
  } catch (error) {
    const subject = { json: {}, constructPath: scopePath, ref: `rule ${rule.id}` };
    return [finding(ValidationRules.RULE_FAILED, 'error', subject, '', foundText(`the rule threw: ${(error as Error).message ?? error}`),
      'a rule that returns findings instead of throwing')];
  }
  return results.map((r) => {
    const subject = byJson.get(r.object) ?? { json: r.object, constructPath: '', ref: objectRef(r.object ?? {}) };
    return finding(rule.id, r.severity ?? rule.severity ?? 'error', subject, r.fieldPath ?? '',
      typeof r.found === 'string' ? foundText(r.found) : r.found, r.expected);
  });
}

function applyWaivers(index: ObjectIndex, findings: readonly Finding[], waivers: readonly Waiver[]): Finding[] {
  if (waivers.length === 0) return [...findings];
  const byRef = new Map<string, IndexedObject>();
  for (const object of index.all) if (!byRef.has(`${object.ref}@${object.constructPath}`)) byRef.set(`${object.ref}@${object.constructPath}`, object);
  const used = new Set<Waiver>();
  const kept = findings.filter((f) => {
    const object = byRef.get(`${f.object}@${f.constructPath}`);
    if (!object) return true;
    const waiver = waivers.find((w) => w.ruleId === f.ruleId && waiverMatches(w, object.kind, object.namespace, object.name, object.constructPath));
    if (waiver) used.add(waiver);
    return !waiver;
  });
  for (const waiver of waivers) {
    if (used.has(waiver)) continue;
    const subject = { json: {}, constructPath: waiver.scopePath ?? '', ref: `${waiver.kind}/${waiver.namespace ? `${waiver.namespace}/` : ''}${waiver.name}` };
    kept.push(finding(ValidationRules.UNUSED_WAIVER, 'warning', subject, '', foundText(`a waiver of ${waiver.ruleId} that matched no finding`),
      'waivers only where a rule fires: remove it, or correct its rule id, kind and name'));
  }
  return kept;
}

function compareFindings(a: Finding, b: Finding): number {
  return cmp(a.constructPath, b.constructPath) || cmp(a.object, b.object) || cmp(a.ruleId, b.ruleId) || cmp(a.fieldPath, b.fieldPath);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
