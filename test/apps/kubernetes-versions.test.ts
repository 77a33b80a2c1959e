// The reference platforms for each target minor, validated against that minor's schema (the kit's check: the
// kubernetes-models 1.34 schemas, unknown fields refused) and against Kubernetes 1.28's (cdk8s-plus-28's L1, the
// types the kit builds on): the only fields 1.28 lacks are those of the features the target has GA.
import { Testing } from 'cdk8s';
import { validateApp } from '../../lib/synthesis';
import { fieldsUnknownTo128 } from '../support/kubernetes-1-28';
import { K8sObject } from '../support/objects';
import { ENVIRONMENTS, REFERENCE_PLATFORMS } from '../support/platform-assertions';

const CASES = (['1.32', '1.34'] as const).flatMap((version) => REFERENCE_PLATFORMS.flatMap((reference) =>
  ENVIRONMENTS.map((environment) => ({ version, reference, environment, label: `${reference.name} in ${environment.name} for ${version}` }))));

/** Every field 1.28 does not define, as `Kind/name path`, with array indexes folded to `[]`. */
function unknownTo128(objects: readonly K8sObject[]): string[] {
  const found = new Set<string>();
  for (const object of objects) {
    for (const path of fieldsUnknownTo128(object) ?? []) found.add(`${object.kind} ${path.replace(/\.\d+(?=\.|$)/g, '[]')}`);
  }
  return [...found].sort();
}

describe.each(CASES)('$label', ({ version, reference, environment }) => {
  const app = Testing.app();
  const platform = reference.build(app, environment, version);
  const objects = Testing.synth(platform) as K8sObject[];

  test('passes the kit\'s validation: the 1.34 schemas with unknown fields refused, and the minor\'s served APIs', () => {
    expect(platform.kubernetesVersion).toBe(version);
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('Kubernetes 1.28\'s schema defines every field, but the sleep action where the target has it', () => {
    const built = objects.filter((o) => fieldsUnknownTo128(o) !== undefined);
    expect(built.length).toBeGreaterThan(30);
    // Rollouts are custom resources: the kit's schema check covers them (Argo Rollouts' CRD), the 1.28 L1 does not.
    const expected = version === '1.34' ? ['Deployment spec.template.spec.containers[].lifecycle.preStop.sleep'] : [];
    expect(unknownTo128(objects)).toEqual(expected);
  });
});
