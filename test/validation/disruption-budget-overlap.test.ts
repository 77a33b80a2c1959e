// Two PodDisruptionBudgets over one set of pods: evictions are refused, so drains hang.
import { k8s } from 'cdk8s-plus-28';
import { ResilientMicroservice } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { DisruptionBudgetRules, PolicyRules, ReferenceRules } from '../../lib/validation';
import { findingsOf } from '../support/findings';
import { testPlatform } from '../support/objects';

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

test('the budget\'s selector is matched for each check that asks: its reference, spreading and overlap findings all come', () => {
  const { app, platform } = testPlatform();
  new ResilientMicroservice(platform, 'api', { image: IMAGE, autoscaling: false, replicas: 1 });
  new k8s.KubePodDisruptionBudget(platform, 'Extra', {
    metadata: { name: 'extra' },
    spec: { minAvailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } } },
  });
  const { errors, warnings } = validateApp(app).report;
  const extra = [...errors, ...warnings].filter((f) => f.object === 'PodDisruptionBudget/shop/extra').map((f) => f.ruleId);
  expect(extra).toEqual([ReferenceRules.PDB_BLOCKS_EVICTION, DisruptionBudgetRules.PDB_OVERLAP]);
  expect(warnings.filter((f) => f.ruleId === PolicyRules.DISRUPTION_SPREADING).map((f) => [f.object, f.expected]))
    .toEqual([['Deployment/shop/api', expect.stringMatching(/^at least 2 replicas .*PodDisruptionBudget\/api protects it/)]]);
});
