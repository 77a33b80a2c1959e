// What loading the kit costs: no schema bundle and no model package is loaded at import; a bundle is loaded when a
// kind of it is first validated (their use is covered by the schema, GitOps and database credentials tests).
import { spawnSync } from 'child_process';

interface Loaded {
  /** Packages under node_modules. */
  readonly packages: string[];
  /** Schema bundles. */
  readonly bundles: string[];
  /** cdk8s-plus-28's own modules, relative to its package. */
  readonly plusModules: string[];
}

/** What a fresh `node` process has loaded after running `script`. */
function loaded(script: string): Loaded {
  const probe = `${script}; const files = Object.keys(require.cache);
    const loaded = new Set(files.map((file) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file)?.[1]).filter(Boolean));
    const plusModules = files.map((file) => /node_modules\\/cdk8s-plus-28\\/(.*)$/.exec(file)?.[1]).filter(Boolean);
    const { loadedSchemaBundles } = require('./lib/validation/schema-models');
    process.stdout.write(JSON.stringify({ packages: [...loaded].sort(), bundles: loadedSchemaBundles(), plusModules }));`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', probe], { encoding: 'utf8', cwd: `${__dirname}/..` });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Loaded;
}

test('importing the kit loads cdk8s, no schema bundle, no model package and no PromQL parser', () => {
  const { packages, bundles } = loaded("require('./lib')");
  expect(packages).toEqual(expect.arrayContaining(['cdk8s', 'cdk8s-plus-28']));
  expect(packages.filter((p) => p.includes('kubernetes-models') || p === 're2-wasm' || p.startsWith('@lezer') || p.startsWith('@prometheus-io'))).toEqual([]);
  expect(bundles).toEqual([]);
}, 30000);

test("importing the kit and synthesizing a platform load only cdk8s-plus-28's L1 classes, not its L2 constructs", () => {
  const { plusModules } = loaded(`const { App } = require('cdk8s'); const kit = require('./lib');
    const app = new App({ outdir: require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'kit-load-')) });
    const platform = new kit.Platform(app, 'shop', { name: 'shop', namespace: 'shop', environment: kit.Environment.DEVELOPMENT });
    const db = new kit.StatefulDatabase(platform, 'db', { engine: kit.DatabaseEngine.postgres() });
    new kit.ResilientMicroservice(platform, 'api', { image: 'registry.example.com/api:1.0.0', port: 8080, resources: { requests: { cpu: '250m' } } }).connectTo(db);
    kit.synthesize(app, { warn: () => undefined })`);
  expect(plusModules).toEqual(['lib/imports/k8s.js']);
}, 30000);

test("a Cpu from cdk8s-plus-28 is read as a quantity (the L2 package is loaded when such a value arrives)", () => {
  const { plusModules } = loaded(`const { Cpu } = require('cdk8s-plus-28'); const { Testing } = require('cdk8s');
    const { parseCpu } = require('./lib/pod/resources');
    if (parseCpu(Testing.chart(), 'cpu', Cpu.millis(300)) !== 300) throw new Error('Cpu.millis(300) was not 300m')`);
  expect(plusModules).toContain('lib/index.js');
}, 30000);

test('checking a PromQL expression loads the parser', () => {
  const { packages } = loaded("require('./lib/validation/monitoring-checks').promqlError('rate(x[5m])')");
  expect(packages).toEqual(expect.arrayContaining(['@prometheus-io/lezer-promql', '@lezer/lr']));
}, 30000);

test('validating a ServiceMonitor loads the Prometheus Operator bundle only', () => {
  const { bundles } = loaded(`require('./lib/validation/schema-models').schemaModel('monitoring.coreos.com/v1', 'ServiceMonitor')`);
  expect(bundles).toEqual(['prometheus-operator']);
}, 30000);
