// Real off-site backups: the backup CronJob's own dump and upload scripts against a local S3-compatible server
// (s3rver) with Debian's rclone, the copy encrypted in the store, and the restore CronJob's own download and
// restore scripts bringing the rows back into a fresh PostgreSQL, and the keys into a fresh Redis.
import { ChildProcess } from 'child_process';
import { readFileSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPostgresPrograms, checkPrograms, containerEnv, describeWithPrograms, expectSuccess, findPostgresBin, freePort, GeneratedRedis,
  layOutProjectedSecrets, ProgramCheck, RunningProcess, runContainer as runContainerIn, Sandbox, startGeneratedRedis, startS3rver, stopChild, waitFor,
} from '../support/real-databases';

jest.setTimeout(180_000);

const PASSWORD = 'offsite test pass';
const SECRETS = {
  'pg-credentials': { username: 'owner', password: PASSWORD },
  'pg-backup-credentials': { password: 'backup role pass' },
  // s3rver's built-in keys: a wrong key would be refused, so the Secret references are exercised.
  'backup-store-keys': { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  'backup-encryption': { BACKUP_ENCRYPTION_PASSWORD: 'a long passphrase kept outside the cluster' },
};

function postgresAndRclone(): ProgramCheck {
  return { missing: [...checkPostgresPrograms().missing, ...checkPrograms('rclone').missing] };
}

describeWithPrograms('off-site backups through rclone to an S3-compatible server, and the restore', postgresAndRclone(), () => {
  const bin = findPostgresBin()!;
  const pg = (program: string) => join(bin, program);
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let confDir: string;
  let s3: ChildProcess | undefined;
  let s3Endpoint: string;
  const servers: RunningProcess[] = [];

  /** A fresh server from the generated configuration, with the database the engine would create and its roles. */
  async function startPostgres(label: string): Promise<number> {
    const port = await freePort();
    const dataDir = join(sandbox.subdir(`${label}-volume`), 'pgdata');
    const pwfile = sandbox.write(`${label}-pwfile`, `${PASSWORD}\n`);
    expectSuccess(sandbox.run([pg('initdb'), '-D', dataDir, '-U', 'owner', `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '--no-locale']), 'initdb');
    const server = sandbox.start([pg('postgres'), '-D', dataDir, '-c', `config_file=${join(confDir, 'postgresql.conf')}`, '-c', `hba_file=${join(confDir, 'pg_hba.conf')}`,
      '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${sandbox.subdir(`${label}-socket`)}`]);
    servers.push(server);
    await waitFor(label, () => sandbox.run([pg('pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0, server);
    sql(port, 'postgres', 'CREATE DATABASE app');
    // the container's roles script makes the backup role the dump runs as
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'pg'));
    expectSuccess(sandbox.run(['sh', join(confDir, 'client-roles.sh'), '--once'], {
      ...containerEnv(spec.containers[0], SECRETS, {}), ROLES_PORT: String(port), PATH: `${bin}:${process.env.PATH}`,
      CLIENTS_DIR: layOutProjectedSecrets(sandbox, spec, 'clients', `${label}-clients`, SECRETS),
      SERVICE_USERS_DIR: layOutProjectedSecrets(sandbox, spec, 'service-users', `${label}-service-users`, SECRETS),
    }), 'client-roles.sh');
    return port;
  }

  function sql(port: number, database: string, query: string): string {
    return expectSuccess(sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'owner', '-d', database, '-v', 'ON_ERROR_STOP=1', '-XtAq', '-c', query],
      { PGPASSWORD: PASSWORD }), query).trim();
  }

  /** Runs a container's own `sh -c` command with its env as the kubelet gives it, cluster values overridden. */
  function runContainer(container: K8sObject, overrides: Record<string, string>, secrets: Record<string, Record<string, string>> = SECRETS) {
    return runContainerIn(sandbox, container, secrets, overrides, `${bin}:${process.env.PATH}`);
  }

  const rcloneStore = (home: string) => ({
    RCLONE_CONFIG_STORE_ENDPOINT: s3Endpoint, HOME: home,
  });

  /** rclone on the bare store (no crypt), as someone with the bucket's keys but not the password sees it. */
  function rawStore(args: string[]): string {
    return expectSuccess(sandbox.run(['rclone', ...args], {
      HOME: sandbox.dir, RCLONE_CONFIG_S_TYPE: 's3', RCLONE_CONFIG_S_PROVIDER: 'Other', RCLONE_CONFIG_S_ENDPOINT: s3Endpoint,
      RCLONE_CONFIG_S_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_S_SECRET_ACCESS_KEY: 'S3RVER',
    }), `rclone ${args.join(' ')}`);
  }

  beforeAll(async () => {
    // given: PostgreSQL with off-site copies to a bucket, kept 30 days
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres(), replicas: 1, credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'),
      backup: {
        retention: 3,
        offsite: {
          bucket: 'shop-backups', endpoint: 'https://s3.eu-central-1.amazonaws.com', cidrs: ['52.219.168.0/24'], prefix: 'shop/pg',
          credentialsSecret: 'backup-store-keys', encryptionSecret: 'backup-encryption', retentionDays: 30,
        },
      },
    });
    objects = synth(platform);
    sandbox = new Sandbox('cdk8s-patterns-offsite-');
    confDir = sandbox.subdir('conf');
    const configMap = findObject(objects, 'ConfigMap', 'pg-config');
    for (const file of Object.keys(configMap.data)) writeFileSync(join(confDir, file), configMap.data[file]);
    const started = startS3rver(sandbox.subdir('s3'), 'shop-backups');
    s3 = started.child;
    const port = await started.port;
    s3Endpoint = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const server of servers) await server.stop('SIGINT');
    await stopChild(s3);
    sandbox?.remove();
  });

  test('the dump is uploaded encrypted, old copies expire, and the restore job brings the rows back into a fresh server', async () => {
    // given: a database with rows, and in the store a 40-day-old copy and another database's file
    const started = Date.now();
    const source = await startPostgres('source');
    sql(source, 'app', "CREATE TABLE orders (id integer PRIMARY KEY, item text NOT NULL); INSERT INTO orders SELECT g, 'kettle-' || g FROM generate_series(1, 500) g");
    const backupSpec = podSpecOf(findObject(objects, 'CronJob', 'pg-backup'));
    const [dump, upload] = [backupSpec.initContainers[0], backupSpec.containers[0]];
    const home = sandbox.subdir('home');
    const backupDir = sandbox.subdir('backup');
    const old = sandbox.write('backup/pg-20200101T000000Z.dump', 'an expired copy');
    utimesSync(old, new Date(Date.now() - 40 * 86_400_000), new Date(Date.now() - 40 * 86_400_000));
    const other = sandbox.write('other-20200101T000000Z.dump', 'another database');
    utimesSync(other, new Date(Date.now() - 40 * 86_400_000), new Date(Date.now() - 40 * 86_400_000));
    const seed = (file: string, name: string) => expectSuccess(sandbox.run(['rclone', 'copyto', file, `offsite:${name}`],
      { ...containerEnv(upload, SECRETS, { ...rcloneStore(home), BACKUP_DIR: backupDir }), RCLONE_CONFIG_OFFSITE_PASSWORD: obscure() }), 'seed');
    seed(old, 'pg-20200101T000000Z.dump');
    seed(other, 'other-20200101T000000Z.dump');
    sandbox.run(['rm', old]);

    // when: the backup pod's init container (the dump) and then its main container (the upload), their own commands
    expectSuccess(runContainer(dump, { PGHOST: '127.0.0.1', PGPORT: String(source), PGDATABASE: 'app', BACKUP_DIR: backupDir }), 'dump');
    const uploaded = expectSuccess(runContainer(upload, { ...rcloneStore(home), BACKUP_DIR: backupDir }), 'upload');
    const backupDone = Date.now();

    // then: one new copy of pg, the expired one gone, the other database's file untouched
    const name = /backup (pg-\d{8}T\d{6}Z\.dump) uploaded/.exec(uploaded)![1];
    const stored = rawStore(['lsf', 's:shop-backups/shop/pg']).split('\n').filter(Boolean).sort();
    expect(stored).toEqual(['other-20200101T000000Z.dump.bin', `${name}.bin`]);
    // then: what the store holds is rclone's encrypted format, not a pg_dump archive, and no row is readable
    const rawFile = join(sandbox.dir, 'raw.bin');
    rawStore(['copyto', `s:shop-backups/shop/pg/${name}.bin`, rawFile]);
    const raw = readFileSync(rawFile);
    const plain = readFileSync(join(backupDir, name));
    expect(plain.subarray(0, 5).toString('latin1')).toBe('PGDMP');
    expect(raw.subarray(0, 8).toString('latin1')).toBe('RCLONE\u0000\u0000');
    expect(raw.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(raw.length).toBeGreaterThan(plain.length);

    // when: the restore pod's init container (download, decrypt) and main container (pg_restore) on a fresh server
    const target = await startPostgres('target');
    const restoreSpec = podSpecOf(findObject(objects, 'CronJob', 'pg-restore'));
    const restoreDir = sandbox.subdir('restore');
    const downloaded = expectSuccess(runContainer(restoreSpec.initContainers[0], { ...rcloneStore(home), RESTORE_DIR: restoreDir }), 'download');
    const restored = expectSuccess(runContainer(restoreSpec.containers[0], {
      PGHOST: '127.0.0.1', PGPORT: String(target), PGDATABASE: 'app', RESTORE_DIR: restoreDir,
    }), 'restore');
    // then
    expect(downloaded).toContain(`backup ${name} downloaded`);
    expect(restored).toContain('restore done');
    expect(sql(target, 'app', 'SELECT count(*), min(item), max(id) FROM orders')).toBe('500|kettle-1|500');
    // eslint-disable-next-line no-console
    console.log(`off-site backup: dump + encrypted upload ${backupDone - started} ms (incl. server start), restore ${Date.now() - backupDone} ms; `
      + `dump ${plain.length} B, stored ${raw.length} B`);
  });

  test('a copy downloaded with another password is refused, and a named copy that is not there fails the job', () => {
    // given: the restore's download container, and the copy the first test uploaded
    const download = podSpecOf(findObject(objects, 'CronJob', 'pg-restore')).initContainers[0];
    const home = sandbox.subdir('home');
    const wrong = { ...SECRETS, 'backup-encryption': { BACKUP_ENCRYPTION_PASSWORD: 'not the password' } };
    // when
    const withWrongPassword = runContainer(download, { ...rcloneStore(home), RESTORE_DIR: sandbox.subdir('wrong') }, wrong);
    const missing = runContainer(download, { ...rcloneStore(home), RESTORE_DIR: sandbox.subdir('missing'), RESTORE_NAME: 'pg-19990101T000000Z.dump' });
    // then
    expect(withWrongPassword.status).not.toBe(0);
    expect(withWrongPassword.stderr).toMatch(/failed to authenticate decrypted block|unexpected EOF/);
    expect(missing.status).not.toBe(0);
  });

  function obscure(): string {
    return expectSuccess(sandbox.run(['rclone', 'obscure', '-'], { HOME: sandbox.dir }, SECRETS['backup-encryption'].BACKUP_ENCRYPTION_PASSWORD), 'obscure').trim();
  }
});

