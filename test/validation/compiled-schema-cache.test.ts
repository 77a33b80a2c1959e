// The Argo Rollouts validator compiled once per machine: the package's own verdicts and errors, from a cache file.
import { execFile } from 'child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { precompiledSchemaModel, PrecompiledSchemaModel } from '../../lib/validation/compiled-schema-cache';
import { schemaModel } from '../../lib/validation/schema-models';

const ROLLOUT_FILE = require.resolve('@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout');

const validRollout = () => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'orders', namespace: 'shop', labels: { app: 'orders' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'orders' } },
    strategy: { canary: { steps: [{ setWeight: 10 }, { pause: { duration: '120s' } }, { setWeight: 50 }, { pause: {} }] } },
    template: {
      metadata: { labels: { app: 'orders' } },
      spec: { containers: [{ name: 'app', image: 'shop/orders:1.2.0', ports: [{ containerPort: 8080, name: 'http' }] }] },
    },
  },
});

/** Broken Rollouts, each with the fault the name says. */
const INVALID: Record<string, (r: any) => void> = {
  'wrong type': (r) => { r.spec.replicas = 'two'; },
  'missing required field': (r) => { delete r.spec.template.spec.containers[0].name; },
  'bad enum': (r) => { r.apiVersion = 'argoproj.io/v1beta1'; },
  'nullable metadata holding a wrong type': (r) => { r.metadata.name = 5; },
  'int32 format': (r) => { r.spec.replicas = 2 ** 40; },
  'date-time format': (r) => { r.spec.restartAt = 'yesterday'; },
  'several faults at once': (r) => {
    r.spec.replicas = -1.5;
    r.spec.strategy.canary.steps[0].setWeight = 'ten';
    r.spec.template.spec.containers[0].ports[0].containerPort = '8080';
    r.metadata.labels = { app: 3 };
  },
};

function broken(fault: string): Record<string, any> {
  const rollout = validRollout();
  INVALID[fault](rollout);
  return rollout;
}

/** What a validate() threw, made comparable (errors from the cached module belong to another realm under Jest). */
function outcome(run: () => void): { message: string; errors: unknown[] } | 'valid' {
  try {
    run();
    return 'valid';
  } catch (error) {
    const { message, errors } = error as { message: string; errors: unknown[] };
    return { message, errors: JSON.parse(JSON.stringify(errors)) };
  }
}

/** The package's own validator and the precompiled one, on the same model instance. */
function bothOutcomes(model: PrecompiledSchemaModel, object: Record<string, any>) {
  const instance = new Rollout(object as any);
  return { packageOwn: outcome(() => instance.validate()), precompiled: outcome(() => model.prototype.validate.call(instance)) };
}

let root: string;
/** A cache folder filled once, copied by the tests that change it. */
let filled: string;
let fromCache: PrecompiledSchemaModel;

