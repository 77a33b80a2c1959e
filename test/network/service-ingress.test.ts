// ServiceIngress: a microservice's own Ingress with TLS, and the ingress controller allowed in.
import { ResilientMicroservice } from '../../lib';
import { findObject, synth, testPlatform } from '../support/objects';

describe('ResilientMicroservice ingress', () => {
  test('an Ingress to the Service with TLS, and ingress from the controller namespace on the port', () => {
    // given
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', ingress: { host: 'shop.example.com', path: '/orders' } });
    // when
    const objects = synth(platform);
    // then
    const ingress = findObject(objects, 'Ingress', 'orders');
    expect(ingress.spec).toEqual({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['shop.example.com'], secretName: 'orders-tls' }],
      rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/orders', pathType: 'Prefix', backend: { service: { name: 'orders', port: { name: 'http' } } } }] } }],
    });
    const policy = findObject(objects, 'NetworkPolicy', 'orders');
    expect(policy.spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      ports: [{ port: 8080, protocol: 'TCP' }],
    });
  });

  test.each([
    [{ host: 'Shop_Example' }, /^\[shop\/orders\] ingress\.host \("Shop_Example"\) must be a DNS-1123 subdomain/],
    [{ host: 'shop.example.com', path: 'orders' }, /^\[shop\/orders\] ingress\.path \("orders"\) must be an absolute URL path/],
  ])('error for %j', (ingress, message) => {
    const { platform } = testPlatform();
    expect(() => new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', ingress })).toThrow(message);
  });
});
