// StatefulDatabase: every object and default asserted on the synthesized output, client wiring, and bad input.
/* eslint-disable @typescript-eslint/no-require-imports */
import { Duration, Size } from 'cdk8s';
import { DatabaseCredentials, DatabaseEngine, Environment, IDatabaseEngine, ResilientMicroservice, StatefulDatabase, StatefulDatabaseProps } from '../lib';
import { WiringGraph } from '../lib/network/wiring-graph';
import { toYaml } from '../lib/synthesis';
import { validateObjects } from '../lib/validation';
import { Validation } from '../lib/validation/rule';
import { schemaError } from './support/schema';
import { findObject, K8sObject, objectsOfKind, podSpecOf, synth, testPlatform } from './support/objects';

function postgresOnly(props: Partial<StatefulDatabaseProps> = {}, environment = Environment.PRODUCTION) {
  const { platform } = testPlatform({ environment });
  const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), ...props });
  return { platform, db, objects: synth(platform) };
}

function container(objects: K8sObject[], name: string, containerName: string): K8sObject {
  const spec = podSpecOf(findObject(objects, 'StatefulSet', name));
  return [...spec.containers, ...(spec.initContainers ?? [])].find((c: K8sObject) => c.name === containerName);
}

function envOf(c: K8sObject): Record<string, K8sObject> {
  return Object.fromEntries((c.env ?? []).map((e: K8sObject) => [e.name, e]));
}

