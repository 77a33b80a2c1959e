// Two PodDisruptionBudgets over the same pods: the eviction API then refuses every eviction of those pods
// ("This pod has more than one PodDisruptionBudget"), so node drains hang.
import { Finding, finding, foundText } from './finding';
import { IndexedObject, ObjectIndex, PodTemplate } from './object-index';

/** Rule ids of the budget overlap check. */
export const DisruptionBudgetRules = {
  /** A PodDisruptionBudget selects pods another budget already selects. */
  PDB_OVERLAP: 'ref/pdb-overlap',
} as const;

/** Reports each budget that selects a pod template an earlier budget (in output order) already selects. */
export function checkDisruptionBudgetOverlap(index: ObjectIndex): Finding[] {
  const budgetsOf = new Map<PodTemplate, IndexedObject[]>();
  const findings: Finding[] = [];
  for (const pdb of index.everyOfKind('PodDisruptionBudget')) {
    const overlaps: string[] = [];
    for (const template of index.templatesMatching(pdb.scope, pdb.json.spec?.selector)) {
      const earlier = budgetsOf.get(template) ?? [];
      for (const other of earlier) overlaps.push(`${template.owner.kind}/${template.owner.name} is also selected by PodDisruptionBudget/${other.name}${other.constructPath ? ` (${other.constructPath})` : ''}`);
      budgetsOf.set(template, [...earlier, pdb]);
    }
    if (overlaps.length) {
      findings.push(finding(DisruptionBudgetRules.PDB_OVERLAP, 'error', pdb, 'spec.selector', foundText(overlaps.join('; ')),
        'one PodDisruptionBudget per set of pods: with two, Kubernetes refuses every eviction of those pods and node drains hang'));
    }
  }
  return findings;
}
