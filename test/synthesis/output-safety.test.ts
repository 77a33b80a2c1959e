// What synthesize refuses to replace, what it refuses to write, the empty output, the lock, leftovers of killed synths
// and the state after every step of the replacement (test/synthesis/kill-at-any-moment.test.ts kills real synths).
import { execFileSync, spawn } from 'child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join } from 'path';
import { Chart, Testing } from 'cdk8s';
import { Environment, Platform, synthesize, SynthesisError } from '../../lib';
import { readManifestDirectory } from '../../lib/diff';
import { createStaging, recoverOutput, replacementSteps } from '../../lib/synthesis/output-folder';
import { lockOutput } from '../../lib/synthesis/output-lock';
import { fileTree } from '../support/file-tree';
import { outputSafetyApp, outputSafetyLayout } from '../support/output-safety-app';
import { startSynthChild } from '../support/synth-child';

let parent: string;
let outdir: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'output-safety-'));
  outdir = join(parent, 'dist');
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

const quiet = { warn: () => undefined };

/** The pid of a process that has ended (and been reaped). */
function deadPid(): number {
  return Number(execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).toString());
}

describe('an outdir synthesis must not replace is refused before anything is written', () => {
  const refused = (dir: string, why: RegExp) => {
    const app = outputSafetyApp('old');
    expect(() => synthesize(app, { outdir: dir, ...quiet })).toThrow(SynthesisError);
    expect(() => synthesize(app, { outdir: dir, ...quiet })).toThrow(why);
  };

  test('the root of the file system', () => refused('/', /outdir "\/" is the root of the file system; .*use a folder of its own/));

  test('a file', () => {
    writeFileSync(outdir, 'keep me');
    refused(outdir, /outdir ".*\/dist" is a file, not a folder/);
    expect(readdirSync(parent)).toEqual(['dist']);
  });

  test('a symbolic link, to a folder or dangling', () => {
    mkdirSync(join(parent, 'elsewhere'));
    symlinkSync(join(parent, 'elsewhere'), outdir);
    refused(outdir, /outdir ".*\/dist" is a symbolic link/);
    symlinkSync(join(parent, 'nowhere'), join(parent, 'dangling'));
    refused(join(parent, 'dangling'), /is a symbolic link/);
    expect(readdirSync(parent).sort()).toEqual(['dangling', 'dist', 'elsewhere']);
  });

  test('the working directory, the project, and any folder holding them', () => {
    refused('.', /outdir "\." is the working directory/);
    refused(process.cwd(), /is the working directory/);
    refused('..', /outdir "\.\." contains the working directory/);
    // Two levels up may already be the root (a clone in /work/x), which is refused for that reason first.
    refused(dirname(dirname(process.cwd())), /contains the working directory|is the root of the file system/);
  });

  test('the project of a working directory below it', () => {
    const cwd = process.cwd();
    try {
      process.chdir(join(cwd, 'test'));
      refused('..', /outdir "\.\." is the project/);
    } finally {
      process.chdir(cwd);
    }
  });

  test('a mount point', () => {
    if (!existsSync('/proc/self')) return; // Linux only
    refused('/proc', /outdir "\/proc" is a mount point/);
  });
});

