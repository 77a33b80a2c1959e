// The backup CronJob: schedule, deadlines, history, its own volume and hardened pod, and the network flow it needs.
import { Duration } from 'cdk8s';
import { DatabaseEngine, StatefulDatabase, StatefulDatabaseProps } from '../../lib';
import { WiringGraph } from '../../lib/network/wiring-graph';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

function withBackup(props: Partial<StatefulDatabaseProps> = {}) {
  const { platform } = testPlatform();
  const db = new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres(), replicas: 1, storage: '5Gi', backup: {}, ...props });
  return { db, objects: synth(platform) };
}

describe('DatabaseBackup', () => {
  test('defaults: daily at 03:00 UTC, never overlapping, with deadlines, history and TTL', () => {
    // when
    const cron = findObject(withBackup().objects, 'CronJob', 'pg-backup');
    // then
    expect(cron.spec).toMatchObject({
      schedule: '0 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 86400 });
    expect(podSpecOf(cron).restartPolicy).toBe('Never');
  });

  test('a PVC of its own, as large as the data volume by default, mounted at /backup', () => {
    // when
    const { objects } = withBackup();
    // then
    const claim = findObject(objects, 'PersistentVolumeClaim', 'pg-backup');
    expect(claim.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } });
    const spec = podSpecOf(findObject(objects, 'CronJob', 'pg-backup'));
    expect(spec.volumes).toContainEqual({ name: 'backup', persistentVolumeClaim: { claimName: 'pg-backup' } });
    expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'backup', mountPath: '/backup' });
  });

  test('the pod is hardened like the database\'s and dumps as the read-only backup role, its password from its own Secret', () => {
    // when
    const spec = podSpecOf(findObject(withBackup().objects, 'CronJob', 'pg-backup'));
    // then
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    const c = spec.containers[0];
    expect(c.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(c.resources.limits).toHaveProperty('memory');
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe('pg-backup');
    const env = Object.fromEntries(c.env.map((e: K8sObject) => [e.name, e]));
    expect(env.PGHOST.value).toBe('pg.shop.svc.cluster.local');
    expect(env.PGUSER).toEqual({ name: 'PGUSER', value: 'backup' });
    expect(env.PGPASSWORD.valueFrom).toEqual({ secretKeyRef: { name: 'pg-backup-credentials', key: 'password' } });
    expect(env.BACKUP_RETAIN.value).toBe('7');
    expect(c.command[2]).toContain('pg_dump --format=custom --no-password --file="$target"');
  });

  test('Redis backups copy an RDB snapshot with redis-cli --rdb as the backup user', () => {
    const { objects } = withBackup({ engine: DatabaseEngine.redis() });
    const c = podSpecOf(findObject(objects, 'CronJob', 'pg-backup')).containers[0];
    expect(c.image).toBe('redis:7.2.5');
    expect(c.command[2]).toContain('redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --user "$REDIS_USER" --rdb "$target"');
    expect(c.env).toEqual(expect.arrayContaining([
      { name: 'REDIS_USER', value: 'backup' },
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'pg-backup-credentials', key: 'password' } } },
    ]));
  });

  test('a backup edge lets the job reach the database on its port, and nothing else', () => {
    // when
    const { db, objects } = withBackup();
    // then
    const edge = WiringGraph.of(db).edgesTo(db).find((e) => e.from === db.backup);
    expect(edge?.kind).toBe('backup');
    const backupSelector = { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pg-backup', 'app.kubernetes.io/instance': 'pg-backup' } } };
    expect(findObject(objects, 'NetworkPolicy', 'pg').spec.ingress).toContainEqual({ from: [backupSelector], ports: [{ port: 5432, protocol: 'TCP' }] });
    const own = findObject(objects, 'NetworkPolicy', 'pg-backup');
    expect(own.spec.ingress).toEqual([]);
    expect(own.spec.egress).toContainEqual({
      to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'pg', 'app.kubernetes.io/instance': 'pg' } } }],
      ports: [{ port: 5432, protocol: 'TCP' }],
    });
  });

  test('schedule, retention, storage, class and deadlines are props', () => {
    // when
    const { objects } = withBackup({
      backup: { schedule: '@hourly', retention: 24, storage: '20Gi', storageClassName: 'standard', timeout: Duration.minutes(20), startingDeadline: Duration.minutes(5) },
    });
    // then
    const cron = findObject(objects, 'CronJob', 'pg-backup');
    expect(cron.spec.schedule).toBe('@hourly');
    expect(cron.spec.startingDeadlineSeconds).toBe(300);
    expect(cron.spec.jobTemplate.spec.activeDeadlineSeconds).toBe(1200);
    expect(podSpecOf(cron).containers[0].env).toContainEqual({ name: 'BACKUP_RETAIN', value: '24' });
    expect(findObject(objects, 'PersistentVolumeClaim', 'pg-backup').spec).toMatchObject({ storageClassName: 'standard', resources: { requests: { storage: '20Gi' } } });
  });

  test('errors: retention of 0, a timeout under a second', () => {
    expect(() => withBackup({ backup: { retention: 0 } })).toThrow('[shop/pg] backup.retention (0) must be an integer from 1 to 1000');
    expect(() => withBackup({ backup: { timeout: Duration.millis(500) } })).toThrow('[shop/pg] backup.timeout ("0.5s") must be a whole number of seconds, 1 or more');
  });
});