describe('StatefulDatabase defaults', () => {
  test('a StatefulSet named after the database, with the headless Service as serviceName', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const sts = findObject(objects, 'StatefulSet', 'postgres');
    expect(sts.spec.serviceName).toBe('postgres-headless');
    expect(sts.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' });
    expect(sts.spec.podManagementPolicy).toBe('OrderedReady');
    expect(sts.metadata.labels['app.kubernetes.io/component']).toBe('postgresql');
    expect(sts.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('16.4');
    expect(podSpecOf(sts).containers[0].image).toBe('postgres:16.4');
  });

  test('replicas come from the environment: 2 in production, 1 in development', () => {
    expect(findObject(postgresOnly().objects, 'StatefulSet', 'postgres').spec.replicas).toBe(2);
    expect(findObject(postgresOnly({}, Environment.DEVELOPMENT).objects, 'StatefulSet', 'postgres').spec.replicas).toBe(1);
  });

  test('a 10Gi ReadWriteOnce claim template per replica, kept on delete and scale-down', () => {
    // when
    const { objects, db } = postgresOnly();
    // then
    const sts = findObject(objects, 'StatefulSet', 'postgres');
    expect(sts.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } },
    }]);
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Retain' });
    expect(container(objects, 'postgres', 'database').volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(db.storageBytes).toBe(10 * 1024 ** 3);
  });

  test('storage, class, access mode and retention are props', () => {
    // when
    const { objects } = postgresOnly({
      storage: Size.gibibytes(50), storageClassName: 'fast-ssd', accessMode: 'ReadWriteOncePod', claimRetention: { whenScaled: 'Delete' },
    });
    // then
    const sts = findObject(objects, 'StatefulSet', 'postgres');
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOncePod'], storageClassName: 'fast-ssd', resources: { requests: { storage: '50Gi' } },
    });
    expect(sts.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: 'Retain', whenScaled: 'Delete' });
  });

  test('a headless Service that publishes not-ready pods, and a client Service, both on the engine port only', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const headless = findObject(objects, 'Service', 'postgres-headless');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.publishNotReadyAddresses).toBe(true);
    const client = findObject(objects, 'Service', 'postgres');
    expect(client.spec.type).toBe('ClusterIP');
    for (const svc of [headless, client]) {
      expect(svc.spec.ports).toEqual([{ name: 'postgresql', port: 5432, targetPort: 'postgresql', protocol: 'TCP' }]);
      expect(svc.spec.selector).toEqual(findObject(objects, 'StatefulSet', 'postgres').spec.selector.matchLabels);
    }
  });

  test('pods meet PSS restricted with the platform uid; PGDATA is a subdirectory of the volume; the image\'s writable dirs are emptyDirs', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'postgres'));
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    const db = container(objects, 'postgres', 'database');
    expect(db.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(envOf(db).PGDATA.value).toBe('/var/lib/postgresql/data/pgdata');
    const mounts = db.volumeMounts.map((m: K8sObject) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/run/postgresql', '/tmp', '/etc/postgresql']));
    const emptyDirs = spec.volumes.filter((v: K8sObject) => v.emptyDir).map((v: K8sObject) => v.name);
    expect(emptyDirs).toEqual(expect.arrayContaining(['database-var-run-postgresql', 'database-tmp']));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe(findObject(objects, 'ServiceAccount', 'postgres').metadata.name);
  });

  test('runAsUser can be the image\'s own uid', () => {
    const { objects } = postgresOnly({ runAsUser: DatabaseEngine.postgres().imageUid });
    expect(podSpecOf(findObject(objects, 'StatefulSet', 'postgres')).securityContext).toMatchObject({ runAsUser: 999, fsGroup: 999 });
  });

  test('60 s to shut down cleanly, overridable', () => {
    expect(podSpecOf(findObject(postgresOnly().objects, 'StatefulSet', 'postgres')).terminationGracePeriodSeconds).toBe(60);
    const { objects } = postgresOnly({ terminationGracePeriod: Duration.minutes(3) });
    expect(podSpecOf(findObject(objects, 'StatefulSet', 'postgres')).terminationGracePeriodSeconds).toBe(180);
  });

  test('the config file comes from the ConfigMap, used on the command line, with its hash on the pod', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const configMap = findObject(objects, 'ConfigMap', 'postgres-config');
    expect(Object.keys(configMap.data).sort()).toEqual(['client-roles.sh', 'pg_hba.conf', 'postgresql.conf']);
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'postgres'));
    expect(spec.volumes).toContainEqual({ name: 'config', configMap: { name: 'postgres-config' } });
    const command = container(objects, 'postgres', 'database').command;
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(command[2]).toContain('docker-entrypoint.sh postgres -c config_file=/etc/postgresql/postgresql.conf &');
    expect(command[2]).toContain('sh /etc/postgresql/client-roles.sh &');
    expect(configMap.data['postgresql.conf']).toContain("hba_file = '/etc/postgresql/pg_hba.conf'");
  });

  test('a change of settings changes the config hash, so pods roll', () => {
    const hash = (maxConnections: number) => findObject(
      postgresOnly({ engine: DatabaseEngine.postgres({ maxConnections }) }).objects, 'StatefulSet', 'postgres',
    ).spec.template.metadata.annotations['cdk8s-patterns.io/config-hash'];
    expect(hash(100)).toMatch(/^[0-9a-f]{16}$/);
    expect(hash(100)).toBe(hash(100));
    expect(hash(200)).not.toBe(hash(100));
  });

  test('engine probes: pg_isready for startup and readiness, a TCP check for liveness', () => {
    // when
    const db = container(postgresOnly().objects, 'postgres', 'database');
    // then
    expect(db.readinessProbe.exec.command).toEqual(['sh', '-c', 'pg_isready -q -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER"']);
    expect(db.startupProbe.exec.command).toEqual(db.readinessProbe.exec.command);
    expect(db.startupProbe.failureThreshold * db.startupProbe.periodSeconds).toBe(600);
    expect(db.livenessProbe.tcpSocket).toEqual({ port: 'postgresql' });
    expect(db.livenessProbe).not.toEqual(db.readinessProbe);
  });

  test('a PDB allowing one eviction and evicting unhealthy pods, also with a single replica', () => {
    for (const environment of [Environment.PRODUCTION, Environment.DEVELOPMENT]) {
      const pdb = findObject(postgresOnly({}, environment).objects, 'PodDisruptionBudget', 'postgres');
      expect(pdb.spec).toEqual({
        maxUnavailable: 1,
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
        selector: { matchLabels: { 'app.kubernetes.io/instance': 'postgres' } },
      });
    }
  });

  test('replicas are spread over zones and nodes only when there are several', () => {
    const spread = podSpecOf(findObject(postgresOnly({ replicas: 3 }).objects, 'StatefulSet', 'postgres'));
    expect(spread.topologySpreadConstraints.map((t: K8sObject) => t.topologyKey)).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(spread.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels)
      .toEqual({ 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' });
    const single = podSpecOf(findObject(postgresOnly({ replicas: 1 }).objects, 'StatefulSet', 'postgres'));
    expect(single.topologySpreadConstraints).toBeUndefined();
    expect(single.affinity).toBeUndefined();
  });

  test('credentials default to the existing Secret <name>-credentials with keys username and password', () => {
    // when
    const env = envOf(container(postgresOnly().objects, 'postgres', 'database'));
    // then
    expect(env.POSTGRES_USER.valueFrom).toEqual({ secretKeyRef: { name: 'postgres-credentials', key: 'username' } });
    expect(env.POSTGRES_PASSWORD.valueFrom).toEqual({ secretKeyRef: { name: 'postgres-credentials', key: 'password' } });
    expect(env.POSTGRES_DB.value).toBe('app');
  });

  test('resources are the engine\'s, scaled by the environment', () => {
    const prod = container(postgresOnly().objects, 'postgres', 'database').resources;
    expect(prod.requests).toEqual({ 'cpu': '250m', 'memory': '512Mi', 'ephemeral-storage': '256Mi' });
    const dev = container(postgresOnly({}, Environment.DEVELOPMENT).objects, 'postgres', 'database').resources;
    expect(dev.requests.memory).toBe('256Mi');
  });
});

