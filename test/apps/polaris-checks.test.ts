// Polaris' checks that the reference platforms used to fail, asserted on the synthesized objects (Polaris itself
// is a Go binary the CI machine does not have): priorityClassNotSet, metadataAndInstanceMismatched and
// missingNetworkPolicy, whose oneOf match passes only a policy that selects the pods by one label.
import { buildReference, ENVIRONMENTS, podTemplateOf, POD_BEARING_KINDS, REFERENCE_PLATFORMS } from '../support/platform-assertions';

const INSTANCE = 'app.kubernetes.io/instance';
const CASES = ENVIRONMENTS.flatMap((environment) => REFERENCE_PLATFORMS.map((reference) => ({ reference, environment, label: `${reference.name} in ${environment.name}` })));

describe.each(CASES)('$label', ({ reference, environment }) => {
  const { objects } = buildReference(reference, environment);
  const controllers = objects.filter((o) => POD_BEARING_KINDS.includes(o.kind));

  test('priorityClassNotSet: every pod names a PriorityClass of the output', () => {
    const classes = new Set(objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name));
    for (const c of controllers) expect([c.metadata.name, classes.has(podTemplateOf(c)!.spec.priorityClassName)]).toEqual([c.metadata.name, true]);
  });

  test('metadataAndInstanceMismatched: every controller\'s instance label is its name', () => {
    expect(controllers.filter((c) => c.metadata.labels?.[INSTANCE] !== c.metadata.name).map((c) => c.metadata.name)).toEqual([]);
  });

  test('missingNetworkPolicy: every pod is selected by a policy of exactly one label', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(o.spec.podSelector.matchLabels ?? {}).length === 1);
    for (const c of controllers) {
      const labels = podTemplateOf(c)!.metadata.labels;
      const selecting = policies.filter((p) => Object.entries(p.spec.podSelector.matchLabels).every(([k, v]) => labels[k] === v));
      expect([c.metadata.name, selecting.length]).toEqual([c.metadata.name, 1]);
    }
  });
});
