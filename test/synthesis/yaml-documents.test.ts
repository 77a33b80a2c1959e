// toYaml: what YAML 1.1 readers (kubectl) and js-yaml read back, for tricky strings and any JSON-like documents.
import * as fc from 'fast-check';
import * as jsYaml from 'js-yaml';
import { load, loadAll } from 'js-yaml';
import { parse, parseAllDocuments } from 'yaml';
import { toYaml, yamlDocuments } from '../../lib/synthesis';

/** Strings YAML 1.1 resolves to booleans, numbers, dates or null when they are written plain. */
const LOOKALIKES = [
  'on', 'On', 'ON', 'off', 'yes', 'Yes', 'no', 'NO', 'y', 'Y', 'n', 'N', 'true', 'False',
  '0755', '0o17', '1e3', '1E-3', '0x1F', '1_000', '0b1_0', '+1', '-1', '1.5', '.5', '+.5', '1.', '-.inf', '.NaN',
  '1:30', '190:20:30.15', 'null', 'Null', '~', '', '2024-01-01', '2024-1-1', '2001-12-14t21:59:43.10-05:00',
  ':', '- x', '-', '? x', '<<', '=', '#x', 'a #b', 'a: b', "it's", '"q"', ' x', 'x ', '@x', '`x', '%x', '!x', '&x',
  '*x', '|', '>', '{x', '[x', 'x\ny', 'x\n', '\tx', 'x\u0007',
];

describe('toYaml quoting for YAML 1.1 readers', () => {
  test.each(LOOKALIKES)('the string %j reads back as the same string with yaml (1.1) and js-yaml', (value) => {
    // given
    const object = { kind: 'ConfigMap', data: { [value]: value, list: [value] } };
    // when
    const text = toYaml([object]);
    // then
    for (const read of [parse(text, { version: '1.1' }), load(text)] as Record<string, any>[]) {
      expect(read.data[value]).toBe(value);
      expect(read.data.list).toEqual([value]);
    }
  });

  test('the brief\'s look-alikes are written quoted, not plain', () => {
    // given
    const values = ['on', 'yes', 'no', 'off', 'y', '0755', '1e3', '0x1F', '1_000', 'null', '~', '2024-01-01'];
    // when
    const text = toYaml([{ data: Object.fromEntries(values.map((v, i) => [`k${i}`, v])) }]);
    // then
    values.forEach((v, i) => expect(text).toContain(`  k${i}: '${v}'\n`));
  });

  test('versions, images and URLs stay plain, as js-yaml writes them', () => {
    // given
    const object = { metadata: { labels: { 'app.kubernetes.io/version': '1.0.0' } }, image: 'registry.example.com/a/b:1.2.3', url: 'http://a.b.svc.cluster.local:8080' };
    // when
    const text = toYaml([object]);
    // then
    expect(text).toBe('metadata:\n  labels:\n    app.kubernetes.io/version: 1.0.0\nimage: registry.example.com/a/b:1.2.3\nurl: http://a.b.svc.cluster.local:8080\n');
  });

  test('numbers, booleans and null keep their types for a YAML 1.1 reader', () => {
    // given
    const object = { replicas: 3, ratio: 0.5, big: 1e21, negativeZero: -0, enabled: false, none: null, empty: {}, list: [] };
    // when
    const read = parse(toYaml([object]), { version: '1.1' });
    // then
    expect(read).toEqual({ replicas: 3, ratio: 0.5, big: 1e21, negativeZero: -0, enabled: false, none: null, empty: {}, list: [] });
  });
});

