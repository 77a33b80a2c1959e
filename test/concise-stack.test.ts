// The kit's errors read well where people see them: Node's report of an uncaught error and Jest's of a failed test.
import { spawnSync } from 'child_process';
import { join } from 'path';
import { PatternError, SynthesisError } from '../lib';
import { shortenStack, VERBOSE_ENV, verboseErrors } from '../lib/concise-stack';

const REPO = join(__dirname, '..');

/** Runs a script with tsx in a fresh Node, as a user's program would run. */
function runScript(script: string, env: Record<string, string> = {}) {
  const childEnv = { ...process.env, ...env };
  if (!env[VERBOSE_ENV]) delete childEnv[VERBOSE_ENV];
  return spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, encoding: 'utf8', env: childEnv });
}

const BROKEN_APP = `
  const { App } = require('cdk8s');
  const { k8s } = require('cdk8s-plus-28');
  const { Platform } = require('./lib');
  const app = new App({ outdir: require('os').tmpdir() + '/concise-stack-' + process.pid });
  const shop = new Platform(app, 'shop');
  new k8s.KubeService(shop, 'orphan', { metadata: { name: 'orphan' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } });
  app.synth();`;

describe('error output for people', () => {
  test('an uncaught SynthesisError prints the report once, with one frame (the caller\'s), and exits 1', () => {
    // when a program ends in app.synth() of a broken platform
    const result = runScript(BROKEN_APP);
    // then Node prints the summary and the finding once each, and no stack through the kit or cdk8s
    expect(result.status).toBe(1);
    expect(result.stderr.split('Synthesis failed; nothing was written. 1 error(s), 0 warning(s)').length).toBe(2);
    expect(result.stderr.split('error ref/service-selector Service/shop/orphan').length).toBe(2);
    expect(result.stderr).toContain('[shop/orphan]\n');
    expect(result.stderr).not.toMatch(/problems: \[|report: \{/);
    const frames = result.stderr.split('\n').filter((line) => /^\s+at /.test(line));
    expect(frames).toHaveLength(1);
    expect(frames[0]).not.toMatch(/lib\/|node_modules/);
  }, 60000);

  test(`${VERBOSE_ENV}=1 keeps the whole stack`, () => {
    const result = runScript(BROKEN_APP, { [VERBOSE_ENV]: '1' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/\n\s+at .*lib\/synthesis\/synthesize\.ts/);
  }, 60000);

  test('a PatternError\'s stack is its message and the line that created the construct', () => {
    const error = new PatternError('shop/api', 'port (0) must be 1-65535');
    expect(error.stack).toBe(`PatternError: [shop/api] port (0) must be 1-65535\n${error.stack!.split('\n')[1]}`);
    expect(error.stack!.split('\n')[1]).toContain('concise-stack.test.ts');
  });

  test('a SynthesisError keeps its problems and report as (non-enumerable) properties', () => {
    const error = new SynthesisError(['[shop] quota.pods (1) is below what the platform needs']);
    expect(error.problems).toEqual(['[shop] quota.pods (1) is below what the platform needs']);
    expect(error.report).toBeUndefined();
    expect(Object.keys(error)).not.toContain('problems');
    expect(Object.keys(error)).not.toContain('report');
    expect(error.message).toBe('Synthesis failed with 1 problem(s); nothing was written:\n  [shop] quota.pods (1) is below what the platform needs');
  });

  test('an error raised inside the kit only names where it was called from, or says how to see more', () => {
    const error = new Error('boom');
    error.stack = 'Error: boom\n    at inner (/somewhere/node_modules/cdk8s/lib/app.js:1:1)';
    shortenStack(error);
    expect(error.stack).toBe(`Error: boom\n    at (the kit; ${VERBOSE_ENV}=1 for the stack trace)`);
  });

  test.each([['1', true], ['true', true], ['0', false], ['false', false], ['', false]])('%j is verbose: %s', (value, verbose) => {
    expect(verboseErrors({ [VERBOSE_ENV]: value })).toBe(verbose);
  });
});
