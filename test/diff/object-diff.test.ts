// diffObjects: field-level changes with readable paths; Secret values never shown.
import { diffObjects, HIDDEN_VALUE } from '../../lib/diff';
import { deployment } from './fixtures';

describe('diffObjects', () => {
  test('no change between equal objects', () => {
    expect(diffObjects(deployment(), deployment())).toEqual([]);
  });

  test('a changed scalar, with list items addressed by name', () => {
    expect(diffObjects(deployment(), deployment({ replicas: 3, image: 'web:1.1.0' }))).toEqual([
      { path: 'spec.replicas', change: 'changed', before: 2, after: 3 },
      { path: 'spec.template.spec.containers[name=app].image', change: 'changed', before: 'web:1.0.0', after: 'web:1.1.0' },
    ]);
  });

  test('added and removed keys; keys that are not identifiers are bracketed', () => {
    const before = { kind: 'X', metadata: { labels: { 'app.kubernetes.io/name': 'a', old: 'x' } } };
    const after = { kind: 'X', metadata: { labels: { 'app.kubernetes.io/name': 'b' }, annotations: { a: '1' } } };
    expect(diffObjects(before, after)).toEqual([
      { path: 'metadata.annotations', change: 'added', after: { a: '1' } },
      { path: 'metadata.labels["app.kubernetes.io/name"]', change: 'changed', before: 'a', after: 'b' },
      { path: 'metadata.labels.old', change: 'removed', before: 'x' },
    ]);
  });

  test('named list items added and removed by name', () => {
    const before = { kind: 'X', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] };
    const after = { kind: 'X', env: [{ name: 'A', value: '1' }, { name: 'C', value: '3' }] };
    expect(diffObjects(before, after)).toEqual([
      { path: 'env[name=B]', change: 'removed', before: { name: 'B', value: '2' } },
      { path: 'env[name=C]', change: 'added', after: { name: 'C', value: '3' } },
    ]);
  });

  test('a reorder of named items and unnamed lists compare by index', () => {
    const before = { kind: 'X', env: [{ name: 'A' }, { name: 'B' }], args: ['--a', '--b'] };
    const after = { kind: 'X', env: [{ name: 'B' }, { name: 'A' }], args: ['--a', '--c', '--d'] };
    expect(diffObjects(before, after).map((c) => `${c.change} ${c.path}`)).toEqual([
      'changed args[1]', 'added args[2]', 'changed env[0].name', 'changed env[1].name',
    ]);
  });

  test('hides the values of a Secret, keeping its keys', () => {
    const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
    expect(diffObjects(secret({ password: 'b2xk' }), secret({ password: 'bmV3', 'token.txt': 'dA==' }))).toEqual([
      { path: 'data.password', change: 'changed', before: HIDDEN_VALUE, after: HIDDEN_VALUE },
      { path: 'data["token.txt"]', change: 'added', after: HIDDEN_VALUE },
    ]);
    expect(diffObjects({ kind: 'Secret' }, { kind: 'Secret', stringData: { a: 'plain' } }))
      .toEqual([{ path: 'stringData', change: 'added', after: { a: HIDDEN_VALUE } }]);
  });
});
