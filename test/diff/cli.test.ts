// The manifest-diff command: exit codes 0/1/2, Markdown, synthesize-and-compare, and the bin as a real process.
import { spawnSync } from 'child_process';
import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { toYaml } from '../../lib/synthesis';
import { DiffExitCode, MANIFEST_DIFF_USAGE, runManifestDiff } from '../../lib/cli/diff-command';
import { deployment, manifestDir, namespace } from './fixtures';

function run(argv: string[], cwd = process.cwd(), isTty = false) {
  let stdout = '';
  let stderr = '';
  const code = runManifestDiff(argv, {
    cwd, isTty, env: { PATH: process.env.PATH },
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
  });
  return { code, stdout, stderr };
}

const same = manifestDir({ 'blog/production.k8s.yaml': [namespace, deployment()] });
const same2 = manifestDir({ 'blog/production.k8s.yaml': [namespace, deployment()] });
const scaled = manifestDir({ 'blog/production.k8s.yaml': [namespace, deployment({ replicas: 4 })] });

describe('manifest-diff <before> <after>', () => {
  test('exit 0 and a no-change line when nothing changed', () => {
    expect(run([same, same2])).toEqual({ code: DiffExitCode.NO_CHANGES, stdout: 'Manifest diff: no changes (2 object(s) unchanged).\n', stderr: '' });
  });

  test('exit 1 and the report when something changed', () => {
    const { code, stdout } = run([same, scaled]);
    expect(code).toBe(1);
    expect(stdout).toContain('  ~ Deployment/blog/web\n      - spec.replicas: 2\n      + spec.replicas: 4\n');
  });

  test('--markdown prints Markdown; --output also writes it to a file', () => {
    const out = join(manifestDir({}), 'comment.md');
    const { code, stdout } = run(['--markdown', '--output', out, same, scaled]);
    expect(code).toBe(1);
    expect(stdout.startsWith('### Manifest diff: 0 added, 0 removed, 1 changed, 1 unchanged\n')).toBe(true);
    expect(readFileSync(out, 'utf8')).toBe(stdout);
  });

  test('colours only on a terminal and never with --no-color', () => {
    expect(run([same, scaled], process.cwd(), true).stdout).toContain('\u001b[');
    expect(run(['--no-color', same, scaled], process.cwd(), true).stdout).not.toContain('\u001b[');
  });
});

describe('manifest-diff errors exit 2', () => {
  test.each([
    [['--bogus'], 'manifest-diff: unknown option --bogus'],
    [['only-one'], 'expected two directories (before and after) or none, got 1'],
    [['--output'], '--output needs a value'],
    [['--app', 'true', 'a', 'b'], '--app and --against apply only when no directories are given'],
  ])('%j', (argv, message) => {
    const { code, stderr } = run(argv);
    expect(code).toBe(DiffExitCode.ERROR);
    expect(stderr).toContain(message);
    expect(stderr).toContain('Usage:');
  });

  test('a directory that does not exist', () => {
    expect(run([same, '/nonexistent/after'])).toMatchObject({ code: 2, stderr: 'manifest-diff: /nonexistent/after is not a directory\n' });
  });

  test('--help prints the usage and exits 0', () => {
    expect(run(['--help'])).toEqual({ code: 0, stdout: MANIFEST_DIFF_USAGE, stderr: '' });
  });
});

describe('manifest-diff without directories: synthesize and compare with the committed output', () => {
  /** An app command that writes `objects` into $CDK8S_OUTDIR, as `synthesize()` does. */
  function fakeApp(objects: object[]): string {
    const dir = manifestDir({ 'source/blog/production.k8s.yaml': objects });
    return `cp -r ${join(dir, 'source')}/. "$CDK8S_OUTDIR"/ && echo synthesized`;
  }

  test('compares dist (the output of cdk8s.yaml) with what the app synthesizes now; app output goes to stderr', () => {
    const project = manifestDir({ 'dist/blog/production.k8s.yaml': [namespace, deployment()] });
    const app = fakeApp([namespace, deployment({ replicas: 5 })]);
    const { code, stdout, stderr } = run(['--app', app], project);
    expect(code).toBe(1);
    expect(stdout).toContain('+ spec.replicas: 5');
    expect(stderr).toBe('synthesized\n');
  });

  test('reads the app command and output folder from cdk8s.yaml', () => {
    const project = manifestDir({ 'out/blog/production.k8s.yaml': [namespace] });
    const app = fakeApp([namespace]);
    writeFileSync(join(project, 'cdk8s.yaml'), `app: ${JSON.stringify(app)}\noutput: out\n`);
    expect(run([], project)).toMatchObject({ code: 0, stdout: 'Manifest diff: no changes (1 object(s) unchanged).\n' });
  });

  test('a failing app, no app command, no committed output: exit 2 with the reason', () => {
    const project = manifestDir({ 'dist/a.yaml': [namespace] });
    expect(run(['--app', 'exit 3'], project)).toMatchObject({ code: 2, stderr: 'manifest-diff: `exit 3` failed with exit code 3\n' });
    expect(run([], project)).toMatchObject({ code: 2, stderr: 'manifest-diff: no app command: pass --app or set `app` in cdk8s.yaml\n' });
    expect(run(['--app', 'true', '--against', 'missing'], project).stderr).toMatch(/missing does not exist: nothing committed to compare with/);
  });
});

describe('bin/manifest-diff.ts as a process', () => {
  test('exit status 0, 1 and 2 reach the shell', () => {
    const bin = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bin/manifest-diff.ts', ...args], { encoding: 'utf8' });
    expect(bin(same, same2).status).toBe(0);
    const changed = bin(same, scaled);
    expect(changed.status).toBe(1);
    expect(changed.stdout).toContain('~ Deployment/blog/web');
    expect(bin('--bogus').status).toBe(2);
  }, 30000);
});

test('the fixtures write what the synthesizer writes', () => {
  expect(readFileSync(join(same, 'blog/production.k8s.yaml'), 'utf8')).toBe(toYaml([namespace, deployment()]));
});