describe('what synthesis would write twice is refused, naming both', () => {
  test('two Platforms of one name and environment', () => {
    const app = Testing.app();
    new Platform(app, 'shop-a', { name: 'shop', environment: Environment.STAGING });
    new Platform(app, 'shop-b', { name: 'shop', environment: Environment.STAGING });
    for (const writerThread of [true, false]) {
      expect(() => synthesize(app, { outdir, writerThread, ...quiet }))
        .toThrow(/\[shop-b\] would write shop\/staging\.k8s\.yaml, as \[shop-a\] does: give each Platform its own name/);
    }
    expect(existsSync(outdir)).toBe(false);
  });

  test('two charts whose files differ only in case (one file on macOS and Windows)', () => {
    const app = Testing.app();
    new Chart(app, 'Web');
    new Chart(app, 'web');
    expect(() => synthesize(app, { outdir, ...quiet })).toThrow(/\[web\] would write web\.k8s\.yaml, as \[Web\] does/);
  });

  test.each([
    ['one path', ['a/x.yaml', 'a/./x.yaml'], /two files would be written at one path, "a\/x\.yaml" and "a\/\.\/x\.yaml"/],
    ['paths differing in case', ['A.yaml', 'a.yaml'], /two files would be written at one path, "A\.yaml" and "a\.yaml"/],
    ['a file where a folder goes', ['a/b.yaml', 'a'], /"a" would be both a file and the folder of "a\/b\.yaml"/],
  ])('a layout with two files at %s', (_title, paths, message) => {
    const layout = () => paths.map((path) => ({ path, content: 'x' }));
    expect(() => synthesize(Testing.app(), { outdir, layout, ...quiet })).toThrow(message);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe('an empty output is an output', () => {
  test.each([
    ['an app without charts', {}],
    ['a layout without files', { layout: () => [] }],
  ])('%s replaces the previous output by an empty folder', (_title, options) => {
    synthesize(outputSafetyApp('old'), { outdir, ...quiet });
    synthesize(Testing.app(), { outdir, ...options, ...quiet });
    expect(readdirSync(outdir)).toEqual([]);
    expect(readdirSync(parent)).toEqual(['dist']);
    expect(readManifestDirectory(outdir).size).toBe(0);
  });
});

describe('leftovers of killed synths', () => {
  test('are all removed by the next synth: staging, new, old and trash folders, lock files of dead pids', () => {
    synthesize(outputSafetyApp('old'), { outdir, ...quiet });
    const dead = deadPid();
    for (const name of [`.dist.staging-${dead}`, `.dist.old-${dead}`, `.dist.new-${dead}`, `.dist.trash-${dead}-3`, `.dist.staging-${process.pid}`]) {
      mkdirSync(join(parent, name, 'shop'), { recursive: true });
      writeFileSync(join(parent, name, 'shop', 'half.yaml'), 'kind: A\n');
    }
    writeFileSync(join(parent, `.dist.lock-${dead}`), `${dead}\n`);
    writeFileSync(join(parent, `.dist.stale-lock-${dead}`), `${dead}\n`);
    writeFileSync(join(parent, '.dist.notes'), 'not a leftover: kept');
    // when synthesized again
    synthesize(outputSafetyApp('new'), { outdir, ...quiet });
    // then only the output and the stranger remain; a complete `new` of a dead synth does not replace a present outdir
    expect(readdirSync(parent).sort()).toEqual(['.dist.notes', 'dist']);
    expect(Object.keys(fileTree(outdir))).not.toContain('/shop/half.yaml');
  });

  test.each([0, 1, 2, 3, 4, 5])('a synth stopped after %i of the replacement steps leaves the old or the new output, restored by the next reader', (done) => {
    // given an old output, and a new one written to the staging folder
    synthesize(outputSafetyApp('old'), { outdir, ...quiet });
    const oldTree = fileTree(outdir);
    const written = join(parent, 'written');
    synthesize(outputSafetyApp('new'), { outdir: written, ...quiet });
    const newTree = fileTree(written);
    const staging = createStaging(outdir);
    cpSync(written, staging, { recursive: true });
    rmSync(written, { recursive: true });
    // when the replacement stops after `done` steps (as a kill would stop it)
    const steps = replacementSteps(staging, outdir);
    expect(steps).toHaveLength(5);
    steps.slice(0, done).forEach((step) => step());
    // then the outdir is the old output before the swap, the new one after, and missing only between the two renames
    expect(existsSync(outdir)).toBe(done !== 3);
    // and a reader restores the new output then; the next synth removes every leftover
    readManifestDirectory(outdir);
    expect(fileTree(outdir)).toEqual(done <= 2 ? oldTree : newTree);
    const unlock = lockOutput(outdir);
    recoverOutput(outdir);
    unlock();
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});

describe('one synth at a time per outdir', () => {
  test('two synths started at once both succeed, one after the other, and leave one complete output', async () => {
    const a = startSynthChild(outdir, 'old', 'reports');
    const b = startSynthChild(outdir, 'new', 'thread');
    const [ra, rb] = await Promise.all([a.exit, b.exit]);
    expect([ra.code, ra.stderr, rb.code, rb.stderr]).toEqual([0, '', 0, '']);
    const tree = fileTree(outdir);
    const expectedTrees = ['old', 'new'].map((version, i) => {
      const dir = join(parent, `expected-${version}`);
      synthesize(outputSafetyApp(version as 'old' | 'new'), { outdir: dir, layout: i === 0 ? outputSafetyLayout : undefined, ...quiet });
      return fileTree(dir);
    });
    expect(expectedTrees).toContainEqual(tree);
    expect(readdirSync(parent).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 60_000);

  test('a synth waits while a running process holds the lock, then synthesizes', () => {
    // given a process that holds the lock for ~1.5 s
    const holder = spawn(process.execPath, ['-e', `
      const fs = require('fs');
      fs.writeFileSync(${JSON.stringify(join(parent, '.dist.lock'))}, process.pid + '\\n');
      process.stdout.write('held\\n');
      setTimeout(() => fs.rmSync(${JSON.stringify(join(parent, '.dist.lock'))}), 1500);`], { stdio: ['ignore', 'pipe', 'inherit'] });
    return new Promise<void>((resolve) => holder.stdout.once('data', () => resolve())).then(() => {
      // when synthesized meanwhile
      const start = Date.now();
      synthesize(outputSafetyApp('old'), { outdir, ...quiet });
      // then it waited for the lock, and left no lock file
      expect(Date.now() - start).toBeGreaterThan(700);
      expect(readdirSync(parent)).toEqual(['dist']);
    });
  });

  test('a lock held too long fails clearly, naming the holder; the lock of a dead pid is taken over', () => {
    writeFileSync(join(parent, '.dist.lock'), `${process.ppid}\n`);
    expect(() => lockOutput(outdir, 100)).toThrow(new RegExp(`another synth \\(pid ${process.ppid}\\) still holds .*\\.dist\\.lock after 0\\.1 s; wait for it`));
    writeFileSync(join(parent, '.dist.lock'), `${deadPid()}\n`);
    synthesize(outputSafetyApp('old'), { outdir, ...quiet });
    expect(readdirSync(parent)).toEqual(['dist']);
  });
});
