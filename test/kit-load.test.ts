// What loading the kit costs: no schema bundle and no model package is loaded at import; a bundle is loaded when a
// kind of it is first validated (their use is covered by the schema, GitOps and database credentials tests).
import { spawnSync } from 'child_process';

/** What a fresh `node` process has loaded after running `script`: packages under node_modules, and schema bundles. */
function loaded(script: string): { packages: string[]; bundles: string[] } {
  const probe = `${script}; const loaded = new Set(Object.keys(require.cache)
    .map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean));
    const { loadedSchemaBundles } = require('./lib/validation/schema-models');
    process.stdout.write(JSON.stringify({ packages: [...loaded].sort(), bundles: loadedSchemaBundles() }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { encoding: 'utf8', cwd: `${__dirname}/..` });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as { packages: string[]; bundles: string[] };
}

test('importing the kit loads cdk8s, no schema bundle, no model package and no PromQL parser', () => {
  const { packages, bundles } = loaded("require('./lib')");
  expect(packages).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-28']));
  expect(packages.filter((p) => p.includes('kubernetes-models') || p === 're2-wasm' || p.startsWith('@lezer') || p.startsWith('@prometheus-io'))).toEqual([]);
  expect(bundles).toEqual([]);
}, 30000);

test('checking a PromQL expression loads the parser', () => {
  const { packages } = loaded("require('./lib/validation/monitoring-checks').promqlError('rate(x[5m])')");
  expect(packages).toEqual(expect.arrayContaining(['@prometheus-io/lezer-promql', '@lezer/lr']));
}, 30000);

test('validating a ServiceMonitor loads the Prometheus Operator bundle only', () => {
  const { bundles } = loaded(`require('./lib/validation/schema-models').schemaModel('monitoring.coreos.com/v1', 'ServiceMonitor')`);
  expect(bundles).toEqual(['prometheus-operator']);
}, 30000);
