// Determinism: the same platform gives byte-identical YAML, and declaration order changes at most the object order.
import * as fc from 'fast-check';
import { synthesizeCharts, toYaml } from '../../lib/synthesis';
import { platformWithOrderArb, propertyParameters } from './generators';
import { buildPlatform } from './platform-builder';

function yamlOf(charts: ReturnType<typeof synthesizeCharts>): string {
  return charts.map((c) => `# ${c.file}\n${toYaml(c.objects)}`).join('');
}

/** The objects as a sorted list of YAML documents: equal lists mean the same objects, whatever their order. */
function sortedDocuments(charts: ReturnType<typeof synthesizeCharts>): string[] {
  return charts.flatMap((c) => c.objects.map((o) => `${c.file}\n${toYaml([o])}`)).sort();
}

describe('synthesis is deterministic', () => {
  test('building and synthesizing the same platform twice gives byte-identical YAML', () => {
    fc.assert(fc.property(platformWithOrderArb({ maxServices: 15 }), ({ spec }) => {
      // given
      const first = buildPlatform(spec);
      const second = buildPlatform(spec);
      // when
      const once = yamlOf(synthesizeCharts(first.app));
      const again = yamlOf(synthesizeCharts(first.app));
      const rebuilt = yamlOf(synthesizeCharts(second.app));
      // then
      expect(again).toBe(once);
      expect(rebuilt).toBe(once);
    }), propertyParameters(25));
  });

  test('declaring constructs and wiring in another order emits the same objects', () => {
    fc.assert(fc.property(platformWithOrderArb({ maxServices: 15 }), ({ spec, order }) => {
      // given
      const declared = buildPlatform(spec);
      const shuffled = buildPlatform(spec, order);
      // when
      const expected = sortedDocuments(synthesizeCharts(declared.app));
      const actual = sortedDocuments(synthesizeCharts(shuffled.app));
      // then
      expect(actual).toEqual(expected);
    }), propertyParameters(25));
  });
});
