// ServiceMonitor: per microservice with metrics, opt-in or from the environment, schema-valid.
import { schemaViolation } from '../../lib/validation/schema-models';
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, Release, ResilientMicroservice, ServiceMonitor } from '../../lib';
import { findObject, objectsOfKind, synth, testPlatform } from '../support/objects';

describe('ServiceMonitor of a ResilientMicroservice', () => {
  test('selects the service\'s Services by their labels and scrapes the named metrics port', () => {
    // given
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090, path: '/prom' } });
    // when
    const objects = synth(platform);
    // then
    const monitor = findObject(objects, 'ServiceMonitor', 'orders');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.spec).toEqual({
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders', 'app.kubernetes.io/component': 'backend' } },
      endpoints: [{ port: 'metrics', path: '/prom', interval: '30s', scheme: 'http' }],
    });
    const service = findObject(objects, 'Service', 'orders');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain('metrics');
    expect(schemaViolation(monitor as any)).toBeUndefined();
  });

  test('blue/green: the preview Service carries the same labels, so both colours are scraped under one job', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', {
      image: 'shop/orders:1.2.0', metrics: { port: 9090 },
      release: Release.blueGreen({ active: 'blue', green: { image: 'shop/orders:1.3.0' } }),
    });
    const objects = synth(platform);
    const selector = findObject(objects, 'ServiceMonitor', 'orders').spec.selector.matchLabels;
    expect(findObject(objects, 'Service', 'orders-preview').metadata.labels).toMatchObject(selector);
  });

  test('follows the environment by default: none in development, on when the service asks', () => {
    const { platform } = testPlatform({ environment: Environment.DEVELOPMENT });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', metrics: { port: 9090 } });
    const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', metrics: { port: 9090, serviceMonitor: true } });
    const objects = synth(platform);
    expect(objectsOfKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['users']);
    expect(users.serviceMonitor?.httpMetrics).toBe(true);
  });

  test('none without a metrics port, and none when the service opts out', () => {
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', metrics: { port: 9090, serviceMonitor: false } });
    expect(objectsOfKind(synth(platform), 'ServiceMonitor')).toHaveLength(0);
  });

  test('ServiceMonitor.ifEnabled gives any construct its own monitor, with labels for the Prometheus selector', () => {
    // given a construct that is not a microservice (a database, a gateway)
    const { platform } = testPlatform();
    const database = new Construct(platform, 'postgres');
    // when
    const monitor = ServiceMonitor.ifEnabled(database, {
      workloadName: 'postgres', serviceSelector: { 'app.kubernetes.io/name': 'postgres' }, labels: { 'app.kubernetes.io/name': 'postgres' },
      portName: 'exporter', interval: Duration.seconds(15), extraLabels: { release: 'kube-prometheus-stack' },
    });
    // then
    expect(monitor?.node.path).toBe('shop/postgres/ServiceMonitor');
    const object = findObject(synth(platform), 'ServiceMonitor', 'postgres');
    expect(object.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'postgres', 'release': 'kube-prometheus-stack',
      'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/managed-by': 'cdk8s-patterns', 'environment': 'production',
    });
    expect(object.spec.endpoints).toEqual([{ port: 'exporter', path: '/metrics', interval: '15s', scheme: 'http' }]);
    expect(ServiceMonitor.ifEnabled(database, { enabled: false, workloadName: 'x', serviceSelector: {}, labels: {} })).toBeUndefined();
  });

  test.each([
    [{ path: 'metrics' }, /^\[shop\/orders\] metrics\.path \("metrics"\) must be an absolute URL path/],
    [{ portName: 'Metrics_Port' }, /^\[shop\/orders\] metrics\.portName \("Metrics_Port"\) must be an IANA service name/],
    [{ interval: Duration.millis(500) }, /^\[shop\/orders\] metrics\.interval \("0\.5s"\) must be a whole number of seconds/],
  ])('error for %j', (options, message) => {
    const { platform } = testPlatform();
    const scope = new Construct(platform, 'orders');
    expect(() => new ServiceMonitor(scope, 'ServiceMonitor', { workloadName: 'orders', serviceSelector: {}, labels: {}, ...options }))
      .toThrow(message);
  });
});
