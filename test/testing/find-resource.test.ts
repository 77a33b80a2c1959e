// findResource / findResources: objects by kind and name, with errors that list what exists.
import { ResilientMicroservice } from '../../lib';
import { findResource, findResources } from '../../lib/testing';
import { testPlatform } from '../support/objects';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const cm = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace, name } });

describe('findResource', () => {
  test('given a chart, finds the one object of a kind and name', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    const deployment = findResource(platform, 'Deployment', 'orders');
    expect(deployment.metadata.namespace).toBe('shop');
    expect(deployment.spec.template.spec.containers[0].image).toBe('shop/orders:1.2.0');
  });

  test('fails listing the objects when there is none', () => {
    expect(() => findResource([ns('shop'), cm('shop', 'a')], 'Deployment', 'orders'))
      .toThrow('findResource: no Deployment/orders; the objects are: Namespace/shop, ConfigMap/shop/a');
    expect(() => findResource([], 'Deployment', 'orders')).toThrow('the objects are: (none)');
  });

  test('fails when a name exists in two namespaces, and takes the namespace to choose', () => {
    const objects = [cm('a', 'settings'), cm('b', 'settings')];
    expect(() => findResource(objects, 'ConfigMap', 'settings'))
      .toThrow('findResource: 2 objects are ConfigMap/settings (ConfigMap/a/settings, ConfigMap/b/settings); pass the namespace');
    expect(findResource(objects, 'ConfigMap', 'settings', 'b')).toBe(objects[1]);
    expect(() => findResource(objects, 'ConfigMap', 'settings', 'c')).toThrow('no ConfigMap/c/settings');
  });
});

describe('findResources', () => {
  test('every object of a kind, or of a kind and name', () => {
    const objects = [ns('shop'), cm('a', 'x'), cm('a', 'y')];
    expect(findResources(objects, 'ConfigMap').map((o) => o.metadata.name)).toEqual(['x', 'y']);
    expect(findResources(objects, 'ConfigMap', 'y')).toEqual([objects[2]]);
    expect(findResources(objects, 'Secret')).toEqual([]);
  });
});
