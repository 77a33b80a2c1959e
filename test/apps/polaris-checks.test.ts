// Polaris on every environment of dist/ (Polaris itself is a Go binary the CI machine does not have; its default
// checks are restated in test/support/polaris.ts): a score of at least 97 %, and no finding but the conflicts the
// README's checker section documents. Also the checks the reference platforms used to fail, asserted on the
// synthesized objects: priorityClassNotSet, metadataAndInstanceMismatched and missingNetworkPolicy, whose oneOf
// match passes only a policy that selects the pods by one label.
import { readFileSync } from 'fs';
import { loadAll } from 'js-yaml';
import { join } from 'path';
import { K8sObject } from '../support/objects';
import { buildReference, ENVIRONMENTS, podTemplateOf, POD_BEARING_KINDS, REFERENCE_PLATFORMS } from '../support/platform-assertions';
import { polarisResults, polarisScore } from '../support/polaris';

const INSTANCE = 'app.kubernetes.io/instance';
const REPO = join(__dirname, '..', '..');
const CASES = ENVIRONMENTS.flatMap((environment) => REFERENCE_PLATFORMS.map((reference) => ({ reference, environment, label: `${reference.name} in ${environment.name}` })));

/** The Polaris checks the README documents as conflicts, by check id: the backticked ids of its Polaris list. */
function documentedConflicts(): Set<string> {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('Polaris findings that remain');
  if (start < 0) throw new Error('README.md has no "Polaris findings that remain" list in its checker section');
  const list = readme.slice(start).split('\n\n')[1] ?? '';
  return new Set([...list.matchAll(/^- `([A-Za-z]+)`[^:]*:\s+\S/gm)].map((m) => m[1]));
}

describe.each(CASES)('Polaris on dist/$label', ({ reference, environment }) => {
  const objects = loadAll(readFileSync(join(REPO, 'dist', reference.name, `${environment.name}.k8s.yaml`), 'utf8')) as K8sObject[];
  const results = polarisResults(objects);

  test('scores at least 97 %, over the checks of every controller, container, HPA, PDB, ConfigMap and Role', () => {
    expect(results.length).toBeGreaterThan(200);
    expect(polarisScore(results)).toBeGreaterThanOrEqual(97);
  });

  test('its remaining findings are only the documented conflicts, each with its reason', () => {
    const documented = documentedConflicts();
    const undocumented = results.filter((r) => !r.success && !documented.has(r.check)).map((r) => `${r.check} ${r.subject}`);
    expect(undocumented).toEqual([]);
  });
});

test('the score counts successes and dangers twice and warnings once, as Polaris does', () => {
  const r = (success: boolean, severity: 'warning' | 'danger') => ({ check: 'x', subject: 'y', success, severity });
  expect(polarisScore([r(true, 'warning'), r(false, 'warning')])).toBe(66);
  expect(polarisScore([r(true, 'warning'), r(false, 'danger')])).toBe(50);
  expect(polarisScore([r(true, 'danger')])).toBe(100);
});

test('a pod without a priority class, probes or a one-label policy fails those checks', () => {
  const deployment = {
    kind: 'Deployment', metadata: { name: 'a', labels: { [INSTANCE]: 'b' } },
    spec: { replicas: 1, template: { metadata: { labels: { app: 'a', tier: 'x' } }, spec: { containers: [{ name: 'c', image: 'x:latest' }] } } },
  };
  const policy = { kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { podSelector: { matchLabels: { app: 'a', tier: 'x' } }, policyTypes: ['Ingress', 'Egress'] } };
  const failed = polarisResults([deployment, policy]).filter((r) => !r.success).map((r) => r.check);
  expect(failed).toEqual(expect.arrayContaining(['priorityClassNotSet', 'metadataAndInstanceMismatched', 'missingNetworkPolicy', 'deploymentMissingReplicas',
    'tagNotSpecified', 'readinessProbeMissing', 'livenessProbeMissing', 'runAsRootAllowed', 'privilegeEscalationAllowed', 'automountServiceAccountToken']));
});

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
