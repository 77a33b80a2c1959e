// The cdk8s-patterns command: synth swaps the output in whole or leaves it, validate writes nothing, diff, help.
import { spawnSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { CLI_USAGE, runCli } from '../../lib/cli';
import { fileTree } from '../support/file-tree';

/** A project folder whose "app" is a shell command writing into $CDK8S_OUTDIR (or failing). */
function project(app: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cli-'));
  writeFileSync(join(dir, 'cdk8s.yaml'), `language: typescript\napp: ${JSON.stringify(app)}\n`);
  return dir;
}

const WRITES = (text: string) => `mkdir -p "$CDK8S_OUTDIR/shop" && printf '${text}' > "$CDK8S_OUTDIR/shop/production.k8s.yaml"`;
const FAILS = `mkdir -p "$CDK8S_OUTDIR" && echo half > "$CDK8S_OUTDIR/half.yaml" && echo 'Synthesis failed; nothing was written.' >&2 && exit 1`;

/** The files below `dir` as text. */
function texts(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(fileTree(dir)).map(([path, bytes]) => [path, Buffer.from(bytes, 'base64').toString('utf8')]));
}

function run(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, {
    cwd, isTty: false, env: { PATH: process.env.PATH, ...env },
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
  });
  return { code, stdout, stderr };
}

describe('cdk8s-patterns synth', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('replaces the output folder with what the app wrote, old files gone', () => {
    // given a previous output with a file the app no longer writes
    dir = project(WRITES('kind: Namespace\\n'));
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'stale.yaml'), 'kind: Old\n');
    // when synthesized
    const result = run(['synth'], dir);
    // then the output is exactly the app's, listed on stdout, and no staging folder is left
    expect(result).toMatchObject({ code: 0, stdout: 'Synthesized 1 file(s) into dist/:\n  shop/production.k8s.yaml\n' });
    expect(texts(join(dir, 'dist'))).toEqual({ '/shop/production.k8s.yaml': 'kind: Namespace\n' });
    expect(readdirSync(dir).sort()).toEqual(['cdk8s.yaml', 'dist']);
  });

  test('leaves the previous output byte-identical when the app fails, and says so', () => {
    dir = project(FAILS);
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'kept.yaml'), 'kind: Kept\n');
    const result = run(['synth'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Synthesis failed; nothing was written.\n');
    expect(result.stderr).toContain(`cdk8s-patterns synth: \`${FAILS}\` failed with exit code 1; dist/ was left as it was\n`);
    expect(texts(join(dir, 'dist'))).toEqual({ '/kept.yaml': 'kind: Kept\n' });
    expect(readdirSync(dir).sort()).toEqual(['cdk8s.yaml', 'dist']);
  });

  test('--app and --output override cdk8s.yaml; the app sees CDK8S_OUTDIR, and --verbose as CDK8S_PATTERNS_VERBOSE', () => {
    dir = project('false');
    const app = 'mkdir -p "$CDK8S_OUTDIR" && echo "verbose=$CDK8S_PATTERNS_VERBOSE" > "$CDK8S_OUTDIR/env.txt"';
    expect(run(['synth', '--app', app, '--output', 'out', '--verbose'], dir).code).toBe(0);
    expect(texts(join(dir, 'out'))).toEqual({ '/env.txt': 'verbose=1\n' });
  });

  test('an app that writes nothing is a failure, not an empty output', () => {
    dir = project('true');
    const result = run(['synth'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('wrote nothing into $CDK8S_OUTDIR: does the app end with app.synth() or synthesize(app)?');
  });
});

describe('cdk8s-patterns validate', () => {
  test('runs the app and writes nothing the project keeps; a failing app exits 1', () => {
    const dir = project(WRITES('kind: Namespace\\n'));
    expect(run(['validate'], dir)).toMatchObject({ code: 0, stdout: 'Valid: 1 file(s) would be written; nothing was.\n' });
    expect(readdirSync(dir)).toEqual(['cdk8s.yaml']);
    const failing = project(FAILS);
    expect(run(['validate'], failing).code).toBe(1);
    expect(readdirSync(failing)).toEqual(['cdk8s.yaml']);
    rmSync(dir, { recursive: true });
    rmSync(failing, { recursive: true });
  });
});

describe('cdk8s-patterns diff, help and usage errors', () => {
  test('diff synthesizes and compares with the output folder: 0 unchanged, 1 changed', () => {
    const dir = project(WRITES('apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: shop\\n'));
    expect(run(['synth'], dir).code).toBe(0);
    expect(run(['diff'], dir)).toMatchObject({ code: 0, stdout: expect.stringContaining('no changes') });
    const changed = run(['diff', '--app', WRITES('apiVersion: v1\\nkind: Namespace\\nmetadata:\\n  name: shop\\n  labels:\\n    a: b\\n')], dir);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toContain('Namespace/shop');
    expect(run(['diff', '--bogus'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('cdk8s-patterns diff: unknown option --bogus') });
    expect(run(['diff', '--help'], dir).stdout).toContain('  cdk8s-patterns diff [options] <before> <after>');
    rmSync(dir, { recursive: true });
  });

  test.each([
    [['--help'], 0, 'stdout', CLI_USAGE],
    [['synth', '--help'], 0, 'stdout', 'Usage: cdk8s-patterns synth [--app "<command>"] [--output <dir>] [--verbose]'],
    [['validate', '-h'], 0, 'stdout', 'Usage: cdk8s-patterns validate'],
    [[], 2, 'stderr', CLI_USAGE],
    [['deploy'], 2, 'stderr', 'cdk8s-patterns: unknown command "deploy": expected synth, validate or diff'],
    [['synth', '--app'], 2, 'stderr', 'cdk8s-patterns synth: --app needs a value'],
    [['validate', '--output', 'x'], 2, 'stderr', 'cdk8s-patterns validate: unknown option "--output"'],
  ])('%j exits %i', (argv, code, stream, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    const result = run(argv, dir);
    expect(result.code).toBe(code);
    expect(result[stream as 'stdout' | 'stderr']).toContain(text);
    rmSync(dir, { recursive: true });
  });

  test('without an app command anywhere it says where to give one (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-'));
    expect(run(['synth'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('no app command: pass --app "<command>" or set `app:` in cdk8s.yaml') });
    rmSync(dir, { recursive: true });
  });

  test('the bin runs as a real process', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, '../../bin/cdk8s-patterns.ts'), '--help'], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(CLI_USAGE);
  }, 30000);
});
