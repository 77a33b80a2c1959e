// PriorityClasses by tier: the Platform emits (or expects) them, every pod names the one of its kind.
import { ApiGateway, DatabaseEngine, PlatformProps, PriorityClassProvision, ResilientMicroservice, ScheduledJob, StatefulDatabase } from '../lib';
import { synthesizeCharts } from '../lib/synthesis';
import { findObject, objectsOfKind, podSpecOf, synth, testPlatform } from './support/objects';

/** A platform with one workload of every kind (and a database backup). */
function everyKind(props: PlatformProps = {}, overrides: { orders?: string; postgres?: string } = {}) {
  const { app, platform } = testPlatform(props);
  const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', priorityClassName: overrides.orders });
  new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), backup: {}, priorityClassName: overrides.postgres });
  new ApiGateway(platform, 'gateway', { hosts: ['shop.example.com'], routes: [{ path: '/orders/', to: orders }] });
  new ScheduledJob(platform, 'report', { image: 'shop/reports:1.0.0', schedule: '@daily' });
  return { app, platform, objects: synth(platform) };
}

function priorityOf(objects: ReturnType<typeof synth>, kind: string, name: string): string | undefined {
  return podSpecOf(findObject(objects, kind, name)).priorityClassName;
}

describe('PriorityClasses', () => {
  test('the Platform emits four cluster-scoped classes: data > edge > service > batch, batch never preempting', () => {
    const { objects } = everyKind();
    const classes = objectsOfKind(objects, 'PriorityClass');
    expect(classes.map((c) => c.metadata.name)).toEqual(['shop-data', 'shop-edge', 'shop-service', 'shop-batch']);
    const values = classes.map((c) => c.value);
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    expect(new Set(values).size).toBe(4);
    for (const c of classes) {
      expect(c.apiVersion).toBe('scheduling.k8s.io/v1');
      expect(c.metadata.namespace).toBeUndefined();
      expect(c.globalDefault).toBe(false);
      expect(c.metadata.labels).toMatchObject({ 'app.kubernetes.io/part-of': 'shop', 'app.kubernetes.io/component': 'priority-class' });
    }
    expect(findObject(objects, 'PriorityClass', 'shop-batch').preemptionPolicy).toBe('Never');
    expect(findObject(objects, 'PriorityClass', 'shop-service').preemptionPolicy).toBe('PreemptLowerPriority');
    // Below the system classes (2000000000 and up)
    expect(Math.max(...values)).toBeLessThan(1_000_000_000);
  });

  test('every pod names the class of its kind: databases data, the gateway edge, services service, jobs and backups batch', () => {
    const { objects } = everyKind();
    expect(priorityOf(objects, 'StatefulSet', 'postgres')).toBe('shop-data');
    expect(priorityOf(objects, 'Deployment', 'gateway')).toBe('shop-edge');
    expect(priorityOf(objects, 'Deployment', 'orders')).toBe('shop-service');
    expect(priorityOf(objects, 'CronJob', 'report')).toBe('shop-batch');
    expect(priorityOf(objects, 'CronJob', 'postgres-backup')).toBe('shop-batch');
  });

  test('the classes are applied after the Namespace and before any pod that names them', () => {
    const { app } = everyKind();
    const kinds = synthesizeCharts(app)[0].objects.map((o) => o.kind);
    const lastClass = kinds.lastIndexOf('PriorityClass');
    expect(kinds.indexOf('Namespace')).toBeLessThan(kinds.indexOf('PriorityClass'));
    for (const kind of ['Deployment', 'StatefulSet', 'CronJob']) expect(kinds.indexOf(kind)).toBeGreaterThan(lastClass);
  });

  test('a workload may name its own class; a database\'s does not pass to its backup', () => {
    const { objects } = everyKind({}, { orders: 'checkout-critical', postgres: 'system-cluster-critical' });
    expect(priorityOf(objects, 'Deployment', 'orders')).toBe('checkout-critical');
    expect(priorityOf(objects, 'StatefulSet', 'postgres')).toBe('system-cluster-critical');
    expect(priorityOf(objects, 'CronJob', 'postgres-backup')).toBe('shop-batch');
  });

  test('as a prerequisite, no class is emitted and the pods still name them (the platform still validates)', () => {
    const { app, platform, objects } = everyKind({ priorityClasses: 'prerequisite' });
    expect(platform.priorityClassProvision).toBe('prerequisite');
    expect(platform.priorityClasses).toEqual([]);
    expect(objectsOfKind(objects, 'PriorityClass')).toEqual([]);
    expect(priorityOf(objects, 'StatefulSet', 'postgres')).toBe('shop-data');
    expect(() => synthesizeCharts(app)).not.toThrow();
  });

  test('the default provision is emit', () => {
    const { platform } = testPlatform();
    expect(platform.priorityClassProvision).toBe('emit');
    expect(platform.priorityClasses).toHaveLength(4);
  });

  test('refuses an unknown provision, naming the prop and the valid ones', () => {
    expect(() => testPlatform({ priorityClasses: 'sometimes' as PriorityClassProvision }))
      .toThrow(/^\[shop\] priorityClasses \("sometimes"\) must be 'emit' or 'prerequisite'/);
  });

  test('refuses a class name that is no DNS subdomain', () => {
    const { platform } = testPlatform();
    expect(() => new ScheduledJob(platform, 'report', { image: 'shop/reports:1.0.0', schedule: '@daily', priorityClassName: 'Batch_Low' }))
      .toThrow(/^\[shop\/report\] priorityClassName \("Batch_Low"\) must be a DNS-1123 subdomain/);
  });
});
