// The reference platforms synthesize to the same bytes in every locale: the kit orders strings by code point, never
// by the machine's collation (`da_DK` sorts `aa` after `z`, `lt_LT` sorts `y` right after `i`).
import { execFile } from 'child_process';
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { fileTree } from '../support/file-tree';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const LOCALES = ['da_DK.UTF-8', 'lt_LT.UTF-8', 'C', 'en_US.UTF-8'];
const localeEnv = (locale: string) => ({ ...process.env, LANG: locale, LC_ALL: locale });

let parent: string;
beforeAll(() => { parent = mkdtempSync(join(tmpdir(), 'locales-')); });
afterAll(() => rmSync(parent, { recursive: true, force: true }));

test('Node collates by the locale these variables name (so the test below could fail)', async () => {
  const collated = await Promise.all(LOCALES.map(async (locale) => (await run(process.execPath,
    ['-e', "process.stdout.write(['z', 'aa', 'y', 'j'].sort((a, b) => a.localeCompare(b)).join(' '))"], { env: localeEnv(locale) })).stdout));
  expect(collated).toEqual(['j y z aa', 'aa y j z', 'aa j y z', 'aa j y z']);
});

test('both reference platforms, every environment, with reports, and names locales collate apart: identical bytes under every locale', async () => {
  // when they are synthesized in a child process per locale
  for (const locale of LOCALES) {
    await run(process.execPath, ['--import', 'tsx', 'test/support/locale-child.ts', join(parent, locale)], { cwd: ROOT, env: localeEnv(locale) });
  }
  // then every output is the first one, byte for byte, and holds both platforms' YAML and reports
  const [first, ...others] = LOCALES.map((locale) => fileTree(join(parent, locale)));
  expect(Object.keys(first)).toEqual(expect.arrayContaining([
    '/blog/production.k8s.yaml', '/ecommerce/production.topology.md', '/ecommerce/staging.capacity.md', '/collation/production.k8s.yaml',
  ]));
  for (const other of others) expect(other).toEqual(first);
}, 120_000);
