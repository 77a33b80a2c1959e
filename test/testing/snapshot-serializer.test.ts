// The YAML snapshot serializer: readable, sorted, Secret values and cluster-set fields masked.
import { Testing } from 'cdk8s';
import { ResilientMicroservice } from '../../lib';
import { createYamlSnapshotSerializer, MASK, yamlSnapshotSerializer } from '../../lib/testing';
import { testPlatform } from '../support/objects';

const secret = {
  kind: 'Secret', apiVersion: 'v1',
  metadata: { name: 'db', creationTimestamp: '2024-01-01T00:00:00Z', uid: 'abc', resourceVersion: '42' },
  data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' },
};

describe('yamlSnapshotSerializer', () => {
  test('recognises charts, apps, manifest objects and arrays of them, nothing else', () => {
    const { app, platform } = testPlatform();
    expect(yamlSnapshotSerializer.test(platform)).toBe(true);
    expect(yamlSnapshotSerializer.test(app)).toBe(true);
    expect(yamlSnapshotSerializer.test(secret)).toBe(true);
    expect(yamlSnapshotSerializer.test([secret])).toBe(true);
    expect(yamlSnapshotSerializer.test([])).toBe(false);
    expect(yamlSnapshotSerializer.test({ kind: 'Secret' })).toBe(false);
    expect(yamlSnapshotSerializer.test('apiVersion: v1')).toBe(false);
  });

  test('prints YAML with sorted keys, Secret values and cluster-set fields masked', () => {
    expect(yamlSnapshotSerializer.serialize(secret)).toBe([
      'apiVersion: v1',
      'data:',
      `  password: ${MASK}`,
      'kind: Secret',
      'metadata:',
      `  creationTimestamp: ${MASK}`,
      '  name: db',
      `  resourceVersion: ${MASK}`,
      `  uid: ${MASK}`,
      'stringData:',
      `  user: ${MASK}`,
    ].join('\n'));
  });

  test('does not change the object it prints', () => {
    yamlSnapshotSerializer.serialize(secret);
    expect(secret.data.password).toBe('c2VjcmV0');
  });

  test('a chart prints as the documents cdk8s synth writes, in apply order', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    const text = yamlSnapshotSerializer.serialize(platform);
    const kinds = [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds[0]).toBe('Namespace');
    expect(kinds).toHaveLength(Testing.synth(platform).length);
    expect(text.split('\n---\n')).toHaveLength(kinds.length);
  });

  test('masks further paths, with * for any key or index', () => {
    const serializer = createYamlSnapshotSerializer({ maskedPaths: [['spec', 'containers', '*', 'image']] });
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x:1' }] } };
    expect(serializer.serialize(pod)).toContain(`  containers:\n    - image: ${MASK}\n      name: a`);
  });

  test('a snapshot reads as YAML (fixed objects, so kit changes do not churn it)', () => {
    expect.addSnapshotSerializer(yamlSnapshotSerializer);
    const namespace = { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'shop', labels: { team: 'a' } } };
    expect([namespace, secret]).toMatchSnapshot();
  });
});
