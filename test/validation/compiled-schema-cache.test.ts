// A generated schema bundle loaded with V8's code cache: compiled once per machine, the same verdicts either way.
import { execFile } from 'child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { loadBundle } from '../../lib/validation/compiled-schema-cache';
import { SchemaModel } from '../../lib/validation/schema-models';
import { readManifest, SCHEMAS_DIR } from '../../scripts/generate-schemas';

const manifest = readManifest()!;
const BUNDLE = join(SCHEMAS_DIR, manifest.bundles['argo-rollouts'].file);
const SHA = manifest.bundles['argo-rollouts'].sha256;

const rollout = (replicas: unknown) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: { name: 'orders' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'orders' } },
    template: { metadata: { labels: { app: 'orders' } }, spec: { containers: [{ name: 'app', image: 'shop/orders:1.2.0' }] } },
  },
});

/** The verdict of the bundle's Rollout model, comparable across realms. */
function verdict(exports: unknown, object: object): string {
  const model = (exports as { default: Record<string, SchemaModel> }).default['argoproj.io/v1alpha1/Rollout'];
  try {
    model.prototype.validate.call(object);
    return 'valid';
  } catch (error) {
    return (error as Error).message;
  }
}

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'compiled-schema-cache-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test('the first load compiles and writes the code cache, the next one uses it; both give the same verdicts', () => {
  const directory = join(root, 'fresh');
  let warmed = 0;
  const first = loadBundle(BUNDLE, SHA, () => { warmed++; }, { directory });
  const second = loadBundle(BUNDLE, SHA, () => { warmed++; }, { directory });
  expect([first.origin, second.origin, warmed]).toEqual(['compiled', 'cache', 1]);
  expect(first.cacheFile).toBe(second.cacheFile);
  expect(readdirSync(directory)).toEqual([`argo-rollouts.${SHA.slice(0, 16)}.v8-${process.versions.v8}-${process.arch}.bin`]);
  for (const replicas of [2, 'two']) expect(verdict(second.exports, rollout(replicas))).toBe(verdict(first.exports, rollout(replicas)));
  expect(verdict(second.exports, rollout('two'))).toMatch(/replicas must be integer/);
});

test('a corrupted code cache is rejected by V8 and rewritten; the bundle still loads (in a new process)', async () => {
  const directory = join(root, 'corrupted');
  const { cacheFile } = loadBundle(BUNDLE, SHA, () => undefined, { directory });
  expect(await loadInChild(directory)).toBe('cache');
  writeFileSync(cacheFile!, 'not V8 data');
  expect(await loadInChild(directory)).toBe('compiled');
  expect(await loadInChild(directory)).toBe('cache');
}, 60000);

test('an unwritable folder: compiled in memory, nothing left behind', () => {
  const directory = join(root, 'readonly');
  writeFileSync(directory, ''); // a file where the folder should be: mkdir fails
  const loaded = loadBundle(BUNDLE, SHA, () => undefined, { directory: join(directory, 'sub') });
  expect(loaded.origin).toBe('memory');
  expect(verdict(loaded.exports, rollout(2))).toBe('valid');
  chmodSync(directory, 0o644);
});

/** Loads the bundle in a fresh process (V8 keeps compiled scripts in memory, so only a new one reads the cache). */
function loadInChild(directory: string): Promise<string> {
  const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))});
    const { loadBundle } = require(${JSON.stringify(join(__dirname, '../../lib/validation/compiled-schema-cache.ts'))});
    process.stdout.write(loadBundle(${JSON.stringify(BUNDLE)}, ${JSON.stringify(SHA)}, () => undefined, { directory: ${JSON.stringify(directory)} }).origin);`;
  return new Promise<string>((resolve, reject) => execFile(process.execPath, ['-e', script], (e, out) => (e ? reject(e) : resolve(out))));
}

test('racing processes (parallel Jest workers) each write whole files: no temp file left, one cache file', async () => {
  const directory = join(root, 'race');
  const run = () => loadInChild(directory);
  const origins = await Promise.all([run(), run(), run()]);
  for (const origin of origins) expect(['compiled', 'cache']).toContain(origin);
  expect(readdirSync(directory)).toHaveLength(1);
  expect(await run()).toBe('cache');
}, 60000);
