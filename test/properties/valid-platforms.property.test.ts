// Properties of every valid generated platform: schema-valid, policy-clean, selected, isolated as wired, named, secret-free.
import * as fc from 'fast-check';
import { validateApp } from '../../lib/synthesis';
import { K8sObject } from '../support/objects';
import {
  flowDifferences, nameProblems, networkCoverageProblems, policyFlows, secretProblems, serviceProblems,
} from '../support/platform-checks';
import { declaredFlows } from './declared-flows';
import { PlatformSpec, platformArb, propertyParameters, SECRET_MARKER } from './generators';
import { buildPlatform } from './platform-builder';

/** Names of the Secrets a spec opted into writing in plain text. */
function plaintextSecretNames(spec: PlatformSpec): Set<string> {
  return new Set([
    ...spec.services.filter((s) => s.plaintextSecrets).map((s) => `${s.name}-plaintext`),
    ...spec.databases.filter((d) => d.credentials === 'plaintext').map((d) => `${d.name}-credentials`),
  ]);
}

const stats = { platforms: 0, objects: 0, largest: 0 };

describe('every generated valid platform', () => {
  afterAll(() => {
    if (process.env.PROPERTY_STATS) {
      process.stdout.write(`valid platforms: ${stats.platforms} platforms, ${stats.objects} objects (largest ${stats.largest})\n`);
    }
  });

  test('synthesizes objects that pass validation and every platform-wide check, with exactly the declared flows', () => {
    fc.assert(fc.property(platformArb(), (spec) => {
      // given
      const { app } = buildPlatform(spec);
      // when
      const { charts, report } = validateApp(app);
      const objects: K8sObject[] = charts.flatMap((c) => c.objects);
      stats.platforms++;
      stats.objects += objects.length;
      stats.largest = Math.max(stats.largest, objects.length);
      // then
      expect(report.errors.map((f) => `${f.constructPath} ${f.ruleId}: ${f.found}`)).toEqual([]);
      // The VerticalPodAutoscaler CRD has no maintained model: the only kind allowed through unchecked.
      expect(report.unchecked.filter((u) => !u.startsWith('VerticalPodAutoscaler/'))).toEqual([]);
      expect(serviceProblems(objects)).toEqual([]);
      expect(networkCoverageProblems(objects)).toEqual([]);
      expect(flowDifferences(policyFlows(objects), declaredFlows(spec))).toEqual([]);
      expect(nameProblems(objects)).toEqual([]);
      expect(secretProblems(objects, SECRET_MARKER, plaintextSecretNames(spec))).toEqual([]);
    }), propertyParameters(100));
  });
});
