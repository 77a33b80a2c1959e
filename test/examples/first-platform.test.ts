// The README's example is the program in examples/, it runs without a build, and it never writes the committed dist/.
import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { pathToFileURL } from 'url';

const REPO = join(__dirname, '../..');
const EXAMPLE = join(REPO, 'examples/first-platform.ts');

test('the README\'s example block is examples/first-platform.ts, importing the package instead of ../lib', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const block = section.slice(section.indexOf('```ts\n') + 6, section.indexOf('```\n', section.indexOf('```ts\n') + 6));
  const program = readFileSync(EXAMPLE, 'utf8').split('\n').slice(1).join('\n');
  expect(program).toBe(block.replace("from 'cdk8s-patterns';", "from '../lib';"));
});

test('it runs from the sources and writes examples/dist/ below where it runs, nothing else', () => {
  // given an empty working folder (the example's output folder is relative)
  const cwd = mkdtempSync(join(tmpdir(), 'example-'));
  // when the example runs there, TypeScript loaded by tsx (no build)
  const tsx = pathToFileURL(require.resolve('tsx', { paths: [REPO] })).href;
  const result = spawnSync(process.execPath, ['--import', tsx, EXAMPLE], { cwd, encoding: 'utf8' });
  // then it succeeds and its only output is examples/dist/shop/production.k8s.yaml
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(readdirSync(cwd)).toEqual(['examples']);
  expect(readdirSync(join(cwd, 'examples/dist/shop'))).toEqual(['production.k8s.yaml']);
  rmSync(cwd, { recursive: true, force: true });
}, 60000);
