// The PodDisruptionBudget shared by every replicated workload.
import { Testing } from 'cdk8s';
import { disruptionBudget } from '../../lib/scaling/disruption-budget';

test('one pod at a time, unhealthy pods always evictable, selecting exactly the workload', () => {
  // given
  const chart = Testing.chart();
  // when
  disruptionBudget(chart, { metadata: { name: 'orders', labels: { a: 'b' } }, selector: { 'app.kubernetes.io/name': 'orders' } });
  const pdb = Testing.synth(chart)[0];
  // then
  expect(pdb.apiVersion).toBe('policy/v1');
  expect(pdb.metadata.name).toBe('orders');
  expect(pdb.spec).toEqual({
    maxUnavailable: 1,
    selector: { matchLabels: { 'app.kubernetes.io/name': 'orders' } },
    unhealthyPodEvictionPolicy: 'AlwaysAllow',
  });
});