const freshDir = () => mkdtempSync(join(root, 'cache-'));
const copyOfFilled = () => {
  const dir = freshDir();
  cpSync(filled, dir, { recursive: true });
  return dir;
};
const jsFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.js'));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'compiled-schema-cache-'));
  filled = freshDir();
  const first = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: filled });
  expect(first?.origin).toBe('compiled');
  fromCache = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: filled })!;
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('precompiled Rollout validator: the package\'s own verdicts and errors', () => {
  test('the second load comes from the cache file', () => {
    expect(fromCache.origin).toBe('cache');
    expect(fromCache.cacheFile).toMatch(/kubernetes-models\+argo-rollouts@0\.3\.2\.argoproj\.io\.v1alpha1\.Rollout\.[0-9a-f]{16}\.js$/);
    expect(existsSync(fromCache.cacheFile!)).toBe(true);
    expect(readdirSync(filled).filter((f) => f.endsWith('.bin'))).toHaveLength(1); // the V8 code cache
  });

  test('a valid Rollout passes both', () => {
    expect(bothOutcomes(fromCache, validRollout())).toEqual({ packageOwn: 'valid', precompiled: 'valid' });
  });

  test('null metadata passes both (a nullable reference)', () => {
    const rollout: Record<string, any> = validRollout();
    rollout.metadata = null;
    expect(bothOutcomes(fromCache, rollout)).toEqual({ packageOwn: 'valid', precompiled: 'valid' });
  });

  test.each(Object.keys(INVALID))('%s: the same errors and message', (fault) => {
    const { packageOwn, precompiled } = bothOutcomes(fromCache, broken(fault));
    expect(packageOwn).not.toBe('valid');
    expect(precompiled).toEqual(packageOwn);
  });

  test('nullable metadata: only the reference\'s own error, as the package reports it', () => {
    const { precompiled } = bothOutcomes(fromCache, broken('nullable metadata holding a wrong type'));
    const errors = (precompiled as { errors: { instancePath: string; keyword: string }[] }).errors;
    expect(errors.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/metadata/name type']);
  });

  test('the error is AJV\'s ValidationError, its message the errors as text', () => {
    let thrown: any;
    try {
      fromCache.prototype.validate.call(broken('wrong type'));
    } catch (error) {
      thrown = error;
    }
    expect(thrown.constructor.name).toBe('ValidationError');
    expect(thrown.message).toBe('data/spec/replicas must be integer');
  });
});

describe('the cache file', () => {
  test('is what runs: a replaced file\'s validator is the one used', () => {
    const dir = copyOfFilled();
    const [file] = jsFiles(dir);
    writeFileSync(join(dir, file), '"use strict";module.exports = function acceptsAnything() { return true; };');
    const model = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!;
    expect(model.origin).toBe('cache');
    expect(outcome(() => model.prototype.validate.call(broken('wrong type')))).toBe('valid');
  });

  test('a corrupted file is ignored and rewritten', () => {
    const dir = copyOfFilled();
    const [file] = jsFiles(dir);
    writeFileSync(join(dir, file), '"use strict";module.exports = function validate10(data) { if (');
    const repaired = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!;
    expect(repaired.origin).toBe('compiled');
    expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(filled, file), 'utf8'));
    expect(bothOutcomes(repaired, broken('wrong type')).precompiled).toEqual(bothOutcomes(fromCache, broken('wrong type')).precompiled);
    expect(precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!.origin).toBe('cache');
  });

  test('a file that exports no function is ignored and rewritten', () => {
    const dir = copyOfFilled();
    const [file] = jsFiles(dir);
    writeFileSync(join(dir, file), 'module.exports = 42;');
    expect(precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!.origin).toBe('compiled');
    expect(readFileSync(join(dir, file), 'utf8')).toBe(readFileSync(join(filled, file), 'utf8'));
  });

  test('a corrupted V8 code cache is rejected by V8 and rewritten; the validator still loads from the file', () => {
    const dir = copyOfFilled();
    const [codeCache] = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    writeFileSync(join(dir, codeCache), Buffer.alloc(4096, 7));
    const model = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!;
    expect(model.origin).toBe('cache');
    expect(readFileSync(join(dir, codeCache)).equals(Buffer.alloc(4096, 7))).toBe(false);
    expect(bothOutcomes(model, broken('several faults at once')).precompiled).toEqual(bothOutcomes(fromCache, broken('several faults at once')).precompiled);
  });

  test('an unwritable folder: compiled in memory, same errors, nothing logged', () => {
    const blocker = join(freshDir(), 'a-file');
    writeFileSync(blocker, 'not a folder');
    const logged = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const errorLogged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const model = precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: join(blocker, 'cache') })!;
      expect(model.origin).toBe('memory');
      expect(bothOutcomes(model, validRollout())).toEqual({ packageOwn: 'valid', precompiled: 'valid' });
      const { packageOwn, precompiled } = bothOutcomes(model, broken('several faults at once'));
      expect(precompiled).toEqual(packageOwn);
      expect(logged).not.toHaveBeenCalled();
      expect(errorLogged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
      errorLogged.mockRestore();
    }
  });

  test('racing processes (parallel Jest workers) each write whole files: no temp file left, the same content', async () => {
    const dir = freshDir();
    const script = `const { Rollout } = require(${JSON.stringify(ROLLOUT_FILE)});
      const { precompiledSchemaModel } = require(${JSON.stringify(require.resolve('../../lib/validation/compiled-schema-cache'))});
      process.stdout.write(precompiledSchemaModel(Rollout, ${JSON.stringify(ROLLOUT_FILE)}, { directory: ${JSON.stringify(dir)} }).origin);`;
    const run = () => new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(__dirname, '..', '..') },
        (error, stdout) => (error ? reject(error) : resolve(stdout)));
    });
    const origins = await Promise.all([run(), run()]);
    expect(origins.every((o) => o === 'compiled' || o === 'cache')).toBe(true);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(jsFiles(dir)).toEqual(jsFiles(filled));
    expect(readFileSync(join(dir, jsFiles(dir)[0]), 'utf8')).toBe(readFileSync(join(filled, jsFiles(filled)[0]), 'utf8'));
    expect(precompiledSchemaModel(Rollout, ROLLOUT_FILE, { directory: dir })!.origin).toBe('cache');
  }, 30_000);

  test('CACHE_DIR is honoured as find-cache-dir does; otherwise the folder is node_modules/.cache/cdk8s-patterns', () => {
    const saved = process.env.CACHE_DIR;
    try {
      const cacheDir = freshDir();
      cpSync(filled, join(cacheDir, 'cdk8s-patterns', 'compiled-schemas'), { recursive: true });
      process.env.CACHE_DIR = cacheDir;
      const model = precompiledSchemaModel(Rollout, ROLLOUT_FILE)!;
      expect(model.origin).toBe('cache');
      expect(model.cacheFile?.startsWith(join(cacheDir, 'cdk8s-patterns', 'compiled-schemas'))).toBe(true);
      delete process.env.CACHE_DIR;
      expect(precompiledSchemaModel(Rollout, ROLLOUT_FILE)!.cacheFile)
        .toMatch(/\/node_modules\/\.cache\/cdk8s-patterns\/compiled-schemas\/kubernetes-models\+argo-rollouts@0\.3\.2\.[^/]+\.js$/);
    } finally {
      if (saved === undefined) delete process.env.CACHE_DIR;
      else process.env.CACHE_DIR = saved;
    }
  });
});

