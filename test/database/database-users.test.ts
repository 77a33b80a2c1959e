// The users a database gives: one per client, reserved names refused, the clients volume in Secret name order.
import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { DatabaseEngine } from '../../lib';
import { DatabaseClients, serviceUsers } from '../../lib/database/database-users';

function clientsOf(): DatabaseClients {
  return new DatabaseClients(new Construct(Testing.chart(), 'db'), DatabaseEngine.postgres(), 'orders-db');
}

describe('DatabaseClients', () => {
  test('gives each client one user and Secret, the same on every connection, the volume sorted by Secret', () => {
    const clients = clientsOf();
    const billing = clients.register('billing-service');
    clients.register('api');
    expect(clients.register('billing-service')).toBe(billing);
    expect(billing).toEqual({ workloadName: 'billing-service', user: 'billing_service', secretName: 'orders-db-billing-service-credentials', passwordKey: 'password' });
    expect(clients.all.map((c) => c.workloadName)).toEqual(['billing-service', 'api']);
    expect(clients.volumeSources.map((s) => s.secret!.name)).toEqual(['orders-db-api-credentials', 'orders-db-billing-service-credentials']);
    expect(clients.volumeSources[0].secret).toEqual({ name: 'orders-db-api-credentials', optional: true, items: [{ key: 'password', path: 'api/password' }] });
  });

  test('refuses the users reserved for the exporter and the backup job, and two clients of one user', () => {
    const clients = clientsOf();
    expect(() => clients.register('metrics')).toThrow(/reserved for the database's metrics exporter/);
    expect(() => clients.register('backup')).toThrow(/reserved for the database's backup job/);
    clients.register('a-b');
    expect(() => clients.register('a_b')).toThrow(/which another client of this database already has/);
  });
});

test('service users exist only for the purposes that are on', () => {
  const scope = new Construct(Testing.chart(), 'db');
  expect(serviceUsers(scope, 'orders-db', true, false)).toEqual({ metrics: { user: 'metrics', secretName: 'orders-db-metrics-credentials', passwordKey: 'password' } });
  expect(Object.keys(serviceUsers(scope, 'orders-db', true, true))).toEqual(['metrics', 'backup']);
  expect(serviceUsers(scope, 'orders-db', false, false)).toEqual({});
});