describe('StatefulDatabase replication', () => {
  test('with several replicas, clients write to pod 0 and new replicas clone it', () => {
    // when
    const { db, objects } = postgresOnly({ replicas: 2 });
    // then
    expect(db.host).toBe('postgres-0.postgres-headless.shop.svc.cluster.local');
    expect(db.readHost).toBe('postgres-read.shop.svc.cluster.local');
    const clone = container(objects, 'postgres', 'clone-primary');
    expect(clone.command[2]).toContain('pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"');
    expect(clone.command[2]).toContain('--create-slot --slot="$slot"');
    expect(envOf(clone).PRIMARY_HOST.value).toBe(db.host);
    expect(envOf(clone).PRIMARY_PORT.value).toBe('5432');
    expect(clone.volumeMounts).toContainEqual({ name: 'data', mountPath: '/var/lib/postgresql/data' });
    expect(findObject(objects, 'ConfigMap', 'postgres-config').data['pg_hba.conf']).toMatch(/host\s+replication\s+all\s+all\s+scram-sha-256/);
  });

  test('with several replicas, a <name>-read Service over every pod is the read endpoint, given to clients as DATABASE_READ_HOST', () => {
    // given
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 3 });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(db);
    // when
    const objects = synth(platform);
    // then
    const read = findObject(objects, 'Service', 'postgres-read');
    expect(read.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' },
      ports: [{ name: 'postgresql', port: 5432, targetPort: 'postgresql', protocol: 'TCP' }],
    });
    expect(db.readService).toBeDefined();
    const client = podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0];
    expect(client.env).toContainEqual({ name: 'DATABASE_READ_HOST', value: 'postgres-read.shop.svc.cluster.local' });
    expect(client.env).toContainEqual({ name: 'DATABASE_HOST', value: 'postgres-0.postgres-headless.shop.svc.cluster.local' });
  });

  test('with one replica there is no read Service and no DATABASE_READ_HOST: reads use the client Service', () => {
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 1 });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(db);
    const objects = synth(platform);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).not.toContain('postgres-read');
    expect(db.readService).toBeUndefined();
    expect(db.readHost).toBe('postgres.shop.svc.cluster.local');
    expect(podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0].env.map((e: K8sObject) => e.name)).not.toContain('DATABASE_READ_HOST');
  });

  test('with several replicas, the NetworkPolicy lets the pods reach each other on the engine port', () => {
    const policy = findObject(postgresOnly({ replicas: 2 }).objects, 'NetworkPolicy', 'postgres');
    const self = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' } } };
    expect(policy.spec.ingress).toContainEqual({ from: [self], ports: [{ port: 5432, protocol: 'TCP' }] });
    expect(policy.spec.egress).toContainEqual({ to: [self], ports: [{ port: 5432, protocol: 'TCP' }] });
  });

  test('a single replica has no clone container and clients use the client Service', () => {
    const { db, objects } = postgresOnly({ replicas: 1 });
    expect(db.host).toBe('postgres.shop.svc.cluster.local');
    expect(podSpecOf(findObject(objects, 'StatefulSet', 'postgres')).initContainers).toBeUndefined();
  });

  test('Redis clients get REDIS_READ_HOST, the <name>-read Service, only with replicas', () => {
    // given
    const readHostOf = (replicas: number) => {
      const { platform } = testPlatform();
      const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas });
      new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(cache);
      const objects = synth(platform);
      return {
        env: podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0].env.find((e: K8sObject) => e.name === 'REDIS_READ_HOST'),
        services: objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name),
      };
    };
    // then
    expect(readHostOf(2).env).toEqual({ name: 'REDIS_READ_HOST', value: 'cache-read.shop.svc.cluster.local' });
    expect(readHostOf(2).services).toContain('cache-read');
    expect(readHostOf(1).env).toBeUndefined();
    expect(readHostOf(1).services).not.toContain('cache-read');
  });

  test('Redis replicas start with replicaof pod 0 and the same password', () => {
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas: 3 });
    const redis = container(synth(platform), 'cache', 'database');
    expect(redis.command[2]).toContain('--replicaof "$PRIMARY_HOST" 6379');
    expect(envOf(redis).PRIMARY_HOST.value).toBe('cache-0.cache-headless.shop.svc.cluster.local');
  });
});

