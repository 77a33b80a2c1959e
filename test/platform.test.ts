// Platform: namespace, labels, quota, limits, default-deny networking and environment profiles.
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Compatibility, Environment, Platform, ResilientMicroservice } from '../lib';
import { synthesizeCharts } from '../lib/synthesis';
import { findObject, K8sObject, objectsOfKind, synth, testPlatform } from './support/objects';

describe('Platform', () => {
  test('emits its Namespace, cluster-scoped, enforcing, auditing and warning Pod Security "restricted" at the target minor (1.34 by default)', () => {
    const { platform } = testPlatform({ namespace: 'blog-platform', name: 'blog' });
    const ns = findObject(synth(platform), 'Namespace', 'blog-platform');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.34',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.34',
    });
  });

  test('puts the standard labels and the environment on every object, and every namespaced object in its namespace', () => {
    const { platform } = testPlatform({ namespace: 'blog-platform', name: 'blog', environment: Environment.STAGING });
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0', config: { A: '1' } });
    for (const o of synth(platform)) {
      expect(o.metadata.labels).toMatchObject({
        'app.kubernetes.io/part-of': 'blog',
        'app.kubernetes.io/managed-by': 'cdk8s-patterns',
        'environment': 'staging',
      });
      expect(Object.keys(o.metadata.labels)).toEqual(expect.arrayContaining([
        'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/component']));
      if (o.kind !== 'Namespace' && o.kind !== 'PriorityClass') expect(o.metadata.namespace).toBe('blog-platform');
    }
  });

  test('instance label equals the object\'s workload name (Polaris metadataAndInstanceMismatched)', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0' });
    const d = findObject(synth(platform), 'Deployment', 'posts');
    expect(d.metadata.labels['app.kubernetes.io/instance']).toBe('posts');
  });

  test('a default-deny policy for ingress and egress, and an allow for DNS to kube-dns', () => {
    const { platform } = testPlatform();
    const objects = synth(platform);
    expect(findObject(objects, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = findObject(objects, 'NetworkPolicy', 'allow-dns').spec;
    expect(dns.policyTypes).toEqual(['Egress']);
    expect(dns.egress[0].to[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    });
  });

  test('the quota is derived from the workloads at maximum scale plus 25 % headroom', () => {
    const { platform } = testPlatform();
    // 10 replicas + 3 surge pods of 100m/128Mi requests, 200m/256Mi limits
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0' });
    const hard = findObject(synth(platform), 'ResourceQuota', 'platform-quota').spec.hard;
    expect(hard).toMatchObject({
      'pods': '17',
      'requests.cpu': '1625m',
      'requests.memory': '2080Mi',
      'limits.cpu': '3250m',
      'limits.memory': '4160Mi',
    });
  });

  test('an explicit quota is used as given', () => {
    const { platform } = testPlatform({ quota: { requestsCpu: '8', requestsMemory: '16Gi', limitsCpu: '16', limitsMemory: '32Gi', pods: 100 } });
    const hard = findObject(synth(platform), 'ResourceQuota', 'platform-quota').spec.hard;
    expect(hard).toMatchObject({ 'requests.cpu': '8', 'requests.memory': '16Gi', 'limits.cpu': '16', 'limits.memory': '32Gi', 'pods': '100' });
  });

  test('synth fails when the platform at maximum scale cannot fit its quota', () => {
    const { app, platform } = testPlatform({ quota: { pods: 5 } });
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0' });
    expect(() => synthesizeCharts(app)).toThrow(/\[shop\] quota\.pods \(5\) is below what the platform needs at maximum scale \(13\)/);
  });

  describe('init containers are charged as the scheduler charges them: max(sum of containers, largest init container)', () => {
    const MIGRATE = { name: 'migrate', image: 'shop/migrate:1.0.0', resources: { requests: { cpu: '2', memory: '64Mi' } } };

    function millis(q: string): number {
      return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
    }

    test('given a 2 CPU init container, the derived quota fits 13 pods charged 2 CPU each, not the 100m of the main container', () => {
      const { platform } = testPlatform();
      new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0', initContainers: [MIGRATE] });
      const objects = synth(platform);
      const spec = findObject(objects, 'Deployment', 'posts').spec.template.spec;
      // What the scheduler charges one pod, read from the pod itself
      const running = spec.containers.reduce((n: number, c: K8sObject) => n + millis(c.resources.requests.cpu), 0);
      const largestInit = Math.max(...spec.initContainers.map((c: K8sObject) => millis(c.resources.requests.cpu)));
      expect([running, largestInit]).toEqual([100, 2000]);
      const hard = findObject(objects, 'ResourceQuota', 'platform-quota').spec.hard;
      // 10 replicas + 3 surge, each 2 CPU requested (4 CPU limit), plus 25 %
      expect(millis(hard['requests.cpu'])).toBeGreaterThanOrEqual(13 * Math.max(running, largestInit));
      expect(hard['requests.cpu']).toBe('32500m');
      expect(hard['limits.cpu']).toBe('65');
      // Memory: the main container's 128Mi outweighs the init container's 64Mi, so it is unchanged
      expect(hard['requests.memory']).toBe('2080Mi');
    });

    test('given init containers smaller than the pod, the quota is what the containers alone need', () => {
      const { platform } = testPlatform();
      new ResilientMicroservice(platform, 'posts', {
        image: 'blog/posts:1.4.0',
        initContainers: [{ name: 'wait', image: 'busybox:1.36.1', resources: { requests: { cpu: '10m', memory: '16Mi' } } }],
      });
      const hard = findObject(synth(platform), 'ResourceQuota', 'platform-quota').spec.hard;
      expect(hard).toMatchObject({ 'requests.cpu': '1625m', 'requests.memory': '2080Mi', 'limits.cpu': '3250m' });
    });

    test('given two init containers, only the largest counts (they run one at a time)', () => {
      const { platform } = testPlatform();
      new ResilientMicroservice(platform, 'posts', {
        image: 'blog/posts:1.4.0',
        initContainers: [MIGRATE, { ...MIGRATE, name: 'seed', resources: { requests: { cpu: '1', memory: '64Mi' } } }],
      });
      const hard = findObject(synth(platform), 'ResourceQuota', 'platform-quota').spec.hard;
      expect(hard['requests.cpu']).toBe('32500m');
    });

    test('given an explicit quota that fits the containers but not the init container, synth fails naming both figures', () => {
      const { app, platform } = testPlatform({ quota: { requestsCpu: '4' } });
      new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0', initContainers: [MIGRATE] });
      expect(() => synthesizeCharts(app)).toThrow(/\[shop\] quota\.requestsCpu \(4\) is below what the platform needs at maximum scale \(26\)/);
    });
  });

  test('a LimitRange gives containers defaults', () => {
    const { platform } = testPlatform({ containerDefaults: { requests: { cpu: '50m', memory: '64Mi' } } });
    const limits = findObject(synth(platform), 'LimitRange', 'container-defaults').spec.limits[0];
    expect(limits).toEqual({ type: 'Container', defaultRequest: { cpu: '50m', memory: '64Mi' }, default: { cpu: '100m', memory: '128Mi' } });
  });

  test('the NO_CPU_LIMITS profile drops CPU limits everywhere', () => {
    const { platform } = testPlatform({ compatibility: Compatibility.NO_CPU_LIMITS });
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0' });
    const objects = synth(platform);
    const container = findObject(objects, 'Deployment', 'posts').spec.template.spec.containers[0];
    expect(container.resources.limits.cpu).toBeUndefined();
    expect(container.resources.limits.memory).toBe('256Mi');
    expect(findObject(objects, 'ResourceQuota', 'platform-quota').spec.hard['limits.cpu']).toBeUndefined();
  });
});

