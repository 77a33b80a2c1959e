// Off-site backup copies: the upload after the dump, rclone's env from Secrets, egress to the store on 443, the checks.
import { DatabaseEngine, OffsiteBackupOptions, StatefulDatabase, StatefulDatabaseProps } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

const OFFSITE: OffsiteBackupOptions = {
  bucket: 'shop-backups', endpoint: 'https://s3.eu-central-1.amazonaws.com', cidrs: ['52.219.168.0/24'],
  credentialsSecret: 'backup-store-keys', encryptionSecret: 'backup-encryption',
};

function withOffsite(offsite: Partial<OffsiteBackupOptions> = {}, props: Partial<StatefulDatabaseProps> = {}) {
  const { platform } = testPlatform();
  new StatefulDatabase(platform, 'pg', {
    engine: DatabaseEngine.postgres(), replicas: 1, storage: '5Gi', backup: { offsite: { ...OFFSITE, ...offsite } }, ...props,
  });
  return synth(platform);
}

function envOf(container: K8sObject): Record<string, K8sObject> {
  return Object.fromEntries(container.env.map((e: K8sObject) => [e.name, e]));
}

describe('off-site backup copies', () => {
  test('the dump runs as an init container onto the volume, then rclone uploads it read-only from there', () => {
    // when
    const spec = podSpecOf(findObject(withOffsite(), 'CronJob', 'pg-backup'));
    // then
    expect(spec.initContainers.map((c: K8sObject) => c.name)).toEqual(['backup']);
    expect(spec.initContainers[0].command[2]).toContain('pg_dump --format=custom');
    expect(spec.containers.map((c: K8sObject) => c.name)).toEqual(['upload']);
    const upload = spec.containers[0];
    expect(upload.image).toBe('rclone/rclone:1.68.2');
    expect(upload.volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup', readOnly: true });
    expect(upload.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
    expect(upload.command[2]).toContain('rclone copyto "$BACKUP_DIR/$name" "offsite:$name"');
  });

  test('defaults: region us-east-1, the database name as prefix, 30 days kept, encrypted through a crypt remote', () => {
    // when
    const env = envOf(podSpecOf(findObject(withOffsite(), 'CronJob', 'pg-backup')).containers[0]);
    // then
    expect(env.RCLONE_CONFIG_STORE_REGION.value).toBe('us-east-1');
    expect(env.RCLONE_CONFIG_STORE_ENDPOINT.value).toBe('https://s3.eu-central-1.amazonaws.com');
    expect(env.RCLONE_CONFIG_OFFSITE_TYPE.value).toBe('crypt');
    expect(env.RCLONE_CONFIG_OFFSITE_REMOTE.value).toBe('store:shop-backups/pg');
    expect(env.BACKUP_FILE_PREFIX.value).toBe('pg');
    const script = podSpecOf(findObject(withOffsite(), 'CronJob', 'pg-backup')).containers[0].command[2];
    expect(script).toContain('rclone delete --min-age 30d --include "$BACKUP_FILE_PREFIX-*" offsite:');
  });

  test('keys and the encryption password come from Secrets, never as values', () => {
    // when
    const objects = withOffsite({ region: 'eu-central-1', prefix: 'shop/orders-db', retentionDays: 90 });
    const env = envOf(podSpecOf(findObject(objects, 'CronJob', 'pg-backup')).containers[0]);
    // then
    expect(env.RCLONE_CONFIG_STORE_ACCESS_KEY_ID.valueFrom).toEqual({ secretKeyRef: { name: 'backup-store-keys', key: 'AWS_ACCESS_KEY_ID' } });
    expect(env.RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY.valueFrom).toEqual({ secretKeyRef: { name: 'backup-store-keys', key: 'AWS_SECRET_ACCESS_KEY' } });
    expect(env.BACKUP_ENCRYPTION_PASSWORD.valueFrom).toEqual({ secretKeyRef: { name: 'backup-encryption', key: 'BACKUP_ENCRYPTION_PASSWORD' } });
    expect(env.RCLONE_CONFIG_OFFSITE_PASSWORD).toBeUndefined();
    expect(env.RCLONE_CONFIG_STORE_REGION.value).toBe('eu-central-1');
    expect(env.RCLONE_CONFIG_OFFSITE_REMOTE.value).toBe('store:shop-backups/shop/orders-db');
    expect(podSpecOf(findObject(objects, 'CronJob', 'pg-backup')).containers[0].command[2]).toContain('--min-age 90d');
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).not.toContain('backup-encryption');
  });

  test('the backup pod may reach the store on 443 only, besides DNS and the database', () => {
    // when
    const policy = findObject(withOffsite(), 'NetworkPolicy', 'pg-backup');
    // then
    const external = policy.spec.egress.filter((rule: K8sObject) => rule.to.some((peer: K8sObject) => peer.ipBlock));
    expect(external).toHaveLength(1);
    expect(external[0].ports).toEqual([{ port: 443, protocol: 'TCP' }]);
    expect(external[0].to.map((peer: K8sObject) => peer.ipBlock.cidr)).toEqual(['52.219.168.0/24']);
  });

  test('the restore CronJob is suspended, downloads into an ephemeral volume and runs pg_restore in one transaction', () => {
    // when
    const objects = withOffsite({}, { backup: { offsite: OFFSITE, storageClassName: 'fast' } });
    const cron = findObject(objects, 'CronJob', 'pg-restore');
    // then
    expect(cron.spec.suspend).toBe(true);
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(0);
    const spec = podSpecOf(cron);
    expect(spec.initContainers.map((c: K8sObject) => c.name)).toEqual(['download']);
    expect(envOf(spec.initContainers[0]).RESTORE_NAME.value).toBe('latest');
    expect(spec.initContainers[0].command[2]).toContain('rclone copyto "offsite:$name" "$RESTORE_DIR/backup.partial"');
    expect(spec.containers[0].image).toBe('postgres:16.4');
    expect(spec.containers[0].command[2]).toContain('pg_restore --clean --if-exists --no-owner --single-transaction');
    expect(envOf(spec.containers[0]).PGPASSWORD.valueFrom).toEqual({ secretKeyRef: { name: 'pg-credentials', key: 'password' } });
    const volume = spec.volumes.find((v: K8sObject) => v.name === 'restore');
    expect(volume.ephemeral.volumeClaimTemplate.spec).toMatchObject({ storageClassName: 'fast', resources: { requests: { storage: '5Gi' } } });
    const policy = findObject(objects, 'NetworkPolicy', 'pg-restore');
    expect(policy.spec.egress.map((r: K8sObject) => r.ports.map((p: K8sObject) => p.port))).toEqual([[53, 53], [5432], [443]]);
    expect(findObject(objects, 'NetworkPolicy', 'pg').spec.ingress.some((r: K8sObject) =>
      r.from.some((peer: K8sObject) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] === 'pg-restore'))).toBe(true);
  });

  test('without an off-site destination there is no upload and no restore CronJob', () => {
    // when
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres(), replicas: 1, backup: {} });
    const objects = synth(platform);
    // then
    expect(podSpecOf(findObject(objects, 'CronJob', 'pg-backup')).initContainers).toBeUndefined();
    expect(objects.some((o) => o.metadata.name === 'pg-restore')).toBe(false);
  });

  test('Redis copies are uploaded, and restored by copying the snapshot\'s keys from a scratch server, as the default user', () => {
    // when
    const objects = withOffsite({}, { engine: DatabaseEngine.redis() });
    // then
    expect(podSpecOf(findObject(objects, 'CronJob', 'pg-backup')).containers[0].name).toBe('upload');
    const restore = podSpecOf(findObject(objects, 'CronJob', 'pg-restore')).containers[0];
    expect(restore.image).toBe('redis:7.2.5');
    expect(restore.command[2]).toContain('redis-server --port 0 --unixsocket "$socket" --unixsocketperm 700 --dir "$(dirname "$source")" --dbfilename "$(basename "$source")" --appendonly no --save ""');
    expect(restore.command[2]).toContain("redis.call('MIGRATE', ARGV[1], ARGV[2], '', ARGV[3], 60000, 'COPY', 'REPLACE', 'AUTH', ARGV[5], 'KEYS', unpack(page[2]))");
    // the backup user only reads: the restore writes as the default user, whose password is piped, not in argv
    expect(restore.env).toEqual(expect.arrayContaining([
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'pg-credentials', key: 'password' } } },
    ]));
    expect(restore.env.map((e: K8sObject) => e.name)).not.toContain('REDIS_USER');
    expect(restore.command[2]).toContain('printf \'%s\' "$REDISCLI_AUTH" | scratch -n "$db" -x eval');
  });

  test('the Redis restore container holds the snapshot, so it gets the database container\'s resources unless backup.resources is set', () => {
    // given
    const memory = (objects: K8sObject[], name: string) => {
      const spec = podSpecOf(findObject(objects, name === 'pg' ? 'StatefulSet' : 'CronJob', name));
      return [...spec.containers, ...(spec.initContainers ?? [])].map((c: K8sObject) => [c.name, c.resources.requests.memory, c.resources.limits.memory]);
    };
    // when
    const redis = withOffsite({}, { engine: DatabaseEngine.redis(), resources: { requests: { memory: '1Gi' }, limits: { memory: '2Gi' } } });
    const sized = withOffsite({}, { engine: DatabaseEngine.redis(), resources: { requests: { memory: '1Gi' } }, backup: { resources: { requests: { memory: '300Mi' } }, offsite: OFFSITE } });
    const postgres = withOffsite({}, { resources: { requests: { memory: '1Gi' } } });
    // then
    expect(memory(redis, 'pg-restore')).toEqual([['restore', '1Gi', '2Gi'], ['download', '128Mi', '256Mi']]);
    expect(memory(sized, 'pg-restore').map(([name, request]) => [name, request])).toEqual([['restore', '300Mi'], ['download', '300Mi']]);
    expect(memory(postgres, 'pg-restore')).toEqual([['restore', '128Mi', '256Mi'], ['download', '128Mi', '256Mi']]);
  });

  test.each([
    [{ bucket: 'Shop_Backups' }, 'backup.offsite.bucket ("Shop_Backups") must be an S3 bucket name'],
    [{ endpoint: 'http://s3.example.com' }, 'backup.offsite.endpoint ("http://s3.example.com") must be an HTTPS URL on port 443'],
    [{ endpoint: 'https://s3.example.com:9000' }, 'must be an HTTPS URL on port 443'],
    [{ endpoint: 'https://s3.example.com/bucket' }, 'without a path'],
    [{ region: 'EU Central' }, 'backup.offsite.region ("EU Central") must be a region name'],
    [{ prefix: '/shop/' }, 'backup.offsite.prefix ("/shop/") must be "/"-separated segments'],
    [{ prefix: 'shop/../x' }, 'backup.offsite.prefix ("shop/../x")'],
    [{ retentionDays: 0 }, 'backup.offsite.retentionDays (0) must be an integer from 1 to 3650'],
    [{ credentialsSecret: 'Keys!' }, 'backup.offsite.credentialsSecret ("Keys!")'],
    [{ encryptionSecret: '' }, 'backup.offsite.encryptionSecret'],
    [{ image: 'rclone/rclone:latest' }, 'backup.offsite.image ("rclone/rclone:latest") must name a pinned version'],
    [{ cidrs: [] }, 'cidrs ([]) must list the destination\'s address blocks'],
    [{ cidrs: ['0.0.0.0/0'] }, 'opens egress to every address on the Internet'],
  ])('refused: %j', (offsite, message) => {
    expect(() => withOffsite(offsite as Partial<OffsiteBackupOptions>)).toThrow(message);
  });

  test('errors name the database\'s path', () => {
    expect(() => withOffsite({ bucket: 'x' })).toThrow('[shop/pg] backup.offsite.bucket ("x")');
  });

  test('an any-address block with a waiver is allowed', () => {
    // when
    const objects = withOffsite({ cidrs: ['0.0.0.0/0'], anyAddressWaiver: 'the store has no published ranges' });
    // then
    const policy = findObject(objects, 'NetworkPolicy', 'pg-backup');
    expect(policy.spec.egress.some((r: K8sObject) => r.to.some((p: K8sObject) => p.ipBlock?.cidr === '0.0.0.0/0'))).toBe(true);
  });
});
