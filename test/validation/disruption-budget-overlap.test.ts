// Two PodDisruptionBudgets over one set of pods: evictions are refused, so drains hang.
import { k8s } from 'cdk8s-plus-28';
import { ResilientMicroservice } from '../../lib';
import { DisruptionBudgetRules } from '../../lib/validation';
import { findingsOf } from '../support/findings';

const IMAGE = 'registry.example.com/shop/api:1.4.0';

test('a second budget over a kit workload\'s pods is refused, naming the first and the workload', () => {
  const found = findingsOf(DisruptionBudgetRules.PDB_OVERLAP, (p) => {
    new ResilientMicroservice(p, 'api', { image: IMAGE });
    new k8s.KubePodDisruptionBudget(p, 'Extra', {
      metadata: { name: 'extra' },
      spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['api'] }] } },
    });
  });
  expect(found).toEqual([expect.stringMatching(/^\[shop\/Extra\] error ref\/pdb-overlap PodDisruptionBudget\/shop\/extra spec\.selector: found Deployment\/api is also selected by PodDisruptionBudget\/api \(shop\/api\/Pdb\); expected one PodDisruptionBudget per set of pods/)]);
});

test('budgets over different pods, and the kit\'s own budgets, pass', () => {
  expect(findingsOf(DisruptionBudgetRules.PDB_OVERLAP, (p) => {
    new ResilientMicroservice(p, 'api', { image: IMAGE });
    new ResilientMicroservice(p, 'web', { image: IMAGE });
  })).toEqual([]);
});