describe('StatefulDatabase client wiring', () => {
  function wired(credentials?: DatabaseCredentials, envPrefix?: string) {
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres({ databaseName: 'orders' }), replicas: 1, credentials });
    const orders = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' });
    orders.connectTo(db, { envPrefix });
    return { db, orders, objects: synth(platform) };
  }

  test('connectTo gives the client host, port and name as values, its own role and the password from its own Secret', () => {
    // when
    const { objects } = wired();
    // then
    const env = podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0].env;
    expect(env).toEqual([
      { name: 'DATABASE_HOST', value: 'postgres.shop.svc.cluster.local' },
      { name: 'DATABASE_PORT', value: '5432' },
      { name: 'DATABASE_NAME', value: 'orders' },
      { name: 'DATABASE_USER', value: 'orders' },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'postgres-orders-credentials', key: 'password' } } },
    ]);
  });

  test("the client's Secret is mounted in the database container under its role, optional, and declared external", () => {
    // when: a client whose name has a '-'
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 1 });
    const client = new ResilientMicroservice(platform, 'order-service', { image: 'shop/orders:1.0.0' });
    client.connectTo(db);
    client.connectTo(db, { envPrefix: 'SECOND_' });
    const objects = synth(platform);
    // then: one user for both connections
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'postgres'));
    expect(spec.volumes).toContainEqual({
      name: 'clients',
      projected: { defaultMode: 0o440, sources: [{ secret: { name: 'postgres-order-service-credentials', optional: true, items: [{ key: 'password', path: 'order_service/password' }] } }] },
    });
    expect(container(objects, 'postgres', 'database').volumeMounts).toContainEqual({ name: 'clients', mountPath: '/etc/database-clients', readOnly: true });
    expect(db.clients).toEqual([{ workloadName: 'order-service', user: 'order_service', secretName: 'postgres-order-service-credentials', passwordKey: 'password' }]);
    expect(envOf(podSpecOf(findObject(objects, 'Deployment', 'order-service')).containers[0]).SECOND_DATABASE_USER.value).toBe('order_service');
    expect(Validation.collect(platform).externals.map((e) => e.name)).toContain('postgres-order-service-credentials');
  });

  test('a client never gets the engine credentials, not even the URL of the credentials Secret; a prefix tells connections apart', () => {
    const { objects } = wired(DatabaseCredentials.fromExistingSecret('pg', { keys: { username: 'u', password: 'p', url: 'uri' } }), 'MAIN_');
    const env = podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0].env;
    expect(env.map((e: K8sObject) => e.name)).toEqual(['MAIN_DATABASE_HOST', 'MAIN_DATABASE_PORT', 'MAIN_DATABASE_NAME', 'MAIN_DATABASE_USER', 'MAIN_DATABASE_PASSWORD']);
    expect(JSON.stringify(env)).not.toMatch(/"pg"/);
  });

  test('connectionEnv without the client is refused: each client gets a user of its own', () => {
    const { platform } = testPlatform();
    const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas: 1 });
    expect(() => cache.connectionEnv()).toThrow(/\[shop\/cache\] connectionEnv.client \(undefined\) must be the workload that connects/);
    expect(() => cache.connectionEnv(undefined, cache)).toThrow(/must be another workload than the database itself/);
  });

  test('a client name that is no role name is refused, naming the client', () => {
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 1 });
    expect(() => new ResilientMicroservice(platform, 'pg-admin', { image: 'shop/admin:1.0.0' }).connectTo(db))
      .toThrow(/\[shop\/postgres\] connectTo.client \("pg-admin"\) must give a PostgreSQL role name/);
    expect(() => new ResilientMicroservice(platform, 'postgres-tool', { image: 'shop/tool:1.0.0' }).connectTo(db)).not.toThrow();
  });

  test('Redis clients get REDIS_HOST, REDIS_PORT, their own REDIS_USERNAME and REDIS_PASSWORD from their own Secret', () => {
    const { platform } = testPlatform();
    const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas: 1 });
    const cart = new ResilientMicroservice(platform, 'cart', { image: 'shop/cart:1.0.0' });
    expect(cart.connectTo(cache)).toEqual([
      { name: 'REDIS_HOST', value: 'cache.shop.svc.cluster.local' },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_USERNAME', value: 'cart' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'cache-cart-credentials', key: 'password' } } },
    ]);
  });

  test('both NetworkPolicies allow the flow on the engine port only, and the edge is a database edge', () => {
    // when
    const { db, orders, objects } = wired();
    // then
    const dbPolicy = findObject(objects, 'NetworkPolicy', 'postgres');
    expect(dbPolicy.spec.ingress).toContainEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
    const clientPolicy = findObject(objects, 'NetworkPolicy', 'orders');
    expect(clientPolicy.spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
    expect(WiringGraph.of(db).edgesTo(db).find((e) => e.from === orders)?.kind).toBe('database');
  });

  test('allowFrom lets another peer in on the engine port', () => {
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 1, backup: false });
    const admin = new ResilientMicroservice(platform, 'admin', { image: 'shop/admin:1.0.0' });
    db.allowFrom(admin);
    const ingress = findObject(synth(platform), 'NetworkPolicy', 'postgres').spec.ingress;
    expect(ingress.map((r: K8sObject) => r.from[0].podSelector?.matchLabels?.['app.kubernetes.io/name'])).toContain('admin');
  });
});

