// CloudNativePgCluster: the Cluster, Pooler, roles, Database, backups, NetworkPolicies, monitors and quota, asserted on
// the synthesized objects; every CloudNativePG object schema-valid; bad input refused.
import { JsonPatch, Testing } from 'cdk8s';
import { CloudNativePgCluster, Environment, Platform, PlatformAlerts, PlatformProps, PlatformSecret, ResilientMicroservice, SecretSource } from '../lib';
import { CloudNativePgClusterProps } from '../lib/cloud-native-pg-cluster';
import { prerequisitesReport } from '../lib/reports';
import { validateApp } from '../lib/synthesis';
import { ruleFindings } from './support/findings';
import { findObject, K8sObject, objectsOfKind, synth } from './support/objects';
import { schemaError } from './support/schema';

const API_SERVER = { cidrs: ['10.0.0.2/32'], port: 6443 };
const OFFSITE = {
  bucket: 'shop-backups', endpoint: 'https://s3.eu-central-1.amazonaws.com', region: 'eu-central-1', cidrs: ['52.219.168.0/24'],
  credentialsSecret: 'backup-s3', serverSideEncryption: 'AES256' as const,
};

function build(props: CloudNativePgClusterProps = {}, platformProps: PlatformProps = {}) {
  const app = Testing.app();
  const platform = new Platform(app, 'shop', { environment: Environment.PRODUCTION, apiServer: API_SERVER, ...platformProps });
  const db = new CloudNativePgCluster(platform, 'orders-db', { backup: false, ...props });
  return { app, platform, db };
}

function withClient(props: CloudNativePgClusterProps = {}, platformProps: PlatformProps = {}) {
  const built = build(props, platformProps);
  const api = new ResilientMicroservice(built.platform, 'orders', { image: 'ghcr.io/acme/orders:1.4.2', port: 8080 });
  const env = api.connectTo(built.db);
  return { ...built, api, env, objects: synth(built.platform) };
}

function cnpgObjects(objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => /cnpg\.io\//.test(o.apiVersion));
}

function policy(objects: readonly K8sObject[], name: string): K8sObject {
  return findObject(objects, 'NetworkPolicy', name);
}

/** `from`/`to` peers of a policy's rules as `<namespace or ipBlock>/<labels>:<ports>` lines. */
function ruleLines(rules: readonly K8sObject[], side: 'from' | 'to'): string[] {
  return rules.flatMap((r) => (r[side] ?? []).map((p: K8sObject) => {
    const labels = p.podSelector?.matchLabels ?? {};
    const sorted = Object.fromEntries(Object.keys(labels).sort().reverse().map((k) => [k, labels[k]]));
    const where = p.ipBlock ? p.ipBlock.cidr : `${p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? 'shop'}/${JSON.stringify(sorted)}`;
    return `${where}:${(r.ports ?? []).map((port: K8sObject) => port.port).join(',')}`;
  })).sort();
}