describe('schemaModel()', () => {
  test('gives argo-rollouts models a precompiled validator and other packages\' models as they are', () => {
    expect((schemaModel('argoproj.io/v1alpha1', 'Rollout') as PrecompiledSchemaModel).origin).toMatch(/^(cache|compiled|memory)$/);
    expect((schemaModel('argoproj.io/v1alpha1', 'AnalysisTemplate') as PrecompiledSchemaModel).origin).toMatch(/^(cache|compiled|memory)$/);
    const deployment = schemaModel('apps/v1', 'Deployment');
    expect(deployment).toBe(require('kubernetes-models/apps/v1/Deployment').Deployment);
  });

  test('the schema check finds the same unknown fields and errors through the read tracer as with the package\'s own validator', () => {
    const rollout: Record<string, any> = broken('wrong type');
    rollout.spec.strategy.canary.stepz = [];
    rollout.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    const findings = (validateObjects: typeof import('../../lib/validation').validateObjects) =>
      validateObjects([{ object: JSON.parse(JSON.stringify(rollout)), constructPath: 'shop/orders/Rollout' }]).errors
        .filter((f) => f.ruleId.startsWith('schema'))
        .map((f) => `${f.ruleId} ${f.fieldPath}: found ${f.found}; expected ${f.expected}`);

    const precompiled = findings(require('../../lib/validation').validateObjects);
    let packageOwn: string[] = [];
    jest.isolateModules(() => {
      jest.doMock('../../lib/validation/compiled-schema-cache', () => ({ precompiledSchemaModel: () => undefined }));
      packageOwn = findings(require('../../lib/validation').validateObjects);
    });
    expect(precompiled).toEqual([
      'schema spec.replicas: found "two"; expected an integer',
      'schema/unknown-field spec.strategy.canary.stepz: found unknown field "stepz"; expected only fields the argoproj.io/v1alpha1 Rollout schema defines (did you mean "steps"?)',
      'schema/unknown-field spec.template.spec.containers[0].imagePullPolcy: found unknown field "imagePullPolcy"; expected only fields the argoproj.io/v1alpha1 Rollout schema defines (did you mean "imagePullPolicy"?)',
    ]);
    expect(packageOwn).toEqual(precompiled);
  });
});
