// A Platform's kubernetesVersion: the Pod Security version, the features its pods use, the API versions it accepts.
import { ApiObject } from 'cdk8s';
import { Duration } from 'cdk8s';
import { Release, ResilientMicroservice, ScheduledJob } from '../lib';
import { KubernetesVersion } from '../lib/kubernetes-version';
import { validateApp } from '../lib/synthesis';
import { checkPolicies, ServedVersionRules, Validation } from '../lib/validation';
import { findingsOf } from './support/findings';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from './support/objects';

const IMAGE = 'registry.example.com/app:1.0.0';
const SHIPPER = { name: 'shipper', image: 'registry.example.com/shipper:1.0.0' };

function service(version: KubernetesVersion | undefined, props: Record<string, unknown> = {}) {
  const { app, platform } = testPlatform(version ? { kubernetesVersion: version } : {});
  new ResilientMicroservice(platform, 'orders', { image: IMAGE, sidecars: [SHIPPER], ...props });
  return { app, platform, pod: podSpecOf(findObject(synth(platform), 'Deployment', 'orders')) };
}

describe('kubernetesVersion', () => {
  test('defaults to 1.34, the minor of the schemas the kit validates with, and pins Pod Security to it', () => {
    const { platform } = testPlatform();
    expect(platform.kubernetesVersion).toBe('1.34');
    const labels = findObject(synth(platform), 'Namespace', 'shop').metadata.labels;
    for (const mode of ['enforce', 'audit', 'warn']) expect(labels[`pod-security.kubernetes.io/${mode}-version`]).toBe('v1.34');
  });

  test.each(['1.32', '1.33', '1.35'] as const)('%s sets the Pod Security version labels to it', (version) => {
    const { platform } = testPlatform({ kubernetesVersion: version });
    const labels = findObject(synth(platform), 'Namespace', 'shop').metadata.labels;
    expect(labels).toMatchObject({
      'pod-security.kubernetes.io/enforce-version': `v${version}`,
      'pod-security.kubernetes.io/audit-version': `v${version}`,
      'pod-security.kubernetes.io/warn-version': `v${version}`,
    });
  });

  test.each([['1.28'], ['1.36'], ['v1.34'], [1.34], ['']])('%p is refused, naming the valid range', (bad) => {
    expect(() => testPlatform({ kubernetesVersion: bad as KubernetesVersion }))
      .toThrow(`[shop] kubernetesVersion (${typeof bad === 'string' ? `"${bad}"` : bad}) must be a Kubernetes minor the kit targets, as a string: '1.32', '1.33', '1.34', '1.35' (1.32–1.35)`);
  });
});

describe('features by version: 1.32 against 1.34', () => {
  test('the preStop pause: an exec of sleep on 1.32 (1.33 too), the kubelet\'s sleep action from 1.34', () => {
    expect(service('1.32').pod.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(service('1.33').pod.containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(service('1.34').pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(service('1.35', { preStopDelay: Duration.seconds(12) }).pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 12 } } });
  });

  test('no pause at all for a preStopDelay of 0, whatever the version', () => {
    expect(service('1.32', { preStopDelay: Duration.seconds(0) }).pod.containers[0].lifecycle).toBeUndefined();
    expect(service('1.34', { preStopDelay: Duration.seconds(0) }).pod.containers[0].lifecycle).toBeUndefined();
  });

  test('sidecars: plain beside the main container on 1.32, native (restartPolicy Always init containers) from 1.33', () => {
    const old = service('1.32').pod;
    expect(old.containers.map((c: K8sObject) => c.name)).toEqual(['app', 'shipper']);
    expect(old.initContainers).toBeUndefined();
    for (const version of ['1.33', '1.34'] as const) {
      const pod = service(version).pod;
      expect(pod.containers.map((c: K8sObject) => c.name)).toEqual(['app']);
      expect(pod.initContainers.map((c: K8sObject) => [c.name, c.restartPolicy])).toEqual([['shipper', 'Always']]);
    }
  });

  test('an explicit native wins over the version: true on 1.32 (beta, on by default), false on 1.34', () => {
    expect(service('1.32', { sidecars: [{ ...SHIPPER, native: true }] }).pod.initContainers[0]).toMatchObject({ name: 'shipper', restartPolicy: 'Always' });
    expect(service('1.34', { sidecars: [{ ...SHIPPER, native: false }] }).pod.containers.map((c: K8sObject) => c.name)).toEqual(['app', 'shipper']);
  });

  test('a sidecar\'s native must be a boolean', () => {
    expect(() => service('1.34', { sidecars: [{ ...SHIPPER, native: 'yes' }] }))
      .toThrow('[shop/orders] sidecars[0].native ("yes") must be true or false');
  });

  test('a ScheduledJob\'s sidecars are native on every version', () => {
    for (const version of ['1.32', '1.34'] as const) {
      const { platform } = testPlatform({ kubernetesVersion: version });
      new ScheduledJob(platform, 'report', { image: IMAGE, schedule: '@daily', sidecars: [SHIPPER] });
      const spec = podSpecOf(findObject(synth(platform), 'CronJob', 'report'));
      expect(spec.initContainers.map((c: K8sObject) => [c.name, c.restartPolicy])).toEqual([['shipper', 'Always']]);
    }
  });

  test('the sleep action survives every release kind (Deployments of blue/green, an Argo Rollout) and passes validation', () => {
    const blueGreen = testPlatform();
    new ResilientMicroservice(blueGreen.platform, 'orders', {
      image: IMAGE, release: Release.blueGreen({ active: 'blue', green: { image: 'registry.example.com/app:1.1.0' } }),
    });
    const deployments = synth(blueGreen.platform).filter((o) => o.kind === 'Deployment');
    expect(deployments).toHaveLength(2);
    for (const d of deployments) expect(podSpecOf(d).containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(validateApp(blueGreen.app).report.errors).toEqual([]);
    const rollout = testPlatform();
    new ResilientMicroservice(rollout.platform, 'orders', { image: IMAGE, release: Release.argoRollout() });
    expect(podSpecOf(findObject(synth(rollout.platform), 'Rollout', 'orders')).containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(validateApp(rollout.app).report.errors).toEqual([]);
  });

  test('the schema check (Kubernetes 1.34) validates the sleep action: a bad value or a misspelt field is refused', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: IMAGE });
    const deployment = findObject(synth(platform), 'Deployment', 'orders');
    const withPreStop = (preStop: unknown) => {
      const copy = JSON.parse(JSON.stringify(deployment));
      copy.spec.template.spec.containers[0].lifecycle = { preStop };
      return checkPolicies([copy]).errors.map((f) => `${f.ruleId} ${f.fieldPath}`);
    };
    expect(withPreStop({ sleep: { seconds: 5 } }).filter((f) => f.startsWith('schema'))).toEqual([]);
    expect(withPreStop({ sleep: { seconds: 'five' } })).toContain('schema spec.template.spec.containers[0].lifecycle.preStop.sleep.seconds');
    expect(withPreStop({ sleep: { secs: 5 } })).toContain('schema/unknown-field spec.template.spec.containers[0].lifecycle.preStop.sleep.secs');
  });

  test('the 1.32 output (exec pause, plain sidecar) passes validation too', () => {
    expect(validateApp(service('1.32').app).report.errors).toEqual([]);
  });
});

