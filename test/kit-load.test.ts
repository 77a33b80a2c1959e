// What loading the kit costs: the model packages only some programs use are loaded when first used, not at import
// (their use is covered by the GitOps and database credentials tests).
import { spawnSync } from 'child_process';

const OPTIONAL_MODELS = ['@kubernetes-models/argo-cd', '@kubernetes-models/flux-cd', '@kubernetes-models/external-secrets'];

/** The packages under node_modules that a fresh `node` process has loaded after running `script`. */
function loadedPackages(script: string): string[] {
  const probe = `${script}; const loaded = new Set(Object.keys(require.cache)
    .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean));
    process.stdout.write(JSON.stringify([...loaded].sort()));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { encoding: 'utf8', cwd: `${__dirname}/..` });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as string[];
}

test('importing the kit loads cdk8s and the core models, not the GitOps and External Secrets models', () => {
  const loaded = loadedPackages("require('./lib')");
  expect(loaded).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-28']));
  for (const name of OPTIONAL_MODELS) expect(loaded).not.toContain(name);
}, 30000);