describe('Environment profiles', () => {
  test.each([
    [Environment.DEVELOPMENT, 2, 3, '50m'],
    [Environment.STAGING, 2, 5, '100m'],
    [Environment.PRODUCTION, 2, 10, '100m'],
  ])('%p sets replicas and resource sizes in one place', (environment, min, max, cpu) => {
    const { platform } = testPlatform({ environment });
    new ResilientMicroservice(platform, 'posts', { image: 'blog/posts:1.4.0' });
    const objects = synth(platform);
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'posts');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([min, max]);
    expect(findObject(objects, 'Deployment', 'posts').spec.template.spec.containers[0].resources.requests.cpu).toBe(cpu);
  });

  test('a user-defined environment takes documented defaults for what it leaves out', () => {
    const env = Environment.custom({ name: 'perf', maxReplicas: 40 });
    expect([env.minReplicas, env.maxReplicas, env.resourceScale, env.metrics, env.backups]).toEqual([2, 40, 1, false, false]);
  });

  test.each([
    [{ name: 'Perf' }, /environment\.name \("Perf"\) must be a DNS-1123 label/],
    [{ name: 'perf', minReplicas: 0 }, /environment\.minReplicas \(0\) of environment "perf" must be an integer of at least 1/],
    [{ name: 'perf', minReplicas: 4, maxReplicas: 2 }, /environment\.maxReplicas \(2\) of environment "perf" must be an integer not below minReplicas \(4\)/],
    [{ name: 'perf', resourceScale: 0 }, /environment\.resourceScale \(0\)/],
  ])('a bad profile is refused by the platform that uses it: %p', (props, message) => {
    expect(() => new Platform(Testing.app(), 'shop', { environment: Environment.custom(props) })).toThrow(message);
  });
});

describe('Platform: bad props', () => {
  test.each([
    [{ namespace: 'Shop' }, /^\[shop\] namespace \("Shop"\) must be a DNS-1123 label/],
    [{ quota: { requestsCpu: 'much' } }, /^\[shop\] quota\.requestsCpu \("much"\) must be a positive CPU quantity/],
    [{ quota: { pods: 0 } }, /^\[shop\] quota\.pods \(0\) must be an integer from 1/],
    [{ monitoringNamespace: 'Monitoring' }, /monitoringNamespace \("Monitoring"\)/],
  ])('%p', (props, message) => {
    expect(() => new Platform(Testing.app(), 'shop', props)).toThrow(message);
  });

  test('a workload outside any Platform gets a clear error', () => {
    const app = Testing.app();
    const loose = new Construct(app, 'loose');
    expect(() => new ResilientMicroservice(loose, 'posts', { image: 'blog/posts:1.4.0' }))
      .toThrow(/^\[loose\/posts\] must be defined inside a Platform/);
  });
});

test('only the Platform\'s objects are in its chart', () => {
  const { platform } = testPlatform();
  expect(objectsOfKind(synth(platform), 'Namespace')).toHaveLength(1);
});
