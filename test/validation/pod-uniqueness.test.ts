// Uniqueness inside a pod template, in every workload kind that has one.
import { ApiObject, JsonPatch } from 'cdk8s';
import { Platform, ResilientMicroservice } from '../../lib';
import { PodRules, ReferenceRules } from '../../lib/validation';
import { findingsOf } from '../support/findings';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const POD = '/spec/template/spec';
type PodSpec = Record<string, unknown>;

/** A hand-written workload of each kind around one pod spec, and the dotted path of its pod spec. */
const KINDS: Record<string, { apiVersion: string; spec: (pod: PodSpec) => Record<string, unknown>; at: string }> = {
  Deployment: { apiVersion: 'apps/v1', spec: (pod) => ({ selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: pod } }), at: 'spec.template.spec' },
  StatefulSet: { apiVersion: 'apps/v1', spec: (pod) => ({ serviceName: 'w', selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: pod } }), at: 'spec.template.spec' },
  DaemonSet: { apiVersion: 'apps/v1', spec: (pod) => ({ selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: pod } }), at: 'spec.template.spec' },
  Job: { apiVersion: 'batch/v1', spec: (pod) => ({ template: { metadata: { labels: { app: 'w' } }, spec: { restartPolicy: 'Never', ...pod } } }), at: 'spec.template.spec' },
  CronJob: { apiVersion: 'batch/v1', spec: (pod) => ({ schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels: { app: 'w' } }, spec: { restartPolicy: 'Never', ...pod } } } } }), at: 'spec.jobTemplate.spec.template.spec' },
  Rollout: { apiVersion: 'argoproj.io/v1alpha1', spec: (pod) => ({ selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w' } }, spec: pod } }), at: 'spec.template.spec' },
};

function workload(p: Platform, kind: string, pod: PodSpec): ApiObject {
  const k = KINDS[kind];
  return new ApiObject(p, 'Worker', { apiVersion: k.apiVersion, kind, metadata: { name: 'worker' }, spec: k.spec(pod) });
}

const container = (extra: Record<string, unknown> = {}) => ({ name: 'main', image: IMAGE, ...extra });
const esc = (s: string) => s.replace(/\./g, '\\.').replace(/\[/g, '\\[').replace(/\]/g, '\\]');

describe.each(Object.keys(KINDS))('in a %s', (kind) => {
  const at = esc(KINDS[kind].at);
  const head = `^\\[shop\\/Worker\\] error`;

  test('two volumes with one name', () => {
    const found = findingsOf(PodRules.DUPLICATE_VOLUME, (p) => workload(p, kind, { containers: [container()], volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }] }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${head} pod/duplicate-volume ${kind}/shop/worker ${at}\\.volumes\\[1\\]\\.name: found the volume name "data", also at ${at}\\.volumes\\[0\\]\\.name`))]);
  });

  test('a container and an init container with one name', () => {
    const found = findingsOf(PodRules.DUPLICATE_CONTAINER, (p) => workload(p, kind, { initContainers: [container()], containers: [container()] }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${at}\\.containers\\[0\\]\\.name: found the container name "main", also at ${at}\\.initContainers\\[0\\]\\.name`))]);
  });

  test('two mounts at one path (a trailing slash is the same path)', () => {
    const found = findingsOf(PodRules.DUPLICATE_MOUNT_PATH, (p) => workload(p, kind, {
      containers: [container({ volumeMounts: [{ name: 'a', mountPath: '/etc/app' }, { name: 'b', mountPath: '/etc/app/' }] })],
      volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }],
    }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${at}\\.containers\\[0\\]\\.volumeMounts\\[1\\]\\.mountPath: found the mount path "/etc/app", also at .*volumeMounts\\[0\\]\\.mountPath; expected a mount path no other mount of the container uses`))]);
  });

  test('one env var twice in a container', () => {
    const found = findingsOf(PodRules.DUPLICATE_ENV, (p) => workload(p, kind, { containers: [container({ env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] })] }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${at}\\.containers\\[0\\]\\.env\\[1\\]\\.name: found the env var "A", also at .*env\\[0\\]\\.name; expected each env var set once per container`))]);
  });

  test('one port name in two containers', () => {
    const found = findingsOf(PodRules.DUPLICATE_PORT_NAME, (p) => workload(p, kind, {
      containers: [container({ ports: [{ name: 'http', containerPort: 8080 }] }), { name: 'side', image: IMAGE, ports: [{ name: 'http', containerPort: 9090 }] }],
    }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${at}\\.containers\\[1\\]\\.ports\\[0\\]\\.name: found the port name "http", also at ${at}\\.containers\\[0\\]\\.ports\\[0\\]\\.name`))]);
  });

  test('a mount of a volume the pod lacks (ref/volume-mount)', () => {
    const found = findingsOf(ReferenceRules.VOLUME_MOUNT, (p) => workload(p, kind, { containers: [container({ volumeMounts: [{ name: 'nope', mountPath: '/x' }] })] }));
    expect(found).toEqual([expect.stringMatching(new RegExp(`${at}\\.containers\\[0\\]\\.volumeMounts\\[0\\]\\.name: found "nope"; expected the name of a volume of the pod`))]);
  });
});

test('env vars may repeat across containers, and one name per container is fine', () => {
  const found = findingsOf(PodRules.DUPLICATE_ENV, (p) => workload(p, 'Deployment', {
    containers: [container({ env: [{ name: 'A', value: '1' }] }), { name: 'side', image: IMAGE, env: [{ name: 'A', value: '1' }] }],
  }));
  expect(found).toEqual([]);
});

test('a kit workload whose escape hatch adds a second volume of the same name is caught', () => {
  const found = findingsOf(PodRules.DUPLICATE_VOLUME, (p) => {
    const api = new ResilientMicroservice(p, 'api', { image: IMAGE });
    api.deployment.addJsonPatch(JsonPatch.add(`${POD}/volumes/-`, { name: 'app-tmp', emptyDir: {} }));
  });
  expect(found).toEqual([expect.stringMatching(/^\[shop\/api\/Deployment\] error pod\/duplicate-volume Deployment\/shop\/api spec\.template\.spec\.volumes\[\d+\]\.name: found the volume name "app-tmp"/)]);
});
