// The kit as its package ships it (scripts/bundle-kit.ts, docs/adr/0016-one-bundled-module.md): one bundle behind
// one stub per entry. Built here into a folder laid out like the installed package (build/, generated/ beside it).
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, renameSync, symlinkSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App } from 'cdk8s';
import { bundleKit, KIT_ENTRIES } from '../scripts/bundle-kit';
import { fileTree } from './support/file-tree';

const ROOT = join(__dirname, '..');
let packageRoot: string;

beforeAll(() => {
  packageRoot = mkdtempSync(join(tmpdir(), 'package-bundle-'));
  symlinkSync(join(ROOT, 'node_modules'), join(packageRoot, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'generated'), join(packageRoot, 'generated'), 'dir');
  bundleKit(join(packageRoot, 'build'));
}, 60000);

/** Runs `script` in a fresh node process (CommonJS, or an ES module), with `PACKAGE` the package's root. */
function node(script: string, module = false): string {
  const result = spawnSync(process.execPath, [...(module ? ['--input-type=module'] : []), '-e', script],
    { encoding: 'utf8', cwd: packageRoot, env: { ...process.env, PACKAGE: packageRoot } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return result.stdout;
}

test.each(KIT_ENTRIES.map((e) => [e.name, e.source]))("the %s entry's stub hands out what its sources export", (_name, source) => {
  const bundled = node(`process.stdout.write(JSON.stringify(Object.keys(require(process.env.PACKAGE + '/build/${source}')).sort()))`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fromSources = Object.keys(require(join(ROOT, source)) as object).sort();
  expect(fromSources.length).toBeGreaterThan(0);
  expect(JSON.parse(bundled)).toEqual(fromSources);
});

test('the bundle wraps each external module it imports as a namespace once (cdk8s-plus-28\'s L1: ~580 names a copy)', () => {
  const bundle = readFileSync(join(packageRoot, 'build', 'lib', 'kit.js'), 'utf8');
  const wrapped = [...bundle.matchAll(/__toESM\(require\("([^"]+)"\)/g)].map((m) => m[1]);
  expect(wrapped.length).toBeGreaterThan(0);
  expect(wrapped.filter((name, i) => wrapped.indexOf(name) !== i)).toEqual([]);
});

test('ES modules import the named exports, and the entries share one module graph', () => {
  const out = node(`const main = await import(process.env.PACKAGE + '/build/lib/index.js');
    const { synthesize, Platform } = main;
    const synthesis = await import(process.env.PACKAGE + '/build/lib/synthesis/index.js');
    process.stdout.write(JSON.stringify([typeof Platform, synthesis.synthesize === synthesize]));`, true);
  expect(JSON.parse(out)).toEqual(['function', true]);
});

/** A small platform: a microservice wired to a PostgreSQL database, in production. */
const PLATFORM = `(kit, app) => {
  const platform = new kit.Platform(app, 'shop', { name: 'shop', namespace: 'shop', environment: kit.Environment.PRODUCTION });
  const db = new kit.StatefulDatabase(platform, 'db', { engine: kit.DatabaseEngine.postgres() });
  new kit.ResilientMicroservice(platform, 'api', { image: 'registry.example.com/shop/api:1.0.0', port: 8080, config: { MODE: 'on' } }).connectTo(db);
}`;

/** Synthesizes PLATFORM through the bundle, with the writer thread, into `outdir`; returns the warnings. */
function synthesizeThroughBundle(outdir: string): string[] {
  return JSON.parse(node(`const kit = require(process.env.PACKAGE + '/build/lib'); const { App } = require('cdk8s');
    const app = new App({ outdir: ${JSON.stringify(outdir)} }); (${PLATFORM})(kit, app);
    const warnings = [];
    kit.synthesize(app, { outdir: ${JSON.stringify(outdir)}, writerThread: true, warn: (w) => warnings.push(w) });
    process.stdout.write(JSON.stringify(warnings));`)) as string[];
}

/** The files PLATFORM synthesizes to through the sources, on the calling thread. */
function synthesizedFromSources(outdir: string): Record<string, string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const kit = require('../lib') as typeof import('../lib');
  const app = new App({ outdir });
  // eslint-disable-next-line no-eval
  (eval(PLATFORM) as (k: typeof kit, a: App) => void)(kit, app);
  kit.synthesize(app, { outdir, writerThread: false, warn: () => undefined });
  const files = fileTree(outdir);
  expect(Object.keys(files)).toEqual(['/shop/production.k8s.yaml']);
  return files;
}

test("a platform synthesized through the bundle, on its writer thread, is byte for byte the sources' output", () => {
  const parent = mkdtempSync(join(tmpdir(), 'package-bundle-out-'));
  expect(synthesizeThroughBundle(join(parent, 'bundled'))).toEqual([]);
  expect(fileTree(join(parent, 'bundled'))).toEqual(synthesizedFromSources(join(parent, 'sources')));
}, 60000);

test('where the writer thread cannot load its module, the files are written all the same and a warning says why', () => {
  const parent = mkdtempSync(join(tmpdir(), 'package-bundle-out-'));
  const thread = join(packageRoot, 'build', 'lib', 'yaml-writer-thread.js');
  renameSync(thread, `${thread}.away`);
  let warnings: string[];
  try {
    warnings = synthesizeThroughBundle(join(parent, 'bundled'));
  } finally {
    renameSync(`${thread}.away`, thread);
  }
  expect(warnings).toEqual([expect.stringMatching(/^warning: the YAML writer thread could not start \(Cannot find module '.*yaml-writer-thread\.js'.*\): the files were written on this thread$/s)]);
  expect(fileTree(join(parent, 'bundled'))).toEqual(synthesizedFromSources(join(parent, 'sources')));
}, 60000);

test('the bins are the sources transpiled, reaching the kit through its entries', () => {
  const bin = readFileSync(join(packageRoot, 'build', 'bin', 'cdk8s-patterns.js'), 'utf8');
  expect(bin.startsWith('#!/usr/bin/env node\n')).toBe(true);
  expect(bin).toContain('require("../lib/cli")');
  const help = spawnSync(process.execPath, [join(packageRoot, 'build', 'bin', 'cdk8s-patterns.js'), '--help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain('Usage: cdk8s-patterns <command>');
});
