// The writer thread and the calling thread write the same bytes, for apps at the edges of what the thread handles.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, synthesize, Validation } from '../../lib';
import { BackgroundYamlWriter } from '../../lib/synthesis/background-yaml-writer';
import { fileTree } from '../support/file-tree';

function configMap(scope: Chart, id: string, data: Record<string, string>, namespace?: string): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, namespace }, data });
}

const APPS: [string, () => App][] = [
  ['a chart without objects beside one with a single object', () => {
    const app = Testing.app();
    new Chart(app, 'empty');
    configMap(new Chart(app, 'single'), 'only', { a: 'b' });
    return app;
  }],
  ['names that sort differently by code point and by locale, and look-alike, unicode and very long values', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'odd');
    // Keys are ASCII (the API server refuses others: api/config-key); unicode sorts in the values.
    const names = ['b', 'B', 'a-1', 'a', 'a.b', 'z', 'aa', 'A_b', 'ab-2', 'ch', 'c', 'y', 'i'];
    names.forEach((name, i) => configMap(chart, `cm-${i}`, { [name]: `${name} å`, on: 'on', octal: '0755', text: 'ÆØÅ ž ✓ 😀\nline two', big: 'x'.repeat(300_000 + i) }));
    return app;
  }],
  ['several charts of more objects than a chunk, interleaved by kind, in namespaces and cluster-wide', () => {
    const app = Testing.app();
    Validation.of(app).declareKind('example.com/v1', 'Widget');
    for (const id of ['one', 'two']) {
      const chart = new Chart(app, id);
      for (let i = 0; i < 300; i++) configMap(chart, `${id}-${String(i).padStart(3, '0')}`, { i: String(i) }, i % 2 ? 'ns-b' : 'ns-a');
      new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `${id}-ns` } });
      new ApiObject(chart, 'widget', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `${id}-w` } });
    }
    return app;
  }],
  ['a chart nested in a chart, and platforms of one name in two environments', () => {
    const app = Testing.app();
    const outer = new Chart(app, 'outer');
    configMap(outer, 'outer-cm', { a: '1' });
    configMap(new Chart(outer, 'inner'), 'inner-cm', { a: '2' });
    for (const environment of [Environment.STAGING, Environment.PRODUCTION]) {
      const platform = new Platform(app, `shop-${environment.name}`, { name: 'shop', environment });
      new ResilientMicroservice(platform, 'api', { image: 'registry.example.com/shop/api:1.0.0' });
    }
    return app;
  }],
  ['a JSON patch that renames an object to the front of the apply order', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'moved');
    for (let i = 0; i < 5; i++) configMap(chart, `m-${i}`, { i: String(i) });
    (chart.node.findChild('m-4') as ApiObject).addJsonPatch(JsonPatch.replace('/metadata/name', 'a-first'));
    return app;
  }],
];

let parent: string;
beforeEach(() => { parent = mkdtempSync(join(tmpdir(), 'writer-parity-')); });
afterEach(() => {
  jest.restoreAllMocks();
  rmSync(parent, { recursive: true, force: true });
});

test.each(APPS)('the same bytes with and without the writer thread: %s', (title, build) => {
  // given the thread's work is observed
  const finish = jest.spyOn(BackgroundYamlWriter.prototype, 'finish');
  // when the same app is synthesized with the thread and on the calling thread
  synthesize(build(), { outdir: join(parent, 'thread'), warn: () => undefined, writerThread: true });
  synthesize(build(), { outdir: join(parent, 'caller'), warn: () => undefined, writerThread: false });
  // then the thread wrote the first (unless a patch moved an object, when the calling thread takes over)
  const moved = title.includes('JSON patch');
  expect(finish.mock.results.map((r) => r.value)).toEqual(moved ? [] : [true]);
  // and both outputs are byte for byte the same
  const files = fileTree(join(parent, 'thread'));
  expect(Object.keys(files).length).toBeGreaterThan(0);
  expect(files).toEqual(fileTree(join(parent, 'caller')));
});

describe('whether the thread is used by default', () => {
  test.each([
    ['not for a small app (79 objects: starting it would cost more than it saves)', 1, 0],
    // 9 objects of the platform and 6 of each service
    ['not for an app of 2997 objects (498 services)', 498, 0],
    ['for an app of 3003 objects (499 services): from 3000 on, it saves more than it costs', 499, 1],
  ])('%s', (_title, services, threads) => {
    const start = jest.spyOn(BackgroundYamlWriter, 'start');
    const app = Testing.app();
    const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION });
    for (let i = 0; i < services; i++) new ResilientMicroservice(platform, `svc-${i}`, { image: `registry.example.com/shop/svc-${i}:1.0.0` });
    synthesize(app, { outdir: join(parent, 'out'), warn: () => undefined });
    expect(start).toHaveBeenCalledTimes(threads);
  });
});