describe('CloudNativePgCluster defaults', () => {
  test('a Cluster with the environment\'s instances, no superuser access, switchover updates and the kit\'s labels on its pods', () => {
    // when
    const { objects } = withClient();
    // then
    const spec = findObject(objects, 'Cluster', 'orders-db').spec;
    expect(spec.instances).toBe(2);
    expect(spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:17.6');
    expect(spec.enableSuperuserAccess).toBe(false);
    expect(spec.primaryUpdateMethod).toBe('switchover');
    expect(spec.primaryUpdateStrategy).toBe('unsupervised');
    expect(spec.bootstrap).toEqual({ initdb: { database: 'app', owner: 'app' } });
    expect(spec.storage).toEqual({ size: '10Gi' });
    expect(spec.resources.requests).toEqual({ cpu: '250m', memory: '512Mi', 'ephemeral-storage': '256Mi' });
    expect(spec.resources.limits.memory).toBe('1Gi');
    expect(spec.priorityClassName).toBe('shop-data');
    expect(spec.inheritedMetadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'orders-db', 'app.kubernetes.io/instance': 'orders-db', 'app.kubernetes.io/version': '17.6' });
    expect(spec.plugins).toBeUndefined();
  });

  test('the operator keeps its own PodDisruptionBudgets: the kit emits none for the cluster', () => {
    // when
    const { objects } = withClient();
    // then
    expect(findObject(objects, 'Cluster', 'orders-db').spec.enablePDB).toBe(true);
    expect(objectsOfKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).not.toContain('orders-db');
    expect(objectsOfKind(objects, 'PodDisruptionBudget').map((p) => p.metadata.name)).not.toContain('orders-db-primary');
  });

  test('every CloudNativePG object is valid against the operator\'s schema, and the app has no findings', () => {
    // when
    const { app, objects } = withClient({ pooler: {}, backup: { offsite: OFFSITE } });
    // then
    const checked = cnpgObjects(objects).filter((o) => o.apiVersion.startsWith('postgresql.cnpg.io/'));
    expect(checked.map((o) => o.kind).sort()).toEqual(['Cluster', 'Database', 'Pooler', 'ScheduledBackup']);
    for (const object of checked) expect(schemaError(object)).toBeUndefined();
    const { report } = validateApp(app);
    expect(report.errors.map((f) => `${f.ruleId} ${f.constructPath}`)).toEqual([]);
  });

  test('an invalid field of a Cluster is caught by the schema check', () => {
    // given
    const { app, db } = build();
    // when
    db.cluster.addJsonPatch(JsonPatch.replace('/spec/instances', 'three'));
    // then
    expect(ruleFindings(app, 'schema').join('\n')).toMatch(/Cluster orders-db|shop\/orders-db\/Cluster/);
  });

  test('an invalid ObjectStore configuration is caught by its check against barman-cloud\'s type', () => {
    // given
    const { platform, db } = build({ backup: { offsite: OFFSITE } });
    // when
    db.objectStore!.addJsonPatch(JsonPatch.replace('/spec/configuration/wal/compression', 'zip'));
    // then
    expect(() => synth(platform)).toThrow(/ObjectStore orders-db-backup: spec.configuration does not match barman-cloud's BarmanObjectStoreConfiguration/);
  });
});

describe('CloudNativePgCluster clients', () => {
  test('each client gets a managed LOGIN role with no other attribute, its password from its own Secret', () => {
    // when
    const { objects } = withClient();
    // then
    expect(findObject(objects, 'Cluster', 'orders-db').spec.managed.roles).toEqual([{
      name: 'orders', ensure: 'present', comment: 'cdk8s-patterns client orders', login: true, superuser: false, createdb: false,
      createrole: false, replication: false, bypassrls: false, inherit: true, passwordSecret: { name: 'orders-db-orders-credentials' },
    }]);
  });

  test('the Database gives each client a schema it owns, and keeps the database when deleted', () => {
    // when
    const { objects } = withClient();
    // then
    const spec = findObject(objects, 'Database', 'orders-db-app').spec;
    expect(spec).toMatchObject({ cluster: { name: 'orders-db' }, name: 'app', owner: 'app', databaseReclaimPolicy: 'retain' });
    expect(spec.schemas).toEqual([{ name: 'orders', owner: 'orders', ensure: 'present' }]);
  });

  test('without clients the Cluster declares no roles', () => {
    // when
    const { platform } = build();
    // then
    expect(findObject(synth(platform), 'Cluster', 'orders-db').spec.managed).toBeUndefined();
  });

  test('a client gets the primary\'s Service, the standbys\' for reads, its own role and Secret: never the engine\'s', () => {
    // when
    const { env } = withClient({ instances: 3 });
    // then
    expect(env).toEqual([
      { name: 'DATABASE_HOST', value: 'orders-db-rw.shop.svc.cluster.local' },
      { name: 'DATABASE_PORT', value: '5432' },
      { name: 'DATABASE_NAME', value: 'app' },
      { name: 'DATABASE_READ_HOST', value: 'orders-db-ro.shop.svc.cluster.local' },
      { name: 'DATABASE_USER', value: 'orders' },
      { name: 'DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'orders-db-orders-credentials', key: 'password' } } },
    ]);
    expect(JSON.stringify(env)).not.toContain('orders-db-app');
  });

  test('the client Secret is declared external: the prerequisites report lists it', () => {
    // when
    const { platform, objects } = withClient();
    // then
    expect(prerequisitesReport(platform, objects)).toContain('`orders-db-orders-credentials`');
  });

  test('a client Secret the platform makes must hold the role\'s username and a password', () => {
    // given
    const ok = withClient();
    new PlatformSecret(ok.platform, 'orders-db-orders-credentials', { source: SecretSource.generatedPassword({ literals: { username: 'orders' } }) });
    expect(() => synth(ok.platform)).not.toThrow();
    const missing = withClient();
    new PlatformSecret(missing.platform, 'orders-db-orders-credentials', { source: SecretSource.generatedPassword() });
    const wrong = withClient();
    new PlatformSecret(wrong.platform, 'orders-db-orders-credentials', { source: SecretSource.generatedPassword({ literals: { username: 'app' } }) });
    // then
    expect(() => synth(missing.platform)).toThrow(/Secret orders-db-orders-credentials \(ExternalSecret\) lacks username: CloudNativePG reads the role's name/);
    expect(() => synth(wrong.platform)).toThrow('Secret orders-db-orders-credentials holds username "app": CloudNativePG refuses any but the role\'s name, "orders"');
  });

  test('a client whose role the operator keeps for itself is refused', () => {
    // given
    const { platform, db } = build();
    const app = new ResilientMicroservice(platform, 'app', { image: 'ghcr.io/acme/app:1.0.0', port: 8080 });
    // then
    expect(() => app.connectTo(db)).toThrow('[shop/orders-db] connectTo.client ("app") gives the role "app", which the operator keeps for itself');
  });
});

describe('CloudNativePgCluster NetworkPolicies', () => {
  test('instances: clients, each other and the operator in; each other and the API server out', () => {
    // when
    const { objects } = withClient();
    // then
    const spec = policy(objects, 'orders-db').spec;
    expect(spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'orders-db' } });
    expect(ruleLines(spec.ingress, 'from')).toEqual([
      'cnpg-system/{"app.kubernetes.io/name":"cloudnative-pg"}:5432,8000',
      'monitoring/{"app.kubernetes.io/name":"prometheus"}:9187',
      'shop/{"app.kubernetes.io/name":"orders","app.kubernetes.io/instance":"orders"}:5432',
      'shop/{"app.kubernetes.io/name":"orders-db","app.kubernetes.io/instance":"orders-db"}:5432',
    ]);
    expect(ruleLines(spec.egress, 'to')).toEqual([
      '10.0.0.2/32:6443',
      'kube-system/{"k8s-app":"kube-dns"}:53,53',
      'shop/{"app.kubernetes.io/name":"orders-db","app.kubernetes.io/instance":"orders-db"}:5432',
    ]);
  });

  test('with a pooler, clients reach only the pooler, and only the pooler reaches the instances', () => {
    // when
    const { objects, env } = withClient({ pooler: {} });
    // then
    expect(env[0]).toEqual({ name: 'DATABASE_HOST', value: 'orders-db-pooler.shop.svc.cluster.local' });
    expect(env.map((e) => e.name)).not.toContain('DATABASE_READ_HOST');
    const pooler = policy(objects, 'orders-db-pooler').spec;
    expect(pooler.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/instance': 'orders-db-pooler' } });
    expect(ruleLines(pooler.ingress, 'from')).toContain('shop/{"app.kubernetes.io/name":"orders","app.kubernetes.io/instance":"orders"}:5432');
    expect(ruleLines(pooler.egress, 'to')).toEqual([
      '10.0.0.2/32:6443',
      'kube-system/{"k8s-app":"kube-dns"}:53,53',
      'shop/{"app.kubernetes.io/name":"orders-db","app.kubernetes.io/instance":"orders-db"}:5432',
    ]);
    const instances = ruleLines(policy(objects, 'orders-db').spec.ingress, 'from');
    expect(instances).toContain('shop/{"app.kubernetes.io/name":"orders-db-pooler","app.kubernetes.io/instance":"orders-db-pooler"}:5432');
    expect(instances.some((l) => l.includes('"orders"'))).toBe(false);
    expect(ruleLines(policy(objects, 'orders').spec.egress, 'to'))
      .toContain('shop/{"app.kubernetes.io/name":"orders-db-pooler","app.kubernetes.io/instance":"orders-db-pooler"}:5432');
  });

  test('a policy is accepted because the Cluster labels its pods: without those labels it is reported', () => {
    // given
    const { app, db } = build();
    expect(ruleFindings(app, 'ref/network-policy-selector')).toEqual([]);
    // when
    db.cluster.addJsonPatch(JsonPatch.replace('/spec/inheritedMetadata/labels', { team: 'orders' }));
    // then
    expect(ruleFindings(app, 'ref/network-policy-selector').join('\n')).toContain('shop/orders-db/NetworkPolicy');
  });

  test('one instance: no read host', () => {
    // when
    const { env } = withClient({ instances: 1 });
    // then
    expect(env.map((e) => e.name)).not.toContain('DATABASE_READ_HOST');
  });

  test('the pooler\'s pods carry the labels its policy selects', () => {
    // when
    const { objects } = withClient({ pooler: { instances: 3, poolMode: 'transaction' } });
    // then
    const spec = findObject(objects, 'Pooler', 'orders-db-pooler').spec;
    expect(spec).toMatchObject({ cluster: { name: 'orders-db' }, instances: 3, type: 'rw', pgbouncer: { poolMode: 'transaction' } });
    expect(spec.pgbouncer.parameters).toEqual({ max_client_conn: '1000', default_pool_size: '20' });
    expect(spec.template.metadata.labels['app.kubernetes.io/instance']).toBe('orders-db-pooler');
    expect(spec.template.spec.containers).toEqual([{ name: 'pgbouncer', resources: expect.objectContaining({ requests: { cpu: '50m', memory: '64Mi', 'ephemeral-storage': '64Mi' } }) }]);
  });

  test('an operator elsewhere is named by its namespace and labels', () => {
    // when
    const { objects } = withClient({ operator: { namespace: 'postgres-operator', podLabels: { app: 'cnpg' } } });
    // then
    expect(ruleLines(policy(objects, 'orders-db').spec.ingress, 'from')).toContain('postgres-operator/{"app":"cnpg"}:5432,8000');
  });
});

describe('CloudNativePgCluster backups', () => {
  test('an ObjectStore with retention and server-side encryption, credentials from the Secret, the plugin on the Cluster', () => {
    // when
    const { objects } = withClient({ backup: { offsite: { ...OFFSITE, retentionDays: 14, prefix: 'shop/orders' } } });
    // then
    const store = findObject(objects, 'ObjectStore', 'orders-db-backup');
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
    expect(store.spec.retentionPolicy).toBe('14d');
    expect(store.spec.configuration).toEqual({
      destinationPath: 's3://shop-backups/shop/orders',
      endpointURL: 'https://s3.eu-central-1.amazonaws.com',
      s3Credentials: { accessKeyId: { name: 'backup-s3', key: 'AWS_ACCESS_KEY_ID' }, secretAccessKey: { name: 'backup-s3', key: 'AWS_SECRET_ACCESS_KEY' } },
      wal: { compression: 'gzip', encryption: 'AES256' },
      data: { compression: 'gzip', encryption: 'AES256', jobs: 2 },
    });
    expect(store.spec.instanceSidecarConfiguration.env).toEqual([{ name: 'AWS_DEFAULT_REGION', value: 'eu-central-1' }]);
    expect(findObject(objects, 'Cluster', 'orders-db').spec.plugins)
      .toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'orders-db-backup' } }]);
  });

  test('a ScheduledBackup through the plugin, on a standby, with the seconds field the operator\'s cron needs', () => {
    // when
    const { objects } = withClient({ backup: { offsite: OFFSITE, schedule: '30 2 * * *' } });
    // then
    expect(findObject(objects, 'ScheduledBackup', 'orders-db').spec).toEqual({
      cluster: { name: 'orders-db' }, schedule: '0 30 2 * * *', immediate: true, backupOwnerReference: 'self',
      method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' }, target: 'prefer-standby',
    });
  });

  test('the instances may reach the store\'s blocks on 443, and the credentials Secret is a prerequisite', () => {
    // when
    const { platform, objects } = withClient({ backup: { offsite: OFFSITE } });
    // then
    expect(ruleLines(policy(objects, 'orders-db').spec.egress, 'to')).toContain('52.219.168.0/24:443');
    expect(prerequisitesReport(platform, objects)).toContain('`backup-s3`');
  });

  test('alerts on the plugin\'s last backup timestamp', () => {
    // given
    const { platform } = build({ backup: { offsite: OFFSITE } });
    // when
    const rules = new PlatformAlerts(platform, 'Alerts').rules();
    // then
    const tooOld = rules.find((r) => r.alert === 'CloudNativePgBackupTooOld')!;
    expect(tooOld.expr).toBe('time() - max by (job) (barman_cloud_cloudnative_pg_io_last_available_backup_timestamp{namespace="shop", job=~"orders-db"}) > 93600');
    expect(rules.find((r) => r.alert === 'CloudNativePgBackupFailed')!.expr).toContain('barman_cloud_cloudnative_pg_io_last_failed_backup_timestamp');
  });

  test('server-side encryption must be chosen', () => {
    expect(() => build({ backup: { offsite: { ...OFFSITE, serverSideEncryption: undefined as never } } }))
      .toThrow('[shop/orders-db] backup.offsite.serverSideEncryption (undefined) must be "AES256" or "aws:kms": barman-cloud does not encrypt on the client');
  });

  test('where the environment has backups on, backups must be given or turned off', () => {
    expect(() => build({ backup: undefined }))
      .toThrow('[shop/orders-db] backup (undefined) must be given where the environment (production) has backups on');
    expect(() => build({ backup: undefined }, { environment: Environment.DEVELOPMENT })).not.toThrow();
  });
});

