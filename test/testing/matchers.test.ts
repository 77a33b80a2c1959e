// The Jest matchers for users: passing and failing cases, with the messages a user reads.
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ResilientMicroservice } from '../../lib';
import { createMatchers, PolicyCheck, PolicyFinding } from '../../lib/testing';
import { testPlatform } from '../support/objects';

function shop() {
  const { app, platform } = testPlatform();
  new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
  return { app, platform };
}

/** A check that reports what it is given, so the matcher's handling of each outcome can be asserted. */
function fixedCheck(errors: PolicyFinding[], warnings: PolicyFinding[] = []): PolicyCheck & { seen: string[] } {
  const seen: string[] = [];
  const check = (objects: readonly Record<string, any>[], profile: string) => {
    seen.push(`${profile}:${objects.length}`);
    return { errors, warnings };
  };
  return Object.assign(check, { seen });
}

const { toHaveResource, toPassPolicies } = createMatchers({ policyCheck: fixedCheck([]) });
expect.extend(createMatchers({ policyCheck: fixedCheck([]) }));

describe('toHaveResource', () => {
  test('passes when one object of the kind has every field of the partial', () => {
    const { platform } = shop();
    const result = toHaveResource(platform, 'Deployment', { metadata: { name: 'orders', namespace: 'shop' } });
    expect(result.pass).toBe(true);
    expect(result.message()).toContain('expected no Deployment matching:');
    expect(result.message()).toContain('but Deployment/shop/orders does');
  });

  test('passes with arrays matched element by element and asymmetric matchers', () => {
    const { platform } = shop();
    expect(platform).toHaveResource('Deployment', {
      spec: { template: { spec: { containers: [{ name: 'app', image: expect.stringMatching(/:1\.2\.0$/) }] } } },
    });
  });

  test('fails listing each candidate with the path, expected and received value of each mismatch', () => {
    const { platform } = shop();
    const result = toHaveResource(platform, 'Service', { metadata: { name: 'orders' }, spec: { type: 'LoadBalancer' } });
    expect(result.pass).toBe(false);
    expect(result.message()).toBe([
      'expected a Service matching:',
      '    metadata:',
      '      name: orders',
      '    spec:',
      '      type: LoadBalancer',
      '  but none of the 1 Service object(s) does:',
      '  Service/shop/orders:',
      '    spec.type: expected "LoadBalancer", received "ClusterIP"',
    ].join('\n'));
  });

  test('fails naming every object when the kind is absent', () => {
    const result = toHaveResource([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }], 'Deployment', {});
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('but there is no Deployment; the objects are: Namespace/shop');
  });

  test('an array of a different length is a mismatch at the array path', () => {
    const { platform } = shop();
    const result = toHaveResource(platform, 'Deployment', { spec: { template: { spec: { containers: [] } } } });
    expect(result.message()).toMatch(/spec\.template\.spec\.containers: expected \[\], received \[\{"image":"shop\/orders:1\.2\.0"/);
  });

  test('reads an App: objects of every chart', () => {
    const { app } = shop();
    expect(app).toHaveResource('Namespace', { metadata: { name: 'shop' } });
    expect(app).not.toHaveResource('Namespace', { metadata: { name: 'other' } });
  });

  test('through expect(): the failure message is the matcher message', () => {
    const { platform } = shop();
    expect(() => expect(platform).toHaveResource('Deployment', { spec: { replicas: 7 } }))
      .toThrow('spec.replicas: expected 7, received undefined');
    expect(() => expect(platform).not.toHaveResource('Deployment', {})).toThrow('but Deployment/shop/orders does');
  });

  test('rejects what is neither a chart, an app nor an array', () => {
    expect(() => toHaveResource('dist/' as any, 'Deployment', {})).toThrow('expected a cdk8s Chart, App or an array of objects, received string');
  });
});

describe('toPassPolicies', () => {
  test('passes when the check finds no error, and gives it the objects and the profile', () => {
    const check = fixedCheck([], [{ rule: 'replicas', message: 'one replica' }]);
    const { platform } = shop();
    const result = createMatchers({ policyCheck: check }).toPassPolicies(platform, 'baseline');
    expect(result.pass).toBe(true);
    expect(check.seen).toEqual([`baseline:${Testing.synth(platform).length}`]);
    expect(result.message()).toBe('expected the objects to fail the "baseline" profile, but they pass it (1 warning(s))');
  });

  test('defaults to the restricted profile', () => {
    const check = fixedCheck([]);
    createMatchers({ policyCheck: check }).toPassPolicies([]);
    expect(check.seen).toEqual(['restricted:0']);
  });

  test('fails listing every error with its rule, object and field', () => {
    const check = fixedCheck([
      { rule: 'pss-run-as-non-root', object: 'Deployment/shop/orders', path: 'spec.template.spec.securityContext.runAsNonRoot', message: 'must be true' },
      { message: 'no rule id here' },
    ]);
    const result = createMatchers({ policyCheck: check }).toPassPolicies([], 'restricted');
    expect(result.pass).toBe(false);
    expect(result.message()).toBe([
      'expected the objects to pass the "restricted" profile, but validation found 2 error(s):',
      '  - [pss-run-as-non-root] Deployment/shop/orders spec.template.spec.securityContext.runAsNonRoot: must be true',
      '  - no rule id here',
    ].join('\n'));
  });

  test('warnings fail only with strictWarnings', () => {
    const check = fixedCheck([], [{ rule: 'replicas', object: 'Deployment/shop/orders', message: 'one replica' }]);
    const matchers = createMatchers({ policyCheck: check });
    expect(matchers.toPassPolicies([]).pass).toBe(true);
    const strict = matchers.toPassPolicies([], 'restricted', { strictWarnings: true });
    expect(strict.pass).toBe(false);
    expect(strict.message()).toContain('found 1 error(s) and warning(s):\n  - [replicas] Deployment/shop/orders: one replica');
  });

  test("reports the construct tree's own validations, with their paths", () => {
    const { platform } = shop();
    platform.node.addValidation({ validate: () => ['quota too small'] });
    const result = toPassPolicies(platform);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('  - [shop] quota too small');
  });

  test('through expect(): .not fails on a passing set', () => {
    const { platform } = shop();
    new k8s.KubeConfigMap(platform, 'extra', { metadata: { name: 'extra' } });
    expect(platform).toPassPolicies();
    expect(() => expect(platform).not.toPassPolicies()).toThrow('but they pass it (0 warning(s))');
  });
});
