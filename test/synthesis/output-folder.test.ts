// Output safety beyond validation failures (test/validation/synthesize.test.ts has those): a synth that fails in
// construct validation or while writing leaves the previous outdir byte-identical and no staging folder behind.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, synthesize, SynthesisError } from '../../lib';
import { fileTree } from '../support/file-tree';

function app(options: { quotaPods?: number } = {}) {
  const a = Testing.app();
  const platform = new Platform(a, 'shop', { environment: Environment.PRODUCTION, quota: { pods: options.quotaPods } });
  new ResilientMicroservice(platform, 'api', { image: 'registry.example.com/shop/api:1.4.0' });
  return a;
}

describe('synthesize leaves the previous output untouched', () => {
  let parent: string;
  let outdir: string;
  beforeEach(() => {
    parent = mkdtempSync(join(tmpdir(), 'atomicity-'));
    outdir = join(parent, 'dist');
  });
  afterEach(() => rmSync(parent, { recursive: true, force: true }));

  test('when a construct validation fails (the quota cannot hold the platform)', () => {
    // given a previous output
    synthesize(app(), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    // when a platform whose quota is too small is synthesized into it
    const failing = () => synthesize(app({ quotaPods: 1 }), { outdir, warn: () => undefined });
    // then it fails naming the platform and the quota prop, and the files are as they were
    expect(failing).toThrow(SynthesisError);
    expect(failing).toThrow(/\[shop\] quota\.pods \(1\) is below what the platform needs at maximum scale/);
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('when writing fails half-way (a layout that throws after its first file)', () => {
    // given a previous output
    synthesize(app(), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    // when the layout throws while the files are produced
    const layout = () => [
      { path: 'a.yaml', content: 'kind: A\n' },
      { path: 'b/b.yaml', get content(): string { throw new Error('disk full'); } },
    ];
    // then the error surfaces, the previous files are byte-identical, and no staging folder is left
    expect(() => synthesize(app(), { outdir, layout, warn: () => undefined })).toThrow('disk full');
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('when a file written piece by piece fails half-way (a streamed layout)', () => {
    // given a previous output
    synthesize(app(), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    // when a file's pieces stop with an error after the first has been written
    function* pieces(): Generator<string> {
      yield 'kind: A\n'.repeat(1 << 16);
      throw new Error('serializer failed');
    }
    // then the error surfaces, the previous files are byte-identical, and no staging folder is left
    expect(() => synthesize(app(), { outdir, layout: () => [{ path: 'a.yaml', content: pieces() }], warn: () => undefined }))
      .toThrow('serializer failed');
    expect(fileTree(outdir)).toEqual(before);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('when there was no previous output, a failing synth creates no outdir', () => {
    // given no outdir
    // when a failing platform is synthesized
    expect(() => synthesize(app({ quotaPods: 1 }), { outdir, warn: () => undefined })).toThrow(SynthesisError);
    // then nothing exists
    expect(readdirSync(parent)).toEqual([]);
  });

  test('a successful synth replaces the whole outdir: files of the previous run that are no longer produced are gone', () => {
    // given a previous output with a stray file
    synthesize(app(), { outdir, warn: () => undefined });
    synthesize(app(), { outdir, warn: () => undefined, layout: (charts) => [{ path: 'stale.yaml', content: String(charts.length) }] });
    // when synthesized with the default layout
    synthesize(app(), { outdir, warn: () => undefined });
    // then only the default file exists
    expect(Object.keys(fileTree(outdir))).toEqual(['/shop/production.k8s.yaml']);
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});

test('a layout path that leaves the output folder is refused and nothing is written', () => {
  const root = mkdtempSync(join(tmpdir(), 'escape-'));
  const outdir = join(root, 'dist');
  const app = Testing.app();
  new Platform(app, 'shop');
  expect(() => synthesize(app, { outdir, layout: () => [{ path: '../outside.yaml', content: 'x' }] }))
    .toThrow(/layout: file path "\.\.\/outside\.yaml" leaves the output folder/);
  expect(existsSync(join(root, 'outside.yaml'))).toBe(false);
  expect(existsSync(outdir)).toBe(false);
  rmSync(root, { recursive: true, force: true });
});
