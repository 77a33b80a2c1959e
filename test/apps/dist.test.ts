// The committed dist/ is exactly what `npm run synth` writes: CI fails here when someone forgets to regenerate it.
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';

const REPO = resolve(__dirname, '../..');
const DIST = join(REPO, 'dist');

/** Every file under `dir`, as sorted paths relative to it with `/` separators. */
function filesUnder(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(dir, path).split('\\').join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/** How `committed` differs from `generated`, one line per file: missing, left over, or the first line that differs. */
function differences(generated: string, committed: string): string[] {
  const wanted = filesUnder(generated);
  const have = filesUnder(committed);
  const lines = [
    ...wanted.filter((f) => !have.includes(f)).map((f) => `${f}: missing from dist/`),
    ...have.filter((f) => !wanted.includes(f)).map((f) => `${f}: in dist/ but no longer synthesized`),
  ];
  for (const file of wanted.filter((f) => have.includes(f))) {
    const expected = readFileSync(join(generated, file));
    const actual = readFileSync(join(committed, file));
    if (expected.equals(actual)) continue;
    const expectedLines = expected.toString('utf8').split('\n');
    const actualLines = actual.toString('utf8').split('\n');
    let line = 0;
    while (line < expectedLines.length && expectedLines[line] === actualLines[line]) line++;
    lines.push(`${file}: differs from line ${line + 1}: synthesized ${JSON.stringify(expectedLines[line] ?? '<end of file>')}, `
      + `committed ${JSON.stringify(actualLines[line] ?? '<end of file>')}`);
  }
  return lines;
}

/** Fails with the fix in the message when dist/ is not what synthesis writes. */
function expectFresh(generated: string, committed: string): void {
  const found = differences(generated, committed);
  if (found.length > 0) {
    throw new Error(`dist/ is stale: run \`npm run synth\` and commit dist/. ${found.length} file(s) differ:\n`
      + found.map((line) => `  - ${line}`).join('\n'));
  }
}

function copyTree(from: string, to: string): void {
  for (const file of filesUnder(from)) {
    const target = join(to, file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, readFileSync(join(from, file)));
  }
}

let synthesized: string;
const scratch: string[] = [];

beforeAll(() => {
  synthesized = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-dist-'));
  scratch.push(synthesized);
  // The same command as `npm run synth`, written elsewhere: the committed dist/ is never touched by the test.
  execFileSync(process.execPath, ['--import', 'tsx', 'apps/main.ts'], {
    cwd: REPO, env: { ...process.env, CDK8S_OUTDIR: synthesized }, stdio: 'pipe', timeout: 60_000,
  });
}, 60_000);

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

test('synthesis writes YAML, a topology diagram, a capacity report and the cluster prerequisites per platform and environment', () => {
  const expected = ['blog', 'ecommerce'].flatMap((platform) => ['development', 'production', 'staging'].flatMap((environment) =>
    ['capacity.md', 'k8s.yaml', 'prerequisites.md', 'topology.md'].map((suffix) => `${platform}/${environment}.${suffix}`)));
  expect(filesUnder(synthesized)).toEqual(expected);
});

test('the committed dist/ is byte-for-byte what `npm run synth` writes', () => {
  expectFresh(synthesized, DIST);
});

test('a changed, missing or left-over file in dist/ fails with the command that fixes it', () => {
  const stale = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-stale-'));
  scratch.push(stale);
  copyTree(synthesized, stale);
  const yaml = join(stale, 'blog/production.k8s.yaml');
  writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('name: blog-platform', 'name: blog-old'));
  rmSync(join(stale, 'ecommerce/staging.topology.md'));
  writeFileSync(join(stale, 'blog/preview.k8s.yaml'), 'kind: Namespace\n');
  expect(() => expectFresh(synthesized, stale)).toThrow([
    'dist/ is stale: run `npm run synth` and commit dist/. 3 file(s) differ:',
    '  - ecommerce/staging.topology.md: missing from dist/',
    '  - blog/preview.k8s.yaml: in dist/ but no longer synthesized',
    '  - blog/production.k8s.yaml: differs from line 17: synthesized "  name: blog-platform", committed "  name: blog-old"',
  ].join('\n'));
});
