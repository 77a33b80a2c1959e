// ManagedDatabase: a cloud database as a connectTo peer with StatefulDatabase's env and Secret contract.
import { ClusterNetwork, DatabaseCredentials, DatabaseEngine, ManagedDatabase, PlatformSecret, ResilientMicroservice, SecretSource, StatefulDatabase } from '../../lib';
import { validateApp } from '../../lib/synthesis';
import { findObject, synth, testPlatform } from '../support/objects';

const RDS = { name: 'orders-rds', host: 'orders.abc123.eu-west-1.rds.amazonaws.com', cidrs: ['10.20.0.0/22'], credentialsSecret: 'orders-rds-credentials', databaseName: 'orders' };
const envNames = (env: any[]) => env.map((e) => e.name);

describe('ManagedDatabase', () => {
  test('PostgreSQL: the same env names as a StatefulDatabase (plus sslmode), the Secret referenced, egress to its subnet on 5432 only', () => {
    // given a cluster whose own ranges are declared, so the VPC subnet is reachable
    const { app, platform } = testPlatform({ clusterNetwork: ClusterNetwork.of({ internalCidrs: ['10.0.0.0/14', '172.20.0.0/16'] }) });
    const orders = new ResilientMicroservice(platform, 'orders', { image: 'registry.example.com/orders:1.0.0' });
    const local = new ResilientMicroservice(platform, 'local', { image: 'registry.example.com/local:1.0.0' });
    const pg = new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'orders' }), storage: '1Gi',
      credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'),
    });
    new PlatformSecret(platform, 'orders-rds-credentials', { source: SecretSource.existing() });
    // when
    const managedEnv = orders.connectTo(ManagedDatabase.postgres(RDS));
    const localEnv = local.connectTo(pg);
    const objects = synth(platform);
    // then
    expect(envNames(managedEnv)).toEqual([...envNames(localEnv).filter((n) => !n.includes('READ')), 'DATABASE_SSLMODE']);
    expect(managedEnv).toContainEqual({ name: 'DATABASE_HOST', value: RDS.host });
    expect(managedEnv).toContainEqual({ name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-rds-credentials', key: 'password' } } });
    expect(findObject(objects, 'NetworkPolicy', 'orders').spec.egress).toContainEqual({
      to: [{ ipBlock: { cidr: '10.20.0.0/22' } }], ports: [{ port: 5432, protocol: 'TCP' }],
    });
    expect(() => validateApp(app)).not.toThrow();
  });

  test('Redis: REDIS_HOST/PORT/PASSWORD on 6379; in a private range without declared cluster ranges it is refused', () => {
    const { platform } = testPlatform({ clusterNetwork: ClusterNetwork.of({ internalCidrs: ['10.0.0.0/14'] }) });
    const cart = new ResilientMicroservice(platform, 'cart', { image: 'registry.example.com/cart:1.0.0' });
    const env = cart.connectTo(ManagedDatabase.redis({ name: 'cache', host: 'cache.example.internal', cidrs: ['10.30.0.0/24'], credentialsSecret: 'cache-credentials' }), { envPrefix: 'CACHE_' });
    expect(envNames(env)).toEqual(['CACHE_REDIS_HOST', 'CACHE_REDIS_PORT', 'CACHE_REDIS_PASSWORD']);
    const { platform: defaults } = testPlatform();
    const other = new ResilientMicroservice(defaults, 'orders', { image: 'registry.example.com/orders:1.0.0' });
    expect(() => other.connectTo(ManagedDatabase.postgres(RDS))).toThrow('is within the cluster\'s range 10.0.0.0/8');
  });

  test('bad input is refused with what is valid', () => {
    expect(() => ManagedDatabase.postgres({ ...RDS, databaseName: 'orders-db' })).toThrow('[ManagedDatabase.postgres] databaseName ("orders-db") must be a PostgreSQL identifier');
    expect(() => ManagedDatabase.postgres({ ...RDS, host: 'postgres://x' })).toThrow('host ("postgres://x") must be a DNS-1123 subdomain');
    expect(() => ManagedDatabase.postgres({ ...RDS, keys: { password: 'pw' } })).toThrow('must name the key that holds the username');
    expect(() => ManagedDatabase.redis({ ...RDS, port: 70000 })).toThrow('[ManagedDatabase.redis] ports (70000) must be an integer from 1 to 65535');
    expect(() => ManagedDatabase.redis({ ...RDS, cidrs: [] })).toThrow('cidrs ([]) must list the destination\'s address blocks');
  });
});
