// The YAML writer thread: synthesize's output is the same with and without it, failures leave the previous output,
// and the writer reports what went wrong.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize, SynthesisError } from '../../lib';
import { BackgroundYamlWriter } from '../../lib/private/background-yaml-writer';
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
    synthesize(writerThreadApp(options), { outdir: join(parent, 'thread'), warn: () => undefined });
    synthesize(writerThreadApp(options), { outdir: join(parent, 'caller'), warn: () => undefined, writerThread: false });
    // then the thread was used only in the first run (and, when an object moved, abandoned before finishing)
    expect(finish).toHaveBeenCalledTimes('moveByPatch' in options ? 0 : 1);
    if (!('moveByPatch' in options)) expect(finish.mock.results[0].value).toBe(true);
    // and the files are byte-identical
    const files = fileTree(join(parent, 'thread'));
    expect(Object.keys(files)).toEqual(['/shop/production.k8s.yaml', '/shop/staging.k8s.yaml']);
    expect(files).toEqual(fileTree(join(parent, 'caller')));
  });

  test('a failing validation leaves the previous output and no staging folder, though the thread had begun writing', () => {
    // given a previous output
    const outdir = join(parent, 'dist');
    synthesize(writerThreadApp(), { outdir, warn: () => undefined });
    const before = fileTree(outdir);
    // when an app that fails validation is synthesized into it
    const abandon = jest.spyOn(BackgroundYamlWriter.prototype, 'abandon');
    expect(() => synthesize(writerThreadApp({ invalid: true }), { outdir, warn: () => undefined })).toThrow(SynthesisError);
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
    for (let i = 0; i < 600; i++) writer.append(path, { kind: 'A', metadata: { name: `a-${i}` }, data: { x: 'on' } });
    writer.create(join(parent, 'empty.yaml'));
    // then finish reports success and the file holds the 600 documents in order
    expect(writer.finish()).toBe(true);
    const text = fileTree(parent)['/a.yaml'];
    const yaml = Buffer.from(text, 'base64').toString();
    expect(yaml.split('---\n')).toHaveLength(600);
    expect(yaml.startsWith("kind: A\nmetadata:\n  name: a-0\ndata:\n  x: 'on'\n---\nkind: A\nmetadata:\n  name: a-1\n")).toBe(true);
    expect(yaml.endsWith('name: a-599\ndata:\n  x: \'on\'\n')).toBe(true);
    expect(statSync(join(parent, 'empty.yaml')).size).toBe(0);
  });

  test('a file that cannot be written is reported by finish, naming the path and the cause', () => {
    // given a file in a folder that does not exist
    const writer = BackgroundYamlWriter.start()!;
    writer.append(join(parent, 'missing', 'a.yaml'), { kind: 'A' });
    // when / then
    expect(() => writer.finish()).toThrow(/^writing .*missing\/a\.yaml: ENOENT/);
  });

  test('abandon returns once the thread has stopped, skipping what was still queued', () => {
    // given thousands of objects queued
    const writer = BackgroundYamlWriter.start()!;
    const path = join(parent, 'a.yaml');
    for (let i = 0; i < 20000; i++) writer.append(path, { kind: 'A', metadata: { name: `a-${i}` } });
    // when abandoned
    writer.abandon();
    // then the folder can be removed at once and nothing is written after
    rmSync(parent, { recursive: true, force: true });
    expect(() => statSync(parent)).toThrow(/ENOENT/);
  });
});
