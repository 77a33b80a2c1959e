// The YAML writer thread: synthesize's output is the same with and without it, failures leave the previous output,
// and the writer reports what went wrong.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize, SynthesisError } from '../../lib';
import { toYaml } from '../../lib/synthesis';
import { ValidationReport } from '../../lib/validation';
import { BackgroundYamlWriter } from '../../lib/synthesis/background-yaml-writer';
import * as claims from '../../lib/synthesis/chunk-claims';
import { SchemaChecker } from '../../lib/validation/schema-check';
import { fileTree } from '../support/file-tree';
import { writerThreadApp } from '../support/writer-thread-app';

let parent: string;
beforeEach(() => { parent = mkdtempSync(join(tmpdir(), 'writer-thread-')); });
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(parent, { recursive: true, force: true });
});

describe('synthesize with the writer thread', () => {
  test.each([
    ['every object where its kind and name put it', {}],
    ['a JSON patch that renames an object after resolution, moving it in apply order', { moveByPatch: true }],
  ])('writes the same files as the calling thread: %s', (_title, options) => {
    // given the thread is available here (tsx is installed) and its work is observed
    const finish = jest.spyOn(BackgroundYamlWriter.prototype, 'finish');
    // when the same app is synthesized with and without it
    synthesize(writerThreadApp(options), { outdir: join(parent, 'thread'), warn: () => undefined, writerThread: true });
    synthesize(writerThreadApp(options), { outdir: join(parent, 'caller'), warn: () => undefined, writerThread: false });
    // then the thread was used only in the first run (and, when an object moved, abandoned before finishing)
    expect(finish).toHaveBeenCalledTimes('moveByPatch' in options ? 0 : 1);
    if (!('moveByPatch' in options)) expect(finish.mock.results[0].value).toBe(true);
    // and the files are byte-identical
    const files = fileTree(join(parent, 'thread'));
    expect(Object.keys(files)).toEqual(['/shop/production.k8s.yaml', '/shop/staging.k8s.yaml']);
    expect(files).toEqual(fileTree(join(parent, 'caller')));
  });

  test('reports what validation on the calling thread reports, the schema check done on the thread', () => {
    // given the thread's schema check is observed, and the calling thread claims no chunk of it for itself
    const schemaChecks = jest.spyOn(BackgroundYamlWriter.prototype, 'schemaChecks');
    jest.spyOn(claims, 'claimChunk').mockReturnValue(false);
    const reportOf = (writerThread: boolean): ValidationReport => {
      try {
        synthesize(writerThreadApp({ schemaErrors: true }), { outdir: join(parent, String(writerThread)), warn: () => undefined, writerThread });
      } catch (error) {
        return (error as SynthesisError).report!;
      }
      throw new Error('synthesis passed');
    };
    const checkedHere = jest.spyOn(SchemaChecker.prototype, 'check');
    // when an app with schema errors and an object of an unknown kind is synthesized with and without the thread
    const onThread = reportOf(true);
    const checkedHereWithThread = checkedHere.mock.calls.length;
    const onCaller = reportOf(false);
    // then the thread did the schema check of the first run, the calling thread that of the second
    expect(checkedHereWithThread).toBe(0);
    expect(checkedHere).toHaveBeenCalled();
    expect(schemaChecks).toHaveBeenCalledTimes(1);
    expect(schemaChecks.mock.results[0].value.findings.map((f: { ruleId: string }) => f.ruleId).sort())
      .toEqual(['schema', 'schema', 'schema/unknown-field', 'schema/unknown-field']);
    // and both runs report the same: both platforms' wrong type and misspelt field, and the unknown kind unchecked
    expect(onThread.errors.filter((f) => f.ruleId.startsWith('schema')).map((f) => `${f.constructPath} ${f.fieldPath}`)).toEqual([
      'shop-production/odd-config dataa',
      'shop-production/svc-02/Deployment spec.revisionHistoryLimit',
      'shop-staging/odd-config dataa',
      'shop-staging/svc-02/Deployment spec.revisionHistoryLimit',
    ]);
    expect(onThread.unchecked).toEqual(['Widget/shop-production/widget (example.com/v1)', 'Widget/shop-staging/widget (example.com/v1)']);
    expect(onThread).toEqual(onCaller);
  });

  test('a failing validation leaves the previous output and no staging folder, though the thread had begun writing', () => {
    // given a previous output
    const outdir = join(parent, 'dist');
    synthesize(writerThreadApp(), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    // when an app that fails validation is synthesized into it
    const abandon = jest.spyOn(BackgroundYamlWriter.prototype, 'abandon');
    expect(() => synthesize(writerThreadApp({ invalid: true }), { outdir, warn: () => undefined, writerThread: true })).toThrow(SynthesisError);
    // then the thread's files were abandoned and removed, and the previous output is untouched
    expect(abandon).toHaveBeenCalled();
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});

describe('BackgroundYamlWriter', () => {
  test('appends objects in order as YAML documents, the file created by the first', () => {
    // given
    const writer = BackgroundYamlWriter.start()!;
    const path = join(parent, 'a.yaml');
    // when more objects than one message holds are appended, and an empty file is asked for
    for (let i = 0; i < 600; i++) writer.append(path, { kind: 'A', metadata: { name: `a-${i}` }, data: { x: 'on' } }, 'p/A');
    // (values JSON cannot carry: the chunk crosses as it is)
    const odd = join(parent, 'odd.yaml');
    writer.append(odd, { kind: 'B', spec: { ratio: NaN, limit: Infinity, nothing: null } }, 'p/B');
    writer.create(join(parent, 'empty.yaml'));
    // then finish reports success and the file holds the 600 documents in order
    expect(writer.finish()).toBe(true);
    const text = fileTree(parent)['/a.yaml'];
    const yaml = Buffer.from(text, 'base64').toString();
    expect(yaml.split('---\n')).toHaveLength(600);
    expect(yaml.startsWith("kind: A\nmetadata:\n  name: a-0\ndata:\n  x: 'on'\n---\nkind: A\nmetadata:\n  name: a-1\n")).toBe(true);
    expect(yaml.endsWith('name: a-599\ndata:\n  x: \'on\'\n')).toBe(true);
    expect(statSync(join(parent, 'empty.yaml')).size).toBe(0);
    expect(readFileSync(odd, 'utf8')).toBe('kind: B\nspec:\n  ratio: .nan\n  limit: .inf\n  nothing: null\n');
  });

  test('many chunks: each problem found once, every document written in order, whichever thread dumped it', () => {
    // given 3000 objects (a dozen chunks), every hundredth with a misspelt field
    const objects = Array.from({ length: 3000 }, (_, i) => ({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}` }, ...(i % 100 === 0 ? { dataa: {} } : { data: {} }),
    }));
    const writer = BackgroundYamlWriter.start()!;
    objects.forEach((object, i) => writer.append(join(parent, 'a.yaml'), object, `p/c${i}`));
    // when the checks are asked for at once, the thread still busy (the calling thread dumps the chunks it has not reached)
    const checks = writer.schemaChecks();
    expect(writer.finish()).toBe(true);
    // then every problem is found exactly once, as a single checker finds them
    const here = new SchemaChecker();
    here.checkObjects(objects, objects.map((_, i) => `p/c${i}`));
    const sorted = (findings: readonly { constructPath: string }[]) => [...findings].sort((a, b) => a.constructPath.localeCompare(b.constructPath));
    expect(checks?.findings).toHaveLength(30);
    expect(sorted(checks!.findings)).toEqual(sorted(here.findings));
    // and the file holds every document in order, whichever thread dumped each chunk
    expect(readFileSync(join(parent, 'a.yaml'), 'utf8')).toBe(toYaml(objects));
  });

  test('more chunks than the window holds: every document in order, though the caller dumped some while the thread lagged', () => {
    // given 50 chunks' worth of objects, far more than the 32 chunks the thread may lag behind
    const objects = Array.from({ length: 50 * 256 }, (_, i) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `c-${i}` }, data: { n: String(i) } }));
    const writer = BackgroundYamlWriter.start()!;
    const posted = jest.spyOn(BackgroundYamlWriter.prototype as unknown as { post: (m: { type: string }) => void }, 'post');
    // when they are appended as fast as the caller can, then the checks are asked for
    objects.forEach((object, i) => writer.append(join(parent, 'a.yaml'), object, `p/c${i}`));
    expect(writer.schemaChecks()?.findings).toEqual([]);
    expect(writer.finish()).toBe(true);
    // then the caller dumped some chunks itself, and the file is exactly the stream of them all
    expect(posted.mock.calls.filter(([m]) => m.type === 'text').length).toBeGreaterThan(0);
    expect(readFileSync(join(parent, 'a.yaml'), 'utf8')).toBe(toYaml(objects));
  });

  test('schema-checks what it writes, finding what the calling thread finds', () => {
    // given objects with a misspelt field, a wrong type, and a kind without a known schema
    const objects = [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'good' }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'typo' }, dataa: { a: 'b' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'type' }, data: { a: 1 } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
    ];
    const writer = BackgroundYamlWriter.start()!;
    objects.forEach((object, i) => writer.append(join(parent, 'a.yaml'), object, `p/o${i}`));
    // when the thread's schema check is asked for
    const onThread = writer.schemaChecks();
    expect(writer.finish()).toBe(true);
    // then it is the calling thread's own
    const here = new SchemaChecker();
    objects.forEach((json, i) => here.check({ json, constructPath: `p/o${i}`, ref: `ConfigMap/${json.metadata.name}` }));
    expect(onThread?.findings).toEqual(here.findings);
    expect(onThread?.findings.map((f) => `${f.constructPath} ${f.ruleId} ${f.fieldPath}`)).toEqual([
      'p/o1 schema/unknown-field dataa', 'p/o2 schema data.a',
    ]);
    expect(onThread?.unchecked).toEqual(['Widget/w (example.com/v1)']);
  });

  test('a file that cannot be written is reported by finish, naming the path and the cause', () => {
    // given a file in a folder that does not exist
    const writer = BackgroundYamlWriter.start()!;
    writer.append(join(parent, 'missing', 'a.yaml'), { kind: 'A' }, 'p/A');
    // when / then
    expect(() => writer.finish()).toThrow(/^writing .*missing\/a\.yaml: ENOENT/);
  });

  test('abandon returns once the thread has stopped, skipping what was still queued', () => {
    // given thousands of objects queued
    const writer = BackgroundYamlWriter.start()!;
    const path = join(parent, 'a.yaml');
    for (let i = 0; i < 20000; i++) writer.append(path, { kind: 'A', metadata: { name: `a-${i}` } }, 'p/A');
    // when abandoned
    writer.abandon();
    // then the folder can be removed at once and nothing is written after
    rmSync(parent, { recursive: true, force: true });
    expect(() => statSync(parent)).toThrow(/ENOENT/);
  });
});
