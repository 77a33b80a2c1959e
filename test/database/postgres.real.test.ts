// Real PostgreSQL: the generated postgresql.conf and pg_hba.conf boot Debian's postgres, the credentials wiring
// connects, and the backup CronJob's script dumps the database.
import { existsSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPostgresPrograms, containerEnv, describeWithPrograms, expectSuccess, findPostgresBin, freePort, RunningProcess,
  Sandbox, waitFor,
} from '../support/real-databases';

jest.setTimeout(120_000);

const SECRETS = { 'pg-credentials': { 'db-user': 'shop_owner', 'db-pass': 'correct horse battery staple', 'db-url': 'unused' } };

describeWithPrograms('PostgreSQL with the generated configuration', checkPostgresPrograms(), () => {
  const bin = findPostgresBin()!;
  const pg = (program: string) => join(bin, program);
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let server: RunningProcess | undefined;
  let port: number;
  let serverEnv: Record<string, string>;

  beforeAll(async () => {
    // given: a database with typed and raw settings, credentials from an existing Secret with custom key names
    const { platform } = testPlatform();
    const db = new StatefulDatabase(platform, 'postgres', {
      engine: DatabaseEngine.postgres({ version: '16.4', maxConnections: 42, sharedBuffers: '32Mi', settings: { work_mem: '8MB', 'auto_explain.log_min_duration': -1 } }),
      replicas: 1,
      credentials: DatabaseCredentials.fromExistingSecret('pg-credentials', { keys: { username: 'db-user', password: 'db-pass', url: 'db-url' } }),
      backup: { retention: 2 },
    });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(db);
    objects = synth(platform);

    sandbox = new Sandbox('cdk8s-patterns-pg-');
    port = await freePort();
    const configMap = findObject(objects, 'ConfigMap', 'postgres-config');
    const confDir = sandbox.subdir('conf');
    for (const file of Object.keys(configMap.data)) writeFileSync(join(confDir, file), configMap.data[file]);
    const socketDir = sandbox.subdir('socket');
    const dataDir = join(sandbox.subdir('volume'), 'pgdata');
    // The server's env as the kubelet would build it; PGDATA moves into the sandbox.
    serverEnv = containerEnv(podSpecOf(findObject(objects, 'StatefulSet', 'postgres')).containers[0], SECRETS, { PGDATA: dataDir });

    // when: initialized as the image's entrypoint does (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB), then
    // started with the generated config file; only cluster-specific settings are overridden on the command line
    const pwfile = sandbox.write('pwfile', `${serverEnv.POSTGRES_PASSWORD}\n`);
    expectSuccess(sandbox.run([pg('initdb'), '-D', dataDir, '-U', serverEnv.POSTGRES_USER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '-E', 'UTF8', '--no-locale']), 'initdb');
    server = sandbox.start([
      pg('postgres'), '-D', dataDir,
      '-c', `config_file=${join(confDir, 'postgresql.conf')}`,
      '-c', `hba_file=${join(confDir, 'pg_hba.conf')}`,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `port=${port}`,
      '-c', `unix_socket_directories=${socketDir}`,
    ]);
    await waitFor('postgres', () => sandbox.run([pg('pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0, server);
    expectSuccess(psql(serverEnv.POSTGRES_USER, serverEnv.POSTGRES_PASSWORD, 'postgres', `CREATE DATABASE ${serverEnv.POSTGRES_DB}`), 'CREATE DATABASE');
  });

  afterAll(async () => {
    await server?.stop('SIGINT'); // postgres' fast shutdown, the image's STOPSIGNAL
    sandbox?.remove();
  });

  function psql(user: string, password: string, database: string, sql: string) {
    return sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database, '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
      { PGPASSWORD: password });
  }

  test('the server runs with the generated settings', () => {
    // then
    const show = (name: string) => expectSuccess(psql(serverEnv.POSTGRES_USER, serverEnv.POSTGRES_PASSWORD, 'app', `SHOW ${name}`), name).trim();
    expect(show('max_connections')).toBe('42');
    expect(show('shared_buffers')).toBe('32MB');
    expect(show('work_mem')).toBe('8MB');
    expect(show('password_encryption')).toBe('scram-sha-256');
    expect(show('wal_level')).toBe('replica');
  });

  test('a client with the connection env from connectTo writes and reads a row', () => {
    // given: the client's env, with the cluster host and port mapped to the sandbox
    const client = containerEnv(podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0], SECRETS,
      { DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(port) });
    // when
    const run = (sql: string) => expectSuccess(sandbox.run(
      [pg('psql'), '-h', client.DATABASE_HOST, '-p', client.DATABASE_PORT, '-U', client.DATABASE_USER, '-d', client.DATABASE_NAME, '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
      { PGPASSWORD: client.DATABASE_PASSWORD }), sql);
    run('CREATE TABLE orders (id integer PRIMARY KEY, item text NOT NULL)');
    run("INSERT INTO orders VALUES (1, 'kettle')");
    // then
    expect(run('SELECT item FROM orders WHERE id = 1').trim()).toBe('kettle');
  });

  test('a wrong password is refused: pg_hba.conf asks for scram-sha-256 on TCP', () => {
    // when
    const result = psql(serverEnv.POSTGRES_USER, 'wrong', 'app', 'SELECT 1');
    // then
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/password authentication failed/);
  });

  test("the backup CronJob's script dumps the database and keeps the newest backups", () => {
    // given: two older backups and an unrelated file in the backup folder
    const backupDir = sandbox.subdir('backup');
    for (const name of ['postgres-20200101T000000Z.dump', 'postgres-20200102T000000Z.dump', 'notes.txt']) sandbox.write(join('backup', name), 'old');
    const cronJob = findObject(objects, 'CronJob', 'postgres-backup');
    const container = podSpecOf(cronJob).containers[0];
    const env = containerEnv(container, SECRETS, { PGHOST: '127.0.0.1', PGPORT: String(port), BACKUP_DIR: backupDir });
    // when: the job's own command, `sh -c <script>`
    const [shell, flag, script] = container.command;
    const output = expectSuccess(sandbox.run([shell, flag, script], { ...env, PATH: `${bin}:${process.env.PATH}` }), 'backup script');
    // then: a new dump, the newest old one, the unrelated file; the oldest is gone
    const files = readdirSync(backupDir).sort();
    expect(files).toHaveLength(3);
    expect(files).toEqual(expect.arrayContaining(['notes.txt', 'postgres-20200102T000000Z.dump']));
    const dump = files.find((f) => /^postgres-\d{8}T\d{6}Z\.dump$/.test(f) && f !== 'postgres-20200102T000000Z.dump')!;
    expect(output).toContain(`backup ${dump} written`);
    expect(existsSync(join(backupDir, `${dump}.partial`))).toBe(false);
    const listing = expectSuccess(sandbox.run([pg('pg_restore'), '--list', join(backupDir, dump)]), 'pg_restore --list');
    expect(listing).toMatch(/TABLE DATA public orders/);
  });
});

describeWithPrograms('PostgreSQL with the kit\'s default configuration', checkPostgresPrograms(), () => {
  const bin = findPostgresBin()!;
  const pg = (program: string) => join(bin, program);
  const secrets = { 'pg-credentials': { username: 'owner', password: 'default settings pass' } };
  let sandbox: Sandbox;
  let server: RunningProcess | undefined;
  let port: number;

  beforeAll(async () => {
    // given: the engine with no props at all, and the refused settings not overriding anything
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres(), replicas: 1, credentials: DatabaseCredentials.fromExistingSecret('pg-credentials') });
    const objects = synth(platform);
    sandbox = new Sandbox('cdk8s-patterns-pgdef-');
    port = await freePort();
    const confDir = sandbox.subdir('conf');
    const configMap = findObject(objects, 'ConfigMap', 'pg-config');
    for (const file of Object.keys(configMap.data)) writeFileSync(join(confDir, file), configMap.data[file]);
    const dataDir = join(sandbox.subdir('volume'), 'pgdata');
    const env = containerEnv(podSpecOf(findObject(objects, 'StatefulSet', 'pg')).containers[0], secrets, { PGDATA: dataDir });
    const pwfile = sandbox.write('pwfile', `${env.POSTGRES_PASSWORD}\n`);
    expectSuccess(sandbox.run([pg('initdb'), '-D', dataDir, '-U', env.POSTGRES_USER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '--no-locale']), 'initdb');
    // when: only the cluster-specific address, port and socket are moved into the sandbox
    server = sandbox.start([pg('postgres'), '-D', dataDir, '-c', `config_file=${join(confDir, 'postgresql.conf')}`, '-c', `hba_file=${join(confDir, 'pg_hba.conf')}`,
      '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${sandbox.subdir('socket')}`]);
    await waitFor('postgres', () => sandbox.run([pg('pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(port)]).status === 0, server);
  });

  afterAll(async () => {
    await server?.stop('SIGINT');
    sandbox?.remove();
  });

  const psql = (password: string, sql: string) => sandbox.run(
    [pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'owner', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql], { PGPASSWORD: password });

  test('starts, authenticates the credentials with scram-sha-256 and refuses a wrong password', () => {
    // then
    expect(expectSuccess(psql('default settings pass', 'SHOW password_encryption'), 'SHOW').trim()).toBe('scram-sha-256');
    expect(expectSuccess(psql('default settings pass', "SELECT setting FROM pg_settings WHERE name = 'hba_file'"), 'hba_file').trim()).toMatch(/pg_hba\.conf$/);
    const wrong = psql('wrong', 'SELECT 1');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/password authentication failed/);
  });
});
