// User policy: rules over the object set, waivers with a reason written into the object, external objects.
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, validateApp } from '../../lib';
import { checkPolicies, formatFinding, formatReport, Validation, validateObjects, waiverAnnotation } from '../../lib/validation';
import { findObject } from '../support/objects';

const IMAGE = 'registry.example.com/shop/api:1.4.0';

function given() {
  const app = Testing.app();
  const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION });
  const api = new ResilientMicroservice(platform, 'api', { image: IMAGE });
  return { app, platform, api };
}

/** A rule every team writes sooner or later: Deployments must name their owning team. */
const teamLabel = {
  id: 'acme/team-label',
  description: 'Deployments carry a team label, so alerts reach the owners',
  check: (objects: readonly Record<string, any>[]) => objects
    .filter((o) => o.kind === 'Deployment' && !o.metadata?.labels?.team)
    .map((o) => ({ object: o, fieldPath: 'metadata.labels.team', expected: 'the owning team, e.g. "payments"' })),
};

describe('user rules', () => {
  test('a platform rule reports on the platform\'s objects with its id, construct path and message', () => {
    const { app, platform } = given();
    Validation.of(platform).addRule(teamLabel);
    const { report } = validateApp(app);
    expect(report.errors.map(formatFinding)).toEqual([
      'error acme/team-label Deployment/shop/api metadata.labels.team: found missing; expected the owning team, e.g. "payments"',
    ]);
    expect(report.errors[0].constructPath).toBe('shop/api/Deployment');
  });

  test('a rule on another platform does not see this one\'s objects; a rule on the app sees all', () => {
    const { app } = given();
    const other = new Platform(app, 'other', { environment: Environment.PRODUCTION });
    Validation.of(other).addRule(teamLabel);
    expect(validateApp(app).report.errors).toEqual([]);
    Validation.of(app).addRule({ ...teamLabel, id: 'acme/team-label-everywhere', severity: 'warning' });
    expect(validateApp(app).report.warnings.map((f) => `${f.ruleId} ${f.object}`)).toEqual(['acme/team-label-everywhere Deployment/shop/api']);
  });

  test('a rule that throws is reported, not fatal to the other checks', () => {
    const { app, platform } = given();
    Validation.of(platform).addRule({ id: 'acme/broken', description: 'throws', check: () => { throw new Error('boom'); } });
    expect(validateApp(app).report.errors.map(formatFinding)).toEqual([
      'error validation/rule-failed rule acme/broken: found the rule threw: boom; expected a rule that returns findings instead of throwing',
    ]);
  });

  test('rule ids are checked and unique per scope', () => {
    const { platform } = given();
    expect(() => Validation.of(platform).addRule({ ...teamLabel, id: 'Acme Team' })).toThrow(/^\[shop\] addRule.id \("Acme Team"\) must be lower-case letters/);
    Validation.of(platform).addRule(teamLabel);
    expect(() => Validation.of(platform).addRule(teamLabel)).toThrow(/^\[shop\] addRule.id \("acme\/team-label"\) is already registered here/);
  });
});

describe('waivers', () => {
  test('a waived finding disappears and the object carries the reason as an annotation', () => {
    const { app, platform, api } = given();
    api.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    Validation.of(platform).waive('policy/read-only-root-filesystem', { kind: 'Deployment', name: 'api' }, 'the vendor image writes its PID file to /var/run');
    const { report, charts } = validateApp(app);
    expect([...report.errors, ...report.warnings]).toEqual([]);
    const deployment = findObject(charts[0].objects, 'Deployment', 'api');
    expect(deployment.metadata.annotations).toEqual({ 'cdk8s-patterns.io/waived-policy.read-only-root-filesystem': 'the vendor image writes its PID file to /var/run' });
    expect(waiverAnnotation('policy/read-only-root-filesystem')).toBe('cdk8s-patterns.io/waived-policy.read-only-root-filesystem');
  });

  test('a waiver needs a reason', () => {
    const { platform } = given();
    expect(() => Validation.of(platform).waive('policy/probes', { kind: 'Deployment', name: 'api' }, ' '))
      .toThrow(/^\[shop\] waive.reason \(" "\) must say why the rule does not apply/);
  });

  test('a waiver that matches nothing is a warning', () => {
    const { app, platform } = given();
    Validation.of(platform).waive('policy/probes', { kind: 'Deployment', name: 'apj' }, 'typo in the name');
    expect(validateApp(app).report.warnings.map(formatFinding)).toEqual([
      'warning validation/unused-waiver Deployment/apj: found a waiver of policy/probes that matched no finding; expected waivers only where a rule fires: remove it, or correct its rule id, kind and name',
    ]);
  });
});

describe('external objects', () => {
  test('a Secret referenced by a hand-written patch passes once declared external', () => {
    const { app, platform, api } = given();
    api.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/env', [{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api-token', key: 't' } } }]));
    expect(validateApp(app).report.errors.map((f) => f.ruleId)).toEqual(['ref/missing-secret']);
    Validation.of(platform).declareExternal('Secret', 'api-token');
    expect(validateApp(app).report.errors).toEqual([]);
  });

  test('secretEnv declares its Secret automatically; an ExternalSecret in the output counts as the Secret', () => {
    const { app, platform } = given();
    new ResilientMicroservice(platform, 'worker', { image: IMAGE, secretEnv: { TOKEN: { secretName: 'worker-token', key: 't' } } });
    new ApiObject(platform, 'Es', {
      apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es' },
      spec: { secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, target: { name: 'synced' }, data: [{ secretKey: 'k', remoteRef: { key: 'r' } }] },
    });
    const { report } = validateApp(app);
    expect(report.errors).toEqual([]);
    expect(Validation.of(platform).externals.map((e) => `${e.kind}/${e.name}`)).toEqual(['Secret/worker-token']);
  });
});

describe('plain objects (what toPassPolicies runs)', () => {
  test('checkPolicies takes objects without construct paths and groups the report by object', () => {
    const objects = [{
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'ops' },
      spec: { containers: [{ name: 'sh', image: 'busybox' }], hostPID: true },
    }];
    const report = checkPolicies(objects);
    expect(report.errors.map((f) => f.ruleId)).toEqual(expect.arrayContaining([
      'policy/host-namespaces', 'policy/pinned-image', 'policy/run-as-non-root', 'policy/network-policy', 'policy/resources',
    ]));
    expect(formatReport(report)).toMatch(/^\d+ error\(s\), \d+ warning\(s\)\n\[Pod\/ops\/debug\]\n  error /);
  });

  test('objects without a published schema are listed as unchecked but still cross-checked', () => {
    const report = validateObjects([{
      object: { apiVersion: 'autoscaling.k8s.io/v1', kind: 'VerticalPodAutoscaler', metadata: { name: 'api', namespace: 'shop' }, spec: { whatever: 1 } },
      constructPath: 'shop/api/Vpa',
    }]);
    expect(report).toEqual({ errors: [], warnings: [], unchecked: ['VerticalPodAutoscaler/shop/api (autoscaling.k8s.io/v1)'] });
  });
});