describe('CloudNativePgCluster monitoring, quota and prerequisites', () => {
  test('PodMonitors for the instances and the pooler, by the operator\'s pod labels', () => {
    // when
    const { objects } = withClient({ pooler: {} });
    // then
    expect(findObject(objects, 'PodMonitor', 'orders-db').spec.selector).toEqual({ matchLabels: { 'cnpg.io/cluster': 'orders-db', 'cnpg.io/podRole': 'instance' } });
    expect(findObject(objects, 'PodMonitor', 'orders-db-pooler').spec.selector).toEqual({ matchLabels: { 'cnpg.io/poolerName': 'orders-db-pooler' } });
    expect(findObject(objects, 'Cluster', 'orders-db').spec.monitoring).toBeUndefined();
  });

  test('without metrics, no PodMonitor and no Prometheus ingress', () => {
    // when
    const { objects } = withClient({ metrics: false });
    // then
    expect(objectsOfKind(objects, 'PodMonitor')).toEqual([]);
    expect(ruleLines(policy(objects, 'orders-db').spec.ingress, 'from').some((l) => l.startsWith('monitoring/'))).toBe(false);
  });

  test('the quota counts the instances (with the backup sidecar and a join pod) and the pooler', () => {
    // given
    const { platform } = build({ instances: 3, pooler: { instances: 2 }, backup: { offsite: OFFSITE } });
    // when
    const totals = platform.maximumScale();
    // then: 3 instances + 1 join pod at 250m + 50m, 2 + 1 pooler pods at 50m
    expect(totals.pods).toBe(4 + 3);
    expect(totals.requestsCpuMillis).toBe(4 * 300 + 3 * 50);
    expect(totals.storageBytes).toBe(4 * 10 * 2 ** 30);
  });

  test('the prerequisites report names the CloudNativePG operator and the Barman Cloud Plugin', () => {
    // when
    const { platform, objects } = withClient({ backup: { offsite: OFFSITE } });
    // then
    const report = prerequisitesReport(platform, objects);
    expect(report).toMatch(/\| `postgresql.cnpg.io\/v1` \| Cluster, Database, ScheduledBackup \| CloudNativePG operator \(1.27 or later/);
    expect(report).toMatch(/\| `barmancloud.cnpg.io\/v1` \| ObjectStore \| Barman Cloud Plugin for CloudNativePG/);
  });
});

describe('CloudNativePgCluster bad input', () => {
  test.each([
    [{ instances: 0 }, '[shop/orders-db] instances (0) must be'],
    [{ instances: 2.5 }, '[shop/orders-db] instances (2.5) must be'],
    [{ postgresVersion: '12.20' }, '[shop/orders-db] postgresVersion ("12.20") must be a PostgreSQL release CloudNativePG ships, major.minor from 15 to 18'],
    [{ postgresVersion: '19.0' }, '[shop/orders-db] postgresVersion ("19.0") must be'],
    [{ postgresVersion: 'latest' }, '[shop/orders-db] postgresVersion ("latest") must be'],
    [{ imageName: 'ghcr.io/cloudnative-pg/postgresql:latest' }, '[shop/orders-db] imageName'],
    [{ databaseName: 'postgres' }, '[shop/orders-db] databaseName ("postgres") must be a plain PostgreSQL identifier other than "postgres"'],
    [{ pooler: { poolMode: 'statement' as never } }, '[shop/orders-db] pooler.poolMode ("statement") must be "session" or "transaction"'],
    [{ pooler: { instances: 0 } }, '[shop/orders-db] pooler.instances (0) must be'],
    [{ pooler: { instances: 5, defaultPoolSize: 20 } }, '[shop/orders-db] pooler.defaultPoolSize (20) times pooler.instances (5) must not exceed 90 server connections'],
    [{ operator: { podLabels: {} } }, '[shop/orders-db] operator.podLabels ({}) must select the operator\'s pods by at least one label'],
  ] as [CloudNativePgClusterProps, string][])('%j is refused', (props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('a platform without the API server\'s endpoints is refused: the instance manager needs them', () => {
    expect(() => build({}, { apiServer: undefined }))
      .toThrow('[shop/orders-db] apiServer (undefined) is needed: CloudNativePG\'s instance manager and pooler talk to the API server');
  });
});
