// AJV set up as @kubernetes-models/validate 3: its formats give the package's verdicts; its error clean-up matches.
import * as fc from 'fast-check';
import { AjvError, createAjv, describeSetup, loadAjvLibraries, withoutNullableRefErrors } from '../../lib/validation/kubernetes-models-ajv';
import { packageOf, resolveFrom } from '../../lib/validation/schema-capture';
import { propertyParameters } from '../properties/generators';

const ROLLOUT_FILE = require.resolve('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout');
const VALIDATE_FILE = resolveFrom(ROLLOUT_FILE, '@kubernetes-models/validate')!;
/** The package's own validate 3: schemas registered through it are compiled by its own AJV and formats. */
const validate3 = require(VALIDATE_FILE) as { register(id: string, schema: object): void; validate(id: string, data: unknown): void };
const libs = loadAjvLibraries(packageOf(VALIDATE_FILE)!.dir)!;
const ajv = createAjv(libs);

let registered = 0;

function verdicts(format: string): { packageOwn: (value: string) => boolean; ours: (value: string) => boolean } {
  const id = `cdk8s-patterns.test.format.${format}.${++registered}`;
  const schema = { type: 'string', format };
  validate3.register(id, schema);
  ajv.addSchema(schema, id);
  const compiled = ajv.getSchema(id)!;
  return {
    packageOwn: (value) => {
      try {
        validate3.validate(id, value);
        return true;
      } catch {
        return false;
      }
    },
    ours: (value) => compiled(value),
  };
}

const EXAMPLES: Record<string, string[]> = {
  quantity: ['', '1', '-1', '+1.5', '1.', '.5', '.', '500m', '2Gi', '1Ki', '1ki', '1e3', '1E-3', '1e', '1.5da', '3d', '1h', '2Mi2',
    '1 Gi', '0x10', '1e3Gi', '5y', '5Y', '1Ei', '1Zi', 'Gi', '-.5e+.5'],
  byte: ['', 'QQ==', 'QUI=', 'QUJD', 'QQ=', 'Q===', '====', 'QQ==QUJD', 'QU JD', 'a+/9', 'a-_9', 'QUJDRA==', 'QUJDR'],
  string: ['', 'anything', '1'],
};

describe('formats validate 3 adds', () => {
  test.each(Object.keys(EXAMPLES))('%s: the package\'s verdict on each example', (format) => {
    const { packageOwn, ours } = verdicts(format);
    const disagreements = EXAMPLES[format].filter((value) => ours(value) !== packageOwn(value));
    expect(disagreements).toEqual([]);
    expect(EXAMPLES[format].some(packageOwn)).toBe(true);
    expect(EXAMPLES[format].every(packageOwn)).toBe(format === 'string');
  });

  test('quantity: the package\'s verdict on generated strings', () => {
    const { packageOwn, ours } = verdicts('quantity');
    const piece = fc.constantFrom('0', '7', '12', '.', '+', '-', 'e', 'E', 'Ki', 'Gi', 'i', 'm', 'k', 'K', 'da', 'd', 'a', 'Y', 'x', ' ');
    fc.assert(fc.property(fc.array(piece, { maxLength: 7 }).map((p) => p.join('')), (value) => {
      expect(ours(value)).toBe(packageOwn(value));
    }), propertyParameters(2000));
  });

  test('byte: the package\'s verdict on generated strings and on real base64', () => {
    const { packageOwn, ours } = verdicts('byte');
    const char = fc.constantFrom('Q', 'z', '0', '+', '/', '=', '-', ' ');
    fc.assert(fc.property(fc.oneof(
      fc.array(char, { maxLength: 10 }).map((c) => c.join('')),
      fc.uint8Array({ maxLength: 12 }).map((bytes) => Buffer.from(bytes).toString('base64')),
    ), (value) => {
      expect(ours(value)).toBe(packageOwn(value));
    }), propertyParameters(2000));
  });
});

describe('createAjv()', () => {
  test('has the plugins\' formats and validate 3\'s three; draft 2019\'s duration and validate 3\'s byte replace ajv-formats\'', () => {
    const names = Object.keys(ajv.formats);
    expect(names).toEqual(expect.arrayContaining(['int32', 'int64', 'date-time', 'duration', 'iri', 'idn-email', 'byte', 'quantity', 'string']));
    expect(ajv.formats.duration).toBe(require(resolveFrom(VALIDATE_FILE, 'ajv-formats-draft2019/formats')!).duration);
    const ajvFormats = require(resolveFrom(VALIDATE_FILE, 'ajv-formats/dist/formats')!).fullFormats;
    expect(ajv.formats['date-time']).toBe(ajvFormats['date-time']);
    expect(ajv.formats.byte).not.toBe(ajvFormats.byte);
  });

  test('describeSetup() names the options and each format\'s shape, and changes when a RegExp format does', () => {
    const setup = describeSetup(ajv) as { options: object; formats: [string, unknown][] };
    expect(setup.options).toEqual({ strictTypes: false, allErrors: true, verbose: true });
    expect(Object.fromEntries(setup.formats).int32).toEqual({ type: 'number', async: undefined, validate: 'function' });
    const other = createAjv(libs);
    other.addFormat('quantity', { type: 'string', validate: /^\d+$/ });
    expect(JSON.stringify(describeSetup(other))).not.toBe(JSON.stringify(setup));
  });
});

describe('withoutNullableRefErrors()', () => {
  const error = (keyword: string, schemaPath: string, schema?: unknown): AjvError =>
    ({ instancePath: '/metadata', schemaPath, keyword, params: {}, schema });

  test('drops a nullable reference\'s oneOf error and its null branch\'s type error, keeping the reference\'s errors', () => {
    const errors = [
      error('type', 'io.k8s.ObjectMeta#/properties/name/type'),
      error('type', '#/properties/metadata/oneOf/1/type'),
      error('oneOf', '#/properties/metadata/oneOf', [{ $ref: 'io.k8s.ObjectMeta#' }, { type: 'null' }]),
    ];
    expect(withoutNullableRefErrors(errors)).toEqual([errors[0]]);
  });

  test('keeps other oneOf errors, and type errors of other branches', () => {
    const errors = [
      error('type', '#/properties/port/oneOf/0/type'),
      error('type', '#/properties/port/oneOf/1/type'),
      error('oneOf', '#/properties/port/oneOf', [{ type: 'integer' }, { type: 'string' }]),
      error('type', '#/properties/metadata/oneOf/0/type'),
      error('oneOf', '#/properties/metadata/oneOf', [{ type: 'object' }, { type: 'null' }]),
    ];
    expect(withoutNullableRefErrors(errors)).toEqual(errors.slice(0, 4));
  });
});
