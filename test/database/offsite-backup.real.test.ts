// Real off-site backups: the backup CronJob's own dump and upload scripts against a local S3-compatible server
// (s3rver) with Debian's rclone, the copy encrypted in the store, and the restore CronJob's own download and
// pg_restore scripts bringing the rows back into a fresh PostgreSQL.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { readFileSync, utimesSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPostgresPrograms, containerEnv, describeWithPrograms, expectSuccess, findPostgresBin, freePort, ProgramCheck,
  RunningProcess, Sandbox, waitFor,
} from '../support/real-databases';

jest.setTimeout(180_000);

/**
 * s3rver in a child process (the test's rclone runs are synchronous and would block a server in this process):
 * it prints its port once listening.
 */
function startS3rver(directory: string, bucket: string): { child: ChildProcess; port: Promise<number> } {
  const program = `const S3rver = require('s3rver');
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: process.argv[1], configureBuckets: [{ name: process.argv[2] }] })
  .run().then(({ port }) => console.log(port), (e) => { console.error(e); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', program, directory, bucket], { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
  const port = new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (d) => {
      output += String(d);
      if (/^\d+\n/.test(output)) resolve(Number(output.trim()));
    });
    child.stderr!.on('data', (d) => (output += String(d)));
    child.on('exit', (code) => reject(new Error(`s3rver exited (${code}):\n${output}`)));
  });
  return { child, port };
}

const PASSWORD = 'offsite test pass';
const SECRETS = {
  'pg-credentials': { username: 'owner', password: PASSWORD },
  // s3rver's built-in keys: a wrong key would be refused, so the Secret references are exercised.
  'backup-store-keys': { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' },
  'backup-encryption': { BACKUP_ENCRYPTION_PASSWORD: 'a long passphrase kept outside the cluster' },
};

function checkPrograms(): ProgramCheck {
  const rclone = spawnSync('sh', ['-c', 'command -v rclone']).status === 0 ? [] : ['rclone'];
  return { missing: [...checkPostgresPrograms().missing, ...rclone] };
}

describeWithPrograms('off-site backups through rclone to an S3-compatible server, and the restore', checkPrograms(), () => {
  const bin = findPostgresBin()!;
  const pg = (program: string) => join(bin, program);
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let confDir: string;
  let s3: ChildProcess | undefined;
  let s3Endpoint: string;
  const servers: RunningProcess[] = [];

  /** A fresh server from the generated configuration, with the database the engine would create. */
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
    return port;
  }

  function sql(port: number, database: string, query: string): string {
    return expectSuccess(sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'owner', '-d', database, '-v', 'ON_ERROR_STOP=1', '-XtAq', '-c', query],
      { PGPASSWORD: PASSWORD }), query).trim();
  }

  /** Runs a container's own `sh -c` command with its env as the kubelet gives it, cluster values overridden. */
  function runContainer(container: K8sObject, overrides: Record<string, string>, secrets: typeof SECRETS = SECRETS) {
    const env = containerEnv(container, secrets, overrides);
    const [shell, flag, script] = container.command;
    return sandbox.run([shell, flag, script], { ...env, PATH: `${bin}:${process.env.PATH}` });
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
    if (s3 && s3.exitCode === null) {
      const exited = new Promise((resolve) => s3!.once('exit', resolve));
      s3.kill();
      await exited;
    }
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
