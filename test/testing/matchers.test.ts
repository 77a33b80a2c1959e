// The Jest matchers for users: passing and failing cases, with the messages a user reads.
import { Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { PolicyRules } from '../../lib/validation';
import { ResilientMicroservice } from '../../lib';
import { createMatchers, matchers, PolicyCheck } from '../../lib/testing';
import { Finding, Validation } from '../../lib/validation';
import { testPlatform } from '../support/objects';

function shop() {
  const { app, platform } = testPlatform();
  new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
  return { app, platform };
}

/** A finding as the kit's validation writes it. */
function finding(ruleId: string, object: string, fieldPath: string, severity: 'error' | 'warning' = 'error', constructPath = ''): Finding {
  return { ruleId, severity, constructPath, object, fieldPath, found: 'false', expected: 'true' };
}

/** A check that reports fixed findings and records what it is given. */
function fixedCheck(errors: Finding[], warnings: Finding[] = []): PolicyCheck & { seen: string[] } {
  const seen: string[] = [];
  const check: PolicyCheck = (inputs, profile) => {
    seen.push(`${profile}:${inputs.length}:${inputs[0]?.constructPath ?? ''}`);
    return { errors, warnings };
  };
  return Object.assign(check, { seen });
}

const { toHaveResource, toPassPolicies } = createMatchers({ policyCheck: fixedCheck([]) });
expect.extend(matchers);

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

describe('toPassPolicies with an injected check', () => {
  test('passes when the check finds no error, and gives it the objects with their construct paths and the profile', () => {
    const check = fixedCheck([], [finding('policy/probes', 'Deployment/shop/orders', '', 'warning')]);
    const { platform } = shop();
    const result = createMatchers({ policyCheck: check }).toPassPolicies(platform, 'baseline');
    expect(result.pass).toBe(true);
    expect(check.seen).toEqual([`baseline:${Testing.synth(platform).length}:shop/Namespace`]);
    expect(result.message()).toBe('expected the objects to fail the "baseline" profile, but they pass it (1 warning(s))');
  });

  test('defaults to the restricted profile; plain objects have no construct path', () => {
    const check = fixedCheck([]);
    createMatchers({ policyCheck: check }).toPassPolicies([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }]);
    expect(check.seen).toEqual(['restricted:1:']);
  });

  test('fails listing every error with its construct path, rule, object, field, found and expected', () => {
    const check = fixedCheck([
      finding('policy/run-as-non-root', 'Deployment/shop/orders', 'spec.template.spec.securityContext.runAsNonRoot', 'error', 'shop/orders/Deployment'),
      finding('ref/service-selector', 'Service/shop/orders', ''),
    ]);
    const result = createMatchers({ policyCheck: check }).toPassPolicies([], 'restricted');
    expect(result.pass).toBe(false);
    expect(result.message()).toBe([
      'expected the objects to pass the "restricted" profile, but validation found 2 error(s):',
      '  - [shop/orders/Deployment] error policy/run-as-non-root Deployment/shop/orders spec.template.spec.securityContext.runAsNonRoot: found false; expected true',
      '  - [Service/shop/orders] error ref/service-selector Service/shop/orders: found false; expected true',
    ].join('\n'));
  });

  test('warnings fail only with strictWarnings', () => {
    const check = fixedCheck([], [finding('policy/probes', 'Deployment/shop/orders', 'spec', 'warning')]);
    const custom = createMatchers({ policyCheck: check });
    expect(custom.toPassPolicies([]).pass).toBe(true);
    const strict = custom.toPassPolicies([], 'restricted', { strictWarnings: true });
    expect(strict.pass).toBe(false);
    expect(strict.message()).toContain('found 1 error(s) and warning(s):\n  - [Deployment/shop/orders] warning policy/probes Deployment/shop/orders spec: found false; expected true');
  });

  test("reports the construct tree's own validations, with their paths", () => {
    const { platform } = shop();
    platform.node.addValidation({ validate: () => ['quota too small'] });
    const result = toPassPolicies(platform);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('  - [shop] quota too small');
  });
});

describe("toPassPolicies with the kit's validation", () => {
  test('a platform built from the kit passes restricted; .not fails with the warning count', () => {
    const { platform } = shop();
    expect(matchers.toPassPolicies(platform, 'restricted').pass).toBe(true);
    expect(() => expect(platform).not.toPassPolicies()).toThrow(/but they pass it \(\d+ warning\(s\)\)/);
  });

  test('a privileged container added through an escape hatch fails, naming the construct path and rule', () => {
    const { platform } = shop();
    new k8s.KubePod(platform, 'debug', {
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'sh', image: 'busybox:1.36.1', securityContext: { privileged: true } }] },
    });
    const result = matchers.toPassPolicies(platform);
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(new RegExp(`  - \\[shop/debug\\] error ${PolicyRules.PRIVILEGED} Pod/shop/debug spec\\.containers\\[0\\]\\.securityContext\\.privileged: found true`));
  });

  test('a waiver registered in the tree is honoured', () => {
    const { platform } = shop();
    new k8s.KubePod(platform, 'debug', {
      metadata: { name: 'debug' },
      spec: { containers: [{ name: 'sh', image: 'busybox:1.36.1', securityContext: { privileged: true } }] },
    });
    Validation.of(platform).waive(PolicyRules.PRIVILEGED, { kind: 'Pod', name: 'debug' }, 'node debugging needs it');
    const message = matchers.toPassPolicies(platform).message();
    expect(message).not.toContain(`error ${PolicyRules.PRIVILEGED}`);
    expect(message).toContain(`[shop/debug] error ${PolicyRules.SECCOMP} Pod/shop/debug`);
  });

  test('an unknown profile is an error naming the profiles the kit has', () => {
    expect(() => matchers.toPassPolicies([], 'baseline'))
      .toThrow('toPassPolicies: unknown profile "baseline"; the kit checks "restricted" (Pod Security Standards restricted plus best practices)');
  });

  test('plain objects read back from YAML are checked too', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'a' }, spec: { containers: [{ name: 'c', image: 'nginx:latest' }] } };
    const result = matchers.toPassPolicies([pod]);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain(`error ${PolicyRules.PINNED_IMAGE} Pod/a/p spec.containers[0].image: found "nginx:latest"`);
  });
});