describe('StatefulDatabase service users', () => {
  const serviceVolume = (objects: K8sObject[], name: string) =>
    podSpecOf(findObject(objects, 'StatefulSet', name)).volumes.find((v: K8sObject) => v.name === 'service-users');

  test('metrics and backups on: the exporter\'s and the backup job\'s Secrets are mounted, optional, at /etc/database-service-users', () => {
    // when
    const { db, objects } = postgresOnly({ replicas: 1, metrics: true, backup: {} });
    // then
    expect(db.serviceUsers).toEqual([
      { user: 'metrics', secretName: 'postgres-metrics-credentials', passwordKey: 'password' },
      { user: 'backup', secretName: 'postgres-backup-credentials', passwordKey: 'password' },
    ]);
    expect(serviceVolume(objects, 'postgres').projected).toEqual({ defaultMode: 0o440, sources: [
      { secret: { name: 'postgres-metrics-credentials', optional: true, items: [{ key: 'password', path: 'metrics/password' }] } },
      { secret: { name: 'postgres-backup-credentials', optional: true, items: [{ key: 'password', path: 'backup/password' }] } },
    ] });
    expect(container(objects, 'postgres', 'database').volumeMounts)
      .toContainEqual({ name: 'service-users', mountPath: '/etc/database-service-users', readOnly: true });
    expect(Validation.of(db).externals.map((e) => e.name)).toEqual(expect.arrayContaining(['postgres-metrics-credentials', 'postgres-backup-credentials']));
  });

  test('metrics and backups off: no service user, an empty volume', () => {
    // when
    const { db, objects } = postgresOnly({ replicas: 1, metrics: false, backup: false });
    // then
    expect(db.serviceUsers).toEqual([]);
    expect(serviceVolume(objects, 'postgres').projected.sources).toEqual([]);
  });

  test('the roles script makes metrics a pg_monitor member and backup a pg_read_all_data member with BYPASSRLS', () => {
    // when
    const script = findObject(postgresOnly({ replicas: 1 }).objects, 'ConfigMap', 'postgres-config').data['client-roles.sh'];
    // then
    expect(script).toContain('service_role metrics NOBYPASSRLS pg_monitor || failed=1');
    expect(script).toContain('service_role backup BYPASSRLS pg_read_all_data || failed=1');
    expect(script).toContain('ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION :rls INHERIT PASSWORD :\'password\';');
  });

  test('the restore writes as the engine\'s own user, the backup reads as the backup role', () => {
    // when
    const objects = postgresOnly({ replicas: 1, backup: { offsite: {
      bucket: 'b-1', endpoint: 'https://s3.example.com', cidrs: ['192.0.2.0/24'], credentialsSecret: 'keys', encryptionSecret: 'enc',
    } } }).objects;
    // then
    const restore = envOf(podSpecOf(findObject(objects, 'CronJob', 'postgres-restore')).containers[0]);
    expect(restore.PGUSER.valueFrom.secretKeyRef).toEqual({ name: 'postgres-credentials', key: 'username' });
    expect(restore.PGPASSWORD.valueFrom.secretKeyRef).toEqual({ name: 'postgres-credentials', key: 'password' });
    const dump = envOf(podSpecOf(findObject(objects, 'CronJob', 'postgres-backup')).initContainers[0]);
    expect(dump.PGUSER).toEqual({ name: 'PGUSER', value: 'backup' });
  });

  test.each([['metrics', 'metrics exporter'], ['backup', 'backup job']])('a client named %p is refused: the user is the %s\'s', (name, purpose) => {
    const { platform } = testPlatform();
    const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas: 1 });
    expect(() => new ResilientMicroservice(platform, name, { image: 'shop/x:1.0.0' }).connectTo(cache))
      .toThrow(`[shop/cache] connectTo.client ("${name}") gives the user "${name}", which is reserved for the database's ${purpose}: rename the client workload`);
  });
});