const REDIS_SECRETS: Record<string, Record<string, string>> = {
  'cache-credentials': { password: 'cache owner pass' },
  'cache-backup-credentials': { password: 'cache backup pass' },
  'backup-store-keys': SECRETS['backup-store-keys'],
  'backup-encryption': SECRETS['backup-encryption'],
};

describeWithPrograms('Redis off-site backups: the snapshot through rclone to an S3-compatible server, restored into a fresh server',
  checkPrograms('redis-server', 'redis-cli', 'rclone'), () => {
    let objects: K8sObject[];
    let sandbox: Sandbox;
    let s3: ChildProcess | undefined;
    let s3Endpoint: string;
    const servers: RunningProcess[] = [];

    beforeAll(async () => {
      // given: Redis (append-only, the default) with off-site copies
      const { platform } = testPlatform();
      new StatefulDatabase(platform, 'cache', {
        engine: DatabaseEngine.redis(), replicas: 1, credentials: DatabaseCredentials.fromExistingSecret('cache-credentials', { keys: { password: 'password' } }),
        backup: {
          retention: 2,
          offsite: {
            bucket: 'shop-backups', endpoint: 'https://s3.eu-central-1.amazonaws.com', cidrs: ['52.219.168.0/24'], prefix: 'shop/cache',
            credentialsSecret: 'backup-store-keys', encryptionSecret: 'backup-encryption',
          },
        },
      });
      objects = synth(platform);
      sandbox = new Sandbox('cdk8s-patterns-offsite-redis-');
      const started = startS3rver(sandbox.subdir('s3'), 'shop-backups');
      s3 = started.child;
      s3Endpoint = `http://127.0.0.1:${await started.port}`;
    });

    afterAll(async () => {
      for (const server of servers) await server.stop();
      await stopChild(s3);
      sandbox?.remove();
    });

    async function startRedis(label: string): Promise<GeneratedRedis> {
      const redis = await startGeneratedRedis(sandbox, objects, 'cache', REDIS_SECRETS, label);
      servers.push(redis.server);
      return redis;
    }

    /** redis-cli as the default user (the engine's password), raw replies. */
    function cli(redis: GeneratedRedis, ...args: string[]): string {
      return expectSuccess(sandbox.run(['redis-cli', '-h', '127.0.0.1', '-p', String(redis.port), '--no-raw', ...args], { REDISCLI_AUTH: REDIS_SECRETS['cache-credentials'].password }),
        args.join(' ')).trim();
    }

    /** What the restore must bring back: every type, a TTL, a key with a space and a newline, a second database. */
    function contents(redis: GeneratedRedis): Record<string, string> {
      return {
        size0: cli(redis, 'dbsize'), size3: cli(redis, '-n', '3', 'dbsize'),
        order: cli(redis, 'get', 'order:1999'), hash: cli(redis, 'hgetall', 'cart:1'), list: cli(redis, 'lrange', 'queue', '0', '-1'),
        set: cli(redis, 'sort', 'tags', 'alpha'), zset: cli(redis, 'zrange', 'rank', '0', '-1', 'withscores'), odd: cli(redis, 'get', 'odd key\nname'),
        ttl: String(Number(cli(redis, 'ttl', 'session:1').replace(/\D/g, '')) > 3000), other: cli(redis, '-n', '3', 'get', 'tenant'),
      };
    }

    test('the snapshot is taken as the backup user, uploaded encrypted, and restored key for key into a fresh append-only server', async () => {
      // given: a server with keys of every type
      const started = Date.now();
      const source = await startRedis('source');
      cli(source, 'eval', "for i = 1, 2000 do redis.call('SET', 'order:' .. i, 'kettle-' .. i) end", '0');
      cli(source, 'hset', 'cart:1', 'sku', 'k-1', 'qty', '2');
      cli(source, 'rpush', 'queue', 'a', 'b', 'c');
      cli(source, 'sadd', 'tags', 'x', 'y');
      cli(source, 'zadd', 'rank', '1', 'one', '2', 'two');
      cli(source, 'set', 'session:1', 'token', 'EX', '3600');
      cli(source, 'set', 'odd key\nname', 'value');
      cli(source, '-n', '3', 'set', 'tenant', 'other database');
      const before = contents(source);
      const spec = podSpecOf(findObject(objects, 'CronJob', 'cache-backup'));
      const [dump, upload] = [spec.initContainers[0], spec.containers[0]];
      const home = sandbox.subdir('home');
      const backupDir = sandbox.subdir('backup');
      const store = { RCLONE_CONFIG_STORE_ENDPOINT: s3Endpoint, HOME: home };

      // when: the backup pod's dump (redis-cli --rdb as the backup user) and upload, their own commands
      expectSuccess(runContainerIn(sandbox, dump, REDIS_SECRETS, { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(source.port), BACKUP_DIR: backupDir }), 'dump');
      const uploaded = expectSuccess(runContainerIn(sandbox, upload, REDIS_SECRETS, { ...store, BACKUP_DIR: backupDir }), 'upload');
      const backupDone = Date.now();

      // then: the dump is an RDB file, the stored copy is rclone's encrypted format
      const name = /backup (cache-\d{8}T\d{6}Z\.rdb) uploaded/.exec(uploaded)![1];
      const plain = readFileSync(join(backupDir, name));
      expect(plain.subarray(0, 5).toString('latin1')).toBe('REDIS');
      const raw = join(sandbox.dir, 'raw.bin');
      expectSuccess(sandbox.run(['rclone', 'copyto', `s:shop-backups/shop/cache/${name}.bin`, raw], {
        HOME: home, RCLONE_CONFIG_S_TYPE: 's3', RCLONE_CONFIG_S_PROVIDER: 'Other', RCLONE_CONFIG_S_ENDPOINT: s3Endpoint,
        RCLONE_CONFIG_S_ACCESS_KEY_ID: 'S3RVER', RCLONE_CONFIG_S_SECRET_ACCESS_KEY: 'S3RVER',
      }), 'raw copy');
      const stored = readFileSync(raw);
      expect(stored.subarray(0, 8).toString('latin1')).toBe('RCLONE\u0000\u0000');
      expect(stored.includes(Buffer.from('kettle-1999'))).toBe(false);

      // when: the restore pod's download and restore containers, against a fresh server started from the same files
      const target = await startRedis('target');
      expect(cli(target, 'dbsize')).toBe('(integer) 0');
      const restoreSpec = podSpecOf(findObject(objects, 'CronJob', 'cache-restore'));
      const restoreDir = sandbox.subdir('restore');
      expectSuccess(runContainerIn(sandbox, restoreSpec.initContainers[0], REDIS_SECRETS, { ...store, RESTORE_DIR: restoreDir }), 'download');
      const restored = expectSuccess(runContainerIn(sandbox, restoreSpec.containers[0], REDIS_SECRETS, {
        REDIS_HOST: '127.0.0.1', REDIS_PORT: String(target.port), RESTORE_DIR: restoreDir,
      }), 'restore');
      const restoreDone = Date.now();

      // then: the same keys, values, types and TTLs, in both databases
      expect(restored).toContain('database 0: 2006 keys restored');
      expect(restored).toContain('database 3: 1 keys restored');
      expect(restored).toContain('restore done');
      expect(contents(target)).toEqual(before);
      expect(before.order).toBe('"kettle-1999"');
      // and: the target is append-only, so the restored keys survive its restart (Redis loads the AOF, not an RDB)
      await target.server.stop();
      const restarted = await startRedis('target');
      expect(contents(restarted)).toEqual(before);
      // eslint-disable-next-line no-console
      console.log(`redis off-site backup: dump + encrypted upload ${backupDone - started} ms (incl. server start), `
        + `restore ${restoreDone - backupDone} ms (incl. server start); rdb ${plain.length} B, stored ${stored.length} B`);
    });

    test('the restore fails, and says so, when the database refuses the password', async () => {
      // given: a downloaded copy and a server whose default user has another password
      const target = await startRedis('refusing');
      const restoreSpec = podSpecOf(findObject(objects, 'CronJob', 'cache-restore'));
      const restoreDir = sandbox.subdir('restore');
      const wrong = { ...REDIS_SECRETS, 'cache-credentials': { password: 'not the password' } };
      // when
      const result = runContainerIn(sandbox, restoreSpec.containers[0], wrong, { REDIS_HOST: '127.0.0.1', REDIS_PORT: String(target.port), RESTORE_DIR: restoreDir });
      // then
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/restore of database 0 failed: .*WRONGPASS/);
      expect(cli(target, 'dbsize')).toBe('(integer) 0');
    });
  });
