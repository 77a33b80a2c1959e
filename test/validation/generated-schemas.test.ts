// The generated schema bundles: built from the packages installed now, byte for byte reproducible, holding every
// served kind, and refusing the versions the operators no longer serve.
import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { schemaLookup, schemaViolation } from '../../lib/validation/schema-models';
import { OPERATOR_APIS } from '../../lib/validation/served-apis';
import { currentInputs, readManifest, SCHEMAS_DIR } from '../../scripts/generate-schemas';

const manifest = readManifest()!;

test('the manifest records the package versions installed now (npm run schemas after an upgrade)', () => {
  expect(manifest.inputs).toEqual(currentInputs());
  const installed = (name: string) => JSON.parse(readFileSync(join(__dirname, '../../node_modules', name, 'package.json'), 'utf8')).version;
  for (const apis of OPERATOR_APIS) expect(manifest.inputs.packages).toContain(`${apis.package}@${installed(apis.package)}`);
});

test('a fresh generation gives the same bytes', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'schemas-')), 'out');
  try {
    const script = `require('./scripts/generate-schemas').generateSchemas(${JSON.stringify(dir)}).catch((e) => { console.error(e); process.exit(1); })`;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8', cwd: join(__dirname, '../..') });
    expect(result.stderr).toBe('');
    expect(readManifest(dir)).toEqual(manifest);
    for (const bundle of Object.values(manifest.bundles)) {
      expect(readFileSync(join(dir, bundle.file)).equals(readFileSync(join(SCHEMAS_DIR, bundle.file)))).toBe(true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120000);

test.each([
  ['gateway.networking.k8s.io/v1', 'Gateway'], ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['gateway.networking.k8s.io/v1', 'GRPCRoute'], ['gateway.networking.k8s.io/v1beta1', 'ReferenceGrant'],
  ['gateway.networking.k8s.io/v1', 'ReferenceGrant'],
  ['cert-manager.io/v1', 'Certificate'], ['cert-manager.io/v1', 'Issuer'], ['cert-manager.io/v1', 'ClusterIssuer'],
  ['external-secrets.io/v1', 'ExternalSecret'], ['external-secrets.io/v1', 'SecretStore'],
  ['external-secrets.io/v1', 'ClusterSecretStore'], ['generators.external-secrets.io/v1alpha1', 'Password'],
  ['monitoring.coreos.com/v1', 'ServiceMonitor'], ['monitoring.coreos.com/v1', 'PodMonitor'],
  ['monitoring.coreos.com/v1', 'PrometheusRule'],
  ['argoproj.io/v1alpha1', 'Rollout'], ['argoproj.io/v1alpha1', 'AnalysisTemplate'], ['argoproj.io/v1alpha1', 'Application'],
  ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'], ['source.toolkit.fluxcd.io/v1', 'GitRepository'],
  ['apps/v1', 'Deployment'], ['v1', 'Service'], ['resource.k8s.io/v1', 'ResourceClaim'],
])('%s %s has a schema', (apiVersion, kind) => {
  const lookup = schemaLookup(apiVersion, kind);
  expect(lookup && 'model' in lookup && typeof lookup.model.prototype.validate).toBe('function');
});

test.each([
  ['external-secrets.io/v1beta1', 'ExternalSecret', 'not served by External Secrets Operator since v0.17.0; use external-secrets.io/v1'],
  ['external-secrets.io/v1beta1', 'ClusterSecretStore', 'not served by External Secrets Operator since v0.17.0; use external-secrets.io/v1'],
  ['cert-manager.io/v1alpha2', 'Certificate', 'not served by cert-manager since v1.7; use cert-manager.io/v1'],
  ['gateway.networking.k8s.io/v1beta1', 'HTTPRoute', 'not an API version Gateway API (standard channel) serves today for HTTPRoute; use gateway.networking.k8s.io/v1'],
  ['kustomize.toolkit.fluxcd.io/v1beta2', 'Kustomization', 'not an API version Flux serves today for Kustomization; use kustomize.toolkit.fluxcd.io/v1'],
  ['monitoring.coreos.com/v1', 'ServiceMonitr', 'a kind Prometheus Operator serves today (none serves ServiceMonitr)'],
])('%s %s is refused: %s', (apiVersion, kind, expected) => {
  expect(schemaLookup(apiVersion, kind)).toEqual({ unserved: expected, operator: expect.any(String) });
});

test('groups no operator of the kit owns stay unchecked', () => {
  expect(schemaLookup('example.com/v1', 'Widget')).toBeUndefined();
  expect(schemaLookup('autoscaling.k8s.io/v1', 'VerticalPodAutoscaler')).toBeUndefined();
});

test('RE2 patterns (loaded on first use) still judge: PrometheusRule partial_response_strategy is (?i)(abort|warn)', () => {
  const rule = (strategy: string) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' },
    spec: { groups: [{ name: 'g', partial_response_strategy: strategy, rules: [{ alert: 'A', expr: 'up == 0' }] }] },
  });
  expect(schemaViolation(rule('WARN'))).toBeUndefined();
  expect(schemaViolation(rule('bogus'))).toBe('data/spec/groups/0/partial_response_strategy must match pattern "^(?i)(abort|warn)?$"');
});