describe('toYaml quoting against js-yaml\'s own', () => {
  /** js-yaml's default resolvers, which its default schema asks whether a plain string would read as another type. */
  const RESOLVERS = ['null', 'bool', 'int', 'float', 'timestamp', 'merge']
    .map((name) => (jsYaml as unknown as { types: Record<string, jsYaml.Type> }).types[name]);
  /** js-yaml's compat mode (on by default) also quotes these YAML 1.1 booleans and base-60 numbers. */
  const COMPAT = /^(?:y|Y|yes|Yes|YES|on|On|ON|n|N|no|No|NO|off|Off|OFF|[-+]?[0-9_]+(?::[0-9_]+)+(?:\.[0-9_]*)?)$/;
  const numberish = fc.string({
    unit: fc.constantFrom('0', '1', '7', '9', '_', '.', ':', '-', '+', 'e', 'E', 'x', 'o', 'b', 'T', 't', 'Z', ' ', '~',
      '<', 'n', 'N', 'a', 'l', 'u', 'f', 'y', 'O', 'i'),
    maxLength: 12,
  });

  test('every string js-yaml\'s default schema would quote is quoted the same way', () => {
    const digitsAndColons = fc.string({ unit: fc.constantFrom('0', '5', '9', '_', ':', '.', '-', '+'), maxLength: 8 });
    fc.assert(fc.property(fc.oneof(numberish, digitsAndColons, fc.constantFrom(...LOOKALIKES)), (value) => {
      // given a single-line string with no quote in it, which js-yaml's default schema would quote
      fc.pre(!/[\n']/.test(value) && (RESOLVERS.some((type) => type.resolve(value)) || COMPAT.test(value)));
      // when / then: the kit's text is js-yaml's default text
      expect(toYaml([{ [value]: [value] }])).toBe(jsYaml.dump({ [value]: [value] }, { noRefs: true, lineWidth: -1 }));
    }), { seed: 20261203, numRuns: 2000 });
  });

  test('a string js-yaml would write plain stays plain unless a YAML 1.1 reader misreads it', () => {
    fc.assert(fc.property(numberish, (value) => {
      // given
      const text = toYaml([{ k: value }]);
      // when js-yaml writes it plain but the kit quotes it
      fc.pre(!value.includes('\n') && text !== jsYaml.dump({ k: value }, { noRefs: true, lineWidth: -1 }));
      // then a YAML 1.1 reader of the plain form would not get the string back, or it is one the kit quotes on
      // purpose (a loose float look-alike such as "_", "." or "e1")
      const plain = parse(`k: ${value}\n`, { version: '1.1' }) as { k: unknown } | null;
      expect(plain?.k !== value || /^[-+]?[0-9_]*\.?[0-9_]*(?:[eE][-+]?[0-9]+)?$|^[-+]?[0-9_]+(?::[0-9_]+)+/.test(value)).toBe(true);
    }), { seed: 20261203, numRuns: 300 });
  });
});

describe('toYaml as a document stream', () => {
  test('objects are separated by --- and read back in order', () => {
    // given
    const objects = [{ kind: 'Namespace', metadata: { name: 'a' } }, { kind: 'Service', metadata: { name: 'b' } }];
    // when
    const text = toYaml(objects);
    // then
    expect(text).toBe('kind: Namespace\nmetadata:\n  name: a\n---\nkind: Service\nmetadata:\n  name: b\n');
    expect(loadAll(text)).toEqual(objects);
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual(objects);
  });

  test('no objects, no text', () => {
    expect(toYaml([])).toBe('');
  });

  test('yamlDocuments yields one document at a time, each after the first with its --- line, joining to toYaml', () => {
    // given
    const objects = [{ kind: 'A' }, { kind: 'B', data: { x: 'on' } }, { kind: 'C' }];
    // when
    const pieces = [...yamlDocuments(objects)];
    // then
    expect(pieces).toEqual(['kind: A\n', "---\nkind: B\ndata:\n  x: 'on'\n", '---\nkind: C\n']);
    expect(pieces.join('')).toBe(toYaml(objects));
  });

  test('yamlDocuments is lazy: a document is serialized only when asked for', () => {
    // given a second object that cannot be serialized
    const pieces = yamlDocuments([{ kind: 'A' }, { kind: 'B', bad: () => 1 }])[Symbol.iterator]();
    // when only the first piece is taken, then nothing throws; the second throws when reached
    expect(pieces.next().value).toBe('kind: A\n');
    expect(() => pieces.next()).toThrow();
  });
});

/** JSON-like values, with strings chosen to hit every scalar style: plain, quoted, double-quoted, literal blocks. */
const trickyString = fc.oneof(
  fc.constantFrom(...LOOKALIKES, 'plain', 'a b', 'a:b', 'a: b', '  lead', 'trail\n\n', '\n', 'é', '💥', 'x\u2028y', '\ufeffx'),
  fc.string(),
  fc.string({ unit: fc.constantFrom('a', '0', ' ', '\n', ':', '#', "'", '"', '-', '.', '_', '\t', '|', '{', 'é') }),
);
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    trickyString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(trickyString, fc.option(tie('value'), { nil: undefined }), { maxKeys: 4 }),
  ),
})).value;

/** Whether a multi-line string somewhere in `value` has a line of spaces or tabs only. */
function hasSpacesOnlyLine(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\n') && /(^|\n)[ \t]+(\n|$)/.test(value);
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => hasSpacesOnlyLine(k) || hasSpacesOnlyLine(v));
  return false;
}

describe('toYaml round trips', () => {
  test('any JSON-like documents read back equal, by a YAML 1.1 reader and by js-yaml', () => {
    fc.assert(fc.property(fc.array(fc.dictionary(trickyString, jsonValue), { minLength: 1, maxLength: 3 }), (documents) => {
      // given: objects, as Kubernetes documents are, holding what JSON would carry (no undefined, no -0)
      const expected = JSON.parse(JSON.stringify(documents));
      // Readers disagree on a block-scalar line of spaces only (" \n"): js-yaml keeps it, `yaml` drops it. A
      // known edge of the spec, not of the kit; such strings are left out here.
      fc.pre(!hasSpacesOnlyLine(expected));
      // when
      const text = toYaml(expected);
      // then
      expect(parseAllDocuments(text, { version: '1.1' }).map((d) => d.toJS())).toEqual(expected);
      expect(loadAll(text)).toEqual(expected);
    }), {
      // A fixed seed keeps CI reproducible; YAML_PROPERTY_SEED and YAML_PROPERTY_RUNS explore further.
      seed: Number(process.env.YAML_PROPERTY_SEED ?? 20261122),
      numRuns: Number(process.env.YAML_PROPERTY_RUNS ?? 500),
    });
  });

  test('the same objects give the same text, call after call', () => {
    // given
    const objects = [{ a: ['x', { b: 'on', c: 'multi\nline\n' }] }];
    // when / then
    expect(toYaml(objects)).toBe(toYaml(JSON.parse(JSON.stringify(objects))));
  });
});