describe('API versions by version', () => {
  const serviceCidr = (p: any) => new ApiObject(p, 'Cidr', { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.96.0.0/16'] } });
  const attributes = (p: any) => new ApiObject(p, 'Vac', { apiVersion: 'storage.k8s.io/v1', kind: 'VolumeAttributesClass', metadata: { name: 'fast' }, driverName: 'ebs.csi.aws.com' });

  test('a kind GA in a later minor is refused on an earlier target, naming the minor that serves it', () => {
    const found = findingsOf(ServedVersionRules.NOT_YET_SERVED, serviceCidr, { kubernetesVersion: '1.32' });
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Cidr\] error api\/not-yet-served ServiceCIDR\/shop\/extra apiVersion: found "networking\.k8s\.io\/v1"; expected a kind Kubernetes 1\.32 \(the Platform's kubernetesVersion\) serves: networking\.k8s\.io\/v1 ServiceCIDR is served from Kubernetes 1\.33; target kubernetesVersion '1\.33' or later/)]);
    expect(findingsOf(ServedVersionRules.NOT_YET_SERVED, serviceCidr, { kubernetesVersion: '1.33' })).toEqual([]);
    expect(findingsOf(ServedVersionRules.NOT_YET_SERVED, attributes, { kubernetesVersion: '1.33' })).toHaveLength(1);
    expect(findingsOf(ServedVersionRules.NOT_YET_SERVED, attributes, { kubernetesVersion: '1.34' })).toEqual([]);
  });

  test('objects outside any Platform must be served by every minor from 1.32', () => {
    const report = checkPolicies([{ apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.96.0.0/16'] } }]);
    expect(report.errors.map((f) => f.ruleId)).toContain(ServedVersionRules.NOT_YET_SERVED);
    expect(report.errors.find((f) => f.ruleId === ServedVersionRules.NOT_YET_SERVED)!.expected).toMatch(/^a kind every Kubernetes from 1\.32 serves/);
  });

  test('a removed version names the minor that stopped serving it, on every target', () => {
    for (const kubernetesVersion of ['1.32', '1.35'] as const) {
      const found = findingsOf(ServedVersionRules.REMOVED_VERSION,
        (p) => new ApiObject(p, 'Fs', { apiVersion: 'flowcontrol.apiserver.k8s.io/v1beta3', kind: 'FlowSchema', metadata: { name: 'x' } }), { kubernetesVersion });
      expect(found).toEqual([expect.stringContaining(`expected flowcontrol.apiserver.k8s.io/v1: Kubernetes ${kubernetesVersion} (the Platform's kubernetesVersion) does not serve FlowSchema in flowcontrol.apiserver.k8s.io/v1beta3 (removed in Kubernetes 1.32)`)]);
    }
  });

  test('Validation.targetKubernetes refuses a minor the kit does not target', () => {
    const { platform } = testPlatform();
    expect(() => Validation.of(platform).targetKubernetes('1.29' as KubernetesVersion))
      .toThrow('[shop] targetKubernetes ("1.29") must be a Kubernetes minor the kit targets');
  });
});