describe('StatefulDatabase shared memory', () => {
  test('PostgreSQL pods mount a memory-backed /dev/shm of a quarter of the memory request, in the database container only', () => {
    // given
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 2, metrics: true, resources: { requests: { memory: '2Gi' } } });
    // when
    const spec = podSpecOf(findObject(synth(platform), 'StatefulSet', 'postgres'));
    // then
    expect(spec.volumes).toContainEqual({ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } });
    const mountsOf = (c: K8sObject) => (c.volumeMounts ?? []).filter((m: K8sObject) => m.name === 'shm');
    expect(mountsOf(spec.containers.find((c: K8sObject) => c.name === 'database'))).toEqual([{ name: 'shm', mountPath: '/dev/shm' }]);
    expect([...spec.containers.filter((c: K8sObject) => c.name !== 'database'), ...spec.initContainers].flatMap(mountsOf)).toEqual([]);
  });

  test('the size follows the request after the environment\'s scale, in whole MiB', () => {
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 1, resources: { requests: { memory: '1000Mi' } } });
    const spec = podSpecOf(findObject(synth(platform), 'StatefulSet', 'postgres'));
    const expected = `${Math.floor(db.mainContainer.resources.requests.memoryBytes / 4 / 2 ** 20)}Mi`;
    expect(spec.volumes.find((v: K8sObject) => v.name === 'shm').emptyDir.sizeLimit).toBe(expected);
  });

  test('Redis pods have no /dev/shm volume', () => {
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis(), replicas: 1 });
    const spec = podSpecOf(findObject(synth(platform), 'StatefulSet', 'cache'));
    expect(spec.volumes.map((v: K8sObject) => v.name)).not.toContain('shm');
  });

  test('the pod still passes the uniqueness, reference and schema checks (volume names, mount paths)', () => {
    // given: replicas, metrics and backups, so that every container and volume of the pod is there
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'postgres', { engine: DatabaseEngine.postgres(), replicas: 3, metrics: true, backup: {} });
    // when
    const report = validateObjects(synth(platform).map((object) => ({ object, constructPath: `shop/${object.kind}/${object.metadata.name}` })),
      { externals: ['postgres-credentials', 'postgres-metrics-credentials', 'postgres-backup-credentials'].map((name) => ({ kind: 'Secret', name })) });
    // then
    expect(report.errors).toEqual([]);
  });
});

