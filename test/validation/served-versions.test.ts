// Kinds and versions the target clusters (Kubernetes 1.32–1.35, the operators' current releases) do not serve.
import { ApiObject, Testing } from 'cdk8s';
import { Platform } from '../../lib';
import { ServedVersionRules, Validation } from '../../lib/validation';
import { findingsOf } from '../support/findings';

const object = (p: Platform, apiVersion: string, kind: string, id = 'X') => new ApiObject(p, id, { apiVersion, kind, metadata: { name: 'x' } });

describe('removed versions name the one to use', () => {
  test.each([
    ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', /found "autoscaling\/v2beta2"; expected autoscaling\/v1 or autoscaling\/v2: Kubernetes 1\.34 \(the Platform's kubernetesVersion\) does not serve HorizontalPodAutoscaler in autoscaling\/v2beta2 \(removed in Kubernetes 1\.26\)/],
    ['policy/v1beta1', 'PodDisruptionBudget', /found "policy\/v1beta1"; expected policy\/v1:/],
    ['batch/v1beta1', 'CronJob', /found "batch\/v1beta1"; expected batch\/v1:/],
    ['networking.k8s.io/v1beta1', 'Ingress', /expected networking\.k8s\.io\/v1:/],
    ['extensions/v1beta1', 'Deployment', /found "extensions\/v1beta1"; expected apps\/v1:/],
    ['extensions/v1beta1', 'Ingress', /expected networking\.k8s\.io\/v1:/],
    ['flowcontrol.apiserver.k8s.io/v1beta3', 'FlowSchema', /expected flowcontrol\.apiserver\.k8s\.io\/v1: .* \(removed in Kubernetes 1\.32\)/],
    ['flowcontrol.apiserver.k8s.io/v1beta2', 'PriorityLevelConfiguration', /expected flowcontrol\.apiserver\.k8s\.io\/v1:/],
    ['policy/v1beta1', 'PodSecurityPolicy', /expected no PodSecurityPolicy: removed in Kubernetes 1\.25; Pod Security admission/],
    ['external-secrets.io/v1beta1', 'ExternalSecret', /expected external-secrets\.io\/v1 \(External Secrets Operator 0\.17 and later serve only v1\)/],
  ])('%s %s', (apiVersion, kind, message) => {
    const found = findingsOf(ServedVersionRules.REMOVED_VERSION, (p) => object(p, apiVersion, kind));
    expect(found).toEqual([expect.stringMatching(new RegExp(`^\\[shop\\/X\\] error api\\/removed-version ${kind}\\/shop\\/x apiVersion: `))]);
    expect(found[0]).toMatch(message);
  });
});

describe('unknown kinds', () => {
  test('a misspelt built-in kind gets a suggestion', () => {
    const found = findingsOf(ServedVersionRules.UNKNOWN_KIND, (p) => object(p, 'apps/v1', 'Deploymnet'));
    expect(found).toEqual([expect.stringMatching(/^\[shop\/X\] error api\/unknown-kind Deploymnet\/shop\/x kind: found "Deploymnet"; expected a kind the Kubernetes API serves \(did you mean "Deployment"\?\), or one declared with Validation\.of\(scope\)\.declareKind\('apps\/v1', 'Deploymnet'\)/)]);
  });

  test('a custom resource no schema, CRD or declaration knows', () => {
    const found = findingsOf(ServedVersionRules.UNKNOWN_KIND, (p) => object(p, 'acme.io/v1', 'Widget'));
    expect(found).toEqual([expect.stringMatching(/Widget\/shop\/x kind: found acme\.io\/v1 Widget, which no installed schema, CRD in the output or declaration knows; expected .*declareKind\('acme\.io\/v1', 'Widget'\)/)]);
  });

  test('declared on the platform (or the app), it passes; declared on another platform, it does not', () => {
    expect(findingsOf(ServedVersionRules.UNKNOWN_KIND, (p) => {
      Validation.of(p).declareKind('acme.io/v1', 'Widget');
      object(p, 'acme.io/v1', 'Widget');
    })).toEqual([]);
    expect(findingsOf(ServedVersionRules.UNKNOWN_KIND, (p, app) => {
      Validation.of(app).declareKind('acme.io/v1', 'Widget');
      object(p, 'acme.io/v1', 'Widget');
    })).toEqual([]);
    expect(findingsOf(ServedVersionRules.UNKNOWN_KIND, (p, app) => {
      Validation.of(new Platform(app, 'other')).declareKind('acme.io/v1', 'Widget');
      object(p, 'acme.io/v1', 'Widget');
    })).toHaveLength(1);
  });

  test('a CRD in the output serves its kind in its served versions only', () => {
    const found = findingsOf(ServedVersionRules.UNKNOWN_KIND, (p) => {
      new ApiObject(p, 'Crd', {
        apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.acme.io' },
        spec: { group: 'acme.io', names: { kind: 'Widget', plural: 'widgets' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true }, { name: 'v0', served: false, storage: false }] },
      });
      object(p, 'acme.io/v1', 'Widget', 'Good');
      object(p, 'acme.io/v0', 'Widget', 'Old');
    });
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Old\] error api\/unknown-kind/)]);
  });

  test('the kinds the kit emits and validates pass', () => {
    expect(findingsOf(ServedVersionRules.UNKNOWN_KIND, (p) => {
      object(p, 'autoscaling.k8s.io/v1', 'VerticalPodAutoscaler', 'Vpa');
      object(p, 'monitoring.coreos.com/v1', 'ServiceMonitor', 'Sm');
      object(p, 'argoproj.io/v1alpha1', 'Rollout', 'Ro');
      object(p, 'external-secrets.io/v1', 'ExternalSecret', 'Es');
      object(p, 'gateway.networking.k8s.io/v1', 'HTTPRoute', 'Route');
    })).toEqual([]);
  });

  test('declareKind refuses what is not an apiVersion or a kind', () => {
    const v = Validation.of(Testing.app());
    expect(() => v.declareKind('Acme.io/v1', 'Widget')).toThrow(/declareKind\.apiVersion \("Acme\.io\/v1"\) must be "<group>\/<version>"/);
    expect(() => v.declareKind('acme.io/v1', 'widget')).toThrow(/declareKind\.kind \("widget"\) must be a kind in PascalCase/);
  });
});