describe('StatefulDatabase optional parts', () => {
  test('metrics (on in production): exporter sidecar, scrape annotations, ingress from the Prometheus pods of the monitoring namespace', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const exporter = container(objects, 'postgres', 'metrics');
    expect(exporter.image).toBe('quay.io/prometheuscommunity/postgres-exporter:v0.15.0');
    expect(exporter.ports).toEqual([{ name: 'metrics', containerPort: 9187, protocol: 'TCP' }]);
    expect(envOf(exporter).DATA_SOURCE_USER).toEqual({ name: 'DATA_SOURCE_USER', value: 'metrics' });
    expect(envOf(exporter).DATA_SOURCE_PASS.valueFrom.secretKeyRef).toEqual({ name: 'postgres-metrics-credentials', key: 'password', optional: true });
    expect(findObject(objects, 'StatefulSet', 'postgres').spec.template.metadata.annotations).toMatchObject({
      'prometheus.io/scrape': 'true', 'prometheus.io/port': '9187', 'prometheus.io/path': '/metrics',
    });
    expect(findObject(objects, 'NetworkPolicy', 'postgres').spec.ingress).toContainEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
      ports: [{ port: 9187, protocol: 'TCP' }],
    });
  });

  test('metrics: a Service of the exporter\'s own and a ServiceMonitor that selects only it', () => {
    // when
    const { objects } = postgresOnly();
    // then
    const service = findObject(objects, 'Service', 'postgres-metrics');
    expect(service.spec.ports).toEqual([{ name: 'metrics', port: 9187, targetPort: 'metrics', protocol: 'TCP' }]);
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres' });
    const monitor = findObject(objects, 'ServiceMonitor', 'postgres');
    expect(monitor.spec.selector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'postgres', 'cdk8s-patterns.io/metrics': 'true',
    });
    expect(monitor.spec.endpoints[0].port).toBe('metrics');
    expect(findObject(objects, 'Service', 'postgres').metadata.labels['cdk8s-patterns.io/metrics']).toBeUndefined();
  });

  test('metrics and backups are off in development, and props override the environment', () => {
    const dev = postgresOnly({}, Environment.DEVELOPMENT);
    expect(podSpecOf(findObject(dev.objects, 'StatefulSet', 'postgres')).containers.map((c: K8sObject) => c.name)).toEqual(['database']);
    expect(objectsOfKind(dev.objects, 'CronJob')).toEqual([]);
    expect(dev.db.backup).toBeUndefined();
    const forced = postgresOnly({ metrics: true, backup: {} }, Environment.DEVELOPMENT);
    expect(container(forced.objects, 'postgres', 'metrics')).toBeDefined();
    expect(findObject(forced.objects, 'CronJob', 'postgres-backup')).toBeDefined();
    const none = postgresOnly({ metrics: false, backup: false });
    expect(objectsOfKind(none.objects, 'CronJob')).toEqual([]);
    expect(container(none.objects, 'postgres', 'metrics')).toBeUndefined();
  });

  test('footprints: the StatefulSet with storage per replica, and the backup CronJob with its volume', () => {
    // when
    const { platform, db } = postgresOnly({ storage: '20Gi' });
    // then
    const [sts, cron] = platform.workloadFootprints;
    expect(sts).toMatchObject({ workload: db, kind: 'StatefulSet', minReplicas: 2, maxReplicas: 2, surge: 0, storageBytesPerReplica: 20 * 1024 ** 3, claimsPerReplica: 1 });
    expect(sts.containers).toHaveLength(2);
    expect(cron).toMatchObject({ workload: db.backup, kind: 'CronJob', maxReplicas: 1, storageBytesPerReplica: 20 * 1024 ** 3 });
    expect(platform.effectiveQuota().claims).toBe(Math.ceil(3 * 1.25));
  });

  test('escape hatches are the synthesized objects', () => {
    const { db } = postgresOnly();
    expect(db.statefulSet.name).toBe('postgres');
    expect(db.service.name).toBe('postgres');
    expect(db.headlessService.name).toBe('postgres-headless');
    expect(db.pdb.name).toBe('postgres');
    expect(db.configMap.name).toBe('postgres-config');
    expect(db.networkPolicy.apiObject.name).toBe('postgres');
    expect(db.serviceAccount.name).toBe('postgres');
    expect(db.backup?.cronJob.name).toBe('postgres-backup');
    expect(db.backup?.claim.name).toBe('postgres-backup');
  });
});

describe('a Platform with PostgreSQL, Redis and two clients', () => {
  const { platform } = testPlatform();
  const pg = new StatefulDatabase(platform, 'postgres', {
    engine: DatabaseEngine.postgres(),
    credentials: DatabaseCredentials.fromExternalSecret({ secretStoreName: 'vault', remoteKey: 'shop/postgres' }),
  });
  const cache = new StatefulDatabase(platform, 'cache', { engine: DatabaseEngine.redis() });
  for (const name of ['orders', 'catalog']) {
    const service = new ResilientMicroservice(platform, name, { image: `shop/${name}:1.0.0` });
    service.connectTo(pg);
    service.connectTo(cache);
  }
  const objects = synth(platform);

  test('every object validates against the Kubernetes schemas', () => {
    const problems: string[] = [];
    for (const object of objects) {
      const error = schemaError(object);
      if (error) problems.push(error);
    }
    expect(problems).toEqual([]);
  });

  test('no Secret object, and no secret-like env var with a literal value', () => {
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
    const yaml = toYaml(objects);
    expect(yaml).not.toMatch(/stringData|password:\s+\S/i);
    for (const workload of [...objectsOfKind(objects, 'StatefulSet'), ...objectsOfKind(objects, 'Deployment'), ...objectsOfKind(objects, 'CronJob')]) {
      const spec = podSpecOf(workload);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          // A client's user name is the kit's (its workload name), not a secret; its password is.
          const clientUser = /(DATABASE_USER|REDIS_USERNAME)$/.test(e.name) && /^(catalog|orders)$/.test(e.value);
          // So are the exporter's and the backup job's.
          const serviceUser = /^(DATA_SOURCE_USER|PGUSER|REDIS_USER)$/.test(e.name) && /^(metrics|backup)$/.test(e.value);
          if (/PASS|SECRET|TOKEN|AUTH|USER|URL/.test(e.name) && !/HOST/.test(e.name) && !clientUser && !serviceUser) expect({ [e.name]: e.value }).toEqual({ [e.name]: undefined });
        }
      }
    }
  });

  test('every Service selects the pods of one workload and targets a named container port', () => {
    const workloads = [...objectsOfKind(objects, 'StatefulSet'), ...objectsOfKind(objects, 'Deployment')];
    for (const svc of objectsOfKind(objects, 'Service')) {
      const targets = workloads.filter((w) => Object.entries(svc.spec.selector).every(([k, v]) => w.spec.template.metadata.labels[k] === v));
      expect(targets).toHaveLength(1);
      const ports = podSpecOf(targets[0]).containers.flatMap((c: K8sObject) => (c.ports ?? []).map((p: K8sObject) => p.name));
      for (const port of svc.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });
});

describe('StatefulDatabase bad input', () => {
  function build(props: Partial<StatefulDatabaseProps>, engine: IDatabaseEngine = DatabaseEngine.postgres()) {
    const { platform } = testPlatform();
    return () => new StatefulDatabase(platform, 'postgres', { engine, ...props });
  }

  test.each([['ten gigs'], ['0Gi'], ['-1Gi']])('storage %s', (storage) => {
    expect(build({ storage })).toThrow(`[shop/postgres] storage (${JSON.stringify(storage)}) must be a positive size`);
  });

  test('backup storage of zero', () => {
    expect(build({ backup: { storage: '0' } })).toThrow('[shop/postgres] backup.storage ("0") must be a positive size');
  });

  test.each([[0], [1.5], [-2]])('replicas %s', (replicas) => {
    expect(build({ replicas })).toThrow(`[shop/postgres] replicas (${replicas}) must be an integer from 1 to 100`);
  });

  test('a PostgreSQL version that is not major or major.minor', () => {
    expect(build({}, DatabaseEngine.postgres({ version: 'sixteen' })))
      .toThrow('[shop/postgres] engine.version ("sixteen") must be a PostgreSQL version: major or major.minor');
  });

  test('a Redis version that is not major.minor[.patch]', () => {
    expect(build({}, DatabaseEngine.redis({ version: '7' })))
      .toThrow('[shop/postgres] engine.version ("7") must be a Redis version');
  });

  test('a PostgreSQL setting that is not a valid parameter name', () => {
    expect(build({}, DatabaseEngine.postgres({ settings: { 'work-mem': '4MB' } })))
      .toThrow('[shop/postgres] engine.settings ("work-mem") is not a valid PostgreSQL parameter name');
  });

  test('a Redis directive that is not a valid name', () => {
    expect(build({}, DatabaseEngine.redis({ settings: { 'Max Memory': 1 } })))
      .toThrow('[shop/postgres] engine.settings ("Max Memory") is not a valid Redis directive name');
  });

  test('a credentials Secret without the user name key named', () => {
    expect(build({ credentials: DatabaseCredentials.fromExistingSecret('pg', { keys: { password: 'pw' } }) }))
      .toThrow('[shop/postgres] credentials.keys ({"password":"pw"}) does not name the key of Secret "pg" that holds the user name ("username"), which PostgreSQL requires');
  });

  test('a backup schedule that is not cron syntax', () => {
    expect(build({ backup: { schedule: 'every night' } }))
      .toThrow('[shop/postgres] backup.schedule ("every night") is not a valid cron schedule (2 field(s))');
  });

  test('a name too long for the derived object names', () => {
    expect(build({ name: 'a'.repeat(53) })).toThrow('[shop/postgres] name');
  });

  test('a terminationGracePeriod that is not whole seconds', () => {
    expect(build({ terminationGracePeriod: Duration.millis(1500) }))
      .toThrow('[shop/postgres] terminationGracePeriod ("1.5s") must be a whole number of seconds, 0 or more');
  });

  test('a runAsUser of 0', () => {
    expect(build({ runAsUser: 0 })).toThrow('[shop/postgres] runAsUser (0) must be an integer from 1');
  });
});
