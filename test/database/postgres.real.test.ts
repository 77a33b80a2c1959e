// Real PostgreSQL: the generated postgresql.conf and pg_hba.conf boot Debian's postgres, the credentials wiring
// connects, the exporter (Debian's postgres_exporter) scrapes as its pg_monitor role, and the backup CronJob's
// script dumps the database as its read-only role.
import { existsSync, readdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPostgresPrograms, checkPrograms, containerEnv, describeWithPrograms, expectSuccess, findPostgresBin, freePort, layOutProjectedSecrets,
  RunningProcess, Sandbox, scrapeExporter, waitFor,
} from '../support/real-databases';

jest.setTimeout(120_000);

const SECRETS: Record<string, Record<string, string>> = {
  'pg-credentials': { 'db-user': 'shop_owner', 'db-pass': 'correct horse battery staple', 'db-url': 'unused' },
  // Quotes, a backslash and SQL in a password must reach PostgreSQL as a value, never as SQL.
  'postgres-orders-credentials': { password: "it's a \\ \"pass\"'; ALTER ROLE orders SUPERUSER; --" },
  'postgres-catalog-credentials': { password: 'catalog pass' },
  // Debian's postgres_exporter 0.11 cannot parse a DSN whose password has a space (the image's 0.15 can).
  'postgres-metrics-credentials': { password: 'metrics-pass-1' },
  'postgres-backup-credentials': { password: 'backup pass' },
};

const withExporter = (): { missing: string[] } => ({ missing: [...checkPostgresPrograms().missing, ...checkPrograms('prometheus-postgres-exporter').missing] });

describeWithPrograms('PostgreSQL with the generated configuration', withExporter(), () => {
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
      metrics: true,
    });
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.0.0' }).connectTo(db);
    new ResilientMicroservice(platform, 'catalog', { image: 'shop/catalog:1.0.0' }).connectTo(db);
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
    // and: the client and service Secrets as the projected volumes lay them out, and the container's roles script, once
    const spec = podSpecOf(findObject(objects, 'StatefulSet', 'postgres'));
    rolesEnv = {
      ...serverEnv, ROLES_PORT: String(port), PATH: `${bin}:${process.env.PATH}`,
      CLIENTS_DIR: layOutProjectedSecrets(sandbox, spec, 'clients', 'clients', SECRETS),
      SERVICE_USERS_DIR: layOutProjectedSecrets(sandbox, spec, 'service-users', 'service-users', SECRETS),
    };
    const rolesStarted = Date.now();
    rolesOutput = expectSuccess(sandbox.run(['sh', join(confDir, 'client-roles.sh'), '--once'], rolesEnv), 'client-roles.sh');
    rolesMs = Date.now() - rolesStarted;
  });
  let rolesEnv: Record<string, string>;
  let rolesOutput: string;
  let rolesMs: number;

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
    expect(client.DATABASE_USER).toBe('orders');
    expect(client.DATABASE_USER).not.toBe(serverEnv.POSTGRES_USER);
  });

  describe("a client's own role", () => {
    const as = (name: string) => {
      const client = containerEnv(podSpecOf(findObject(objects, 'Deployment', name)).containers[0], SECRETS,
        { DATABASE_HOST: '127.0.0.1', DATABASE_PORT: String(port) });
      return (sql: string) => sandbox.run(
        [pg('psql'), '-h', client.DATABASE_HOST, '-p', client.DATABASE_PORT, '-U', client.DATABASE_USER, '-d', client.DATABASE_NAME, '-v', 'ON_ERROR_STOP=1', '-tA', '-c', sql],
        { PGPASSWORD: client.DATABASE_PASSWORD });
    };

    test('is created from the mounted Secrets, with the password as a value (the SQL in it did nothing)', () => {
      // eslint-disable-next-line no-console
      console.log(`client-roles.sh --once: ${rolesMs} ms for 2 clients`);
      expect(rolesOutput).toContain('roles: orders is up to date');
      expect(rolesOutput).toContain('roles: catalog is up to date');
      const attributes = expectSuccess(psql(serverEnv.POSTGRES_USER, serverEnv.POSTGRES_PASSWORD, 'app',
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname IN ('orders', 'catalog') ORDER BY 1"), 'pg_roles');
      expect(attributes.trim().split('\n')).toEqual(['catalog|f|f|f|f|f|t', 'orders|f|f|f|f|f|t']);
    });

    test('creates a table in its own schema and uses it', () => {
      const orders = as('orders');
      expectSuccess(orders('CREATE TABLE lines (id integer PRIMARY KEY, qty integer NOT NULL)'), 'CREATE TABLE');
      expectSuccess(orders('INSERT INTO lines VALUES (1, 3)'), 'INSERT');
      expectSuccess(orders('ALTER TABLE lines ADD COLUMN note text'), 'ALTER TABLE');
      expect(expectSuccess(orders("SELECT table_schema || '.' || table_name || ' ' || (SELECT qty FROM lines) FROM information_schema.tables WHERE table_name = 'lines'"), 'SELECT').trim())
        .toBe('orders.lines 3');
    });

    test('is no superuser: no COPY TO PROGRAM, no CREATE ROLE, no CREATE DATABASE, no table in public', () => {
      const orders = as('orders');
      expect(expectSuccess(orders('SELECT rolsuper FROM pg_roles WHERE rolname = current_user'), 'rolsuper').trim()).toBe('f');
      const copy = orders("COPY (SELECT 1) TO PROGRAM 'id > /tmp/cdk8s-patterns-pwned'");
      expect(copy.status).not.toBe(0);
      expect(copy.stderr).toMatch(/permission denied|must be superuser|pg_execute_server_program/);
      expect(existsSync('/tmp/cdk8s-patterns-pwned')).toBe(false);
      for (const sql of ['CREATE ROLE intruder LOGIN SUPERUSER', 'CREATE DATABASE other', 'CREATE TABLE public.t (id int)', 'ALTER ROLE orders SUPERUSER']) {
        const result = orders(sql);
        expect({ sql, status: result.status, denied: /permission denied|must be superuser|must have|Only roles with/.test(result.stderr) }).toEqual({ sql, status: 1, denied: true });
      }
    });

    test("cannot read another client's tables", () => {
      const orders = as('orders');
      expectSuccess(as('catalog')('CREATE TABLE items (sku text)'), 'catalog CREATE TABLE');
      const peek = orders('SELECT * FROM catalog.items');
      expect(peek.status).not.toBe(0);
      expect(peek.stderr).toMatch(/permission denied for schema catalog/);
    });

    test('the database refuses a client password it was not given, and the role script runs again without change', () => {
      expect(as('catalog')('SELECT 1').status).toBe(0);
      const wrong = sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'catalog', '-d', 'app', '-c', 'SELECT 1'], { PGPASSWORD: SECRETS['pg-credentials']['db-pass'] });
      expect(wrong.stderr).toMatch(/password authentication failed/);
      // when: the script runs again (as its loop does when a Secret changes)
      expectSuccess(sandbox.run(['sh', join(sandbox.dir, 'conf', 'client-roles.sh'), '--once'], rolesEnv), 'client-roles.sh again');
      // then: the roles and their tables are as they were
      expect(expectSuccess(as('orders')('SELECT qty FROM lines'), 'SELECT after re-run').trim()).toBe('3');
    });
  });

  describe('the service roles', () => {
    const as = (role: 'metrics' | 'backup') => (sql: string) => psql(role, SECRETS[`postgres-${role}-credentials`].password, 'app', sql);

    test('metrics is a pg_monitor member, backup a pg_read_all_data member with BYPASSRLS; neither more', () => {
      expect(rolesOutput).toContain('roles: metrics is up to date');
      expect(rolesOutput).toContain('roles: backup is up to date');
      const attributes = expectSuccess(psql(serverEnv.POSTGRES_USER, serverEnv.POSTGRES_PASSWORD, 'app',
        "SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls, string_agg(m.rolname, ',') FROM pg_roles r "
        + "JOIN pg_auth_members a ON a.member = r.oid JOIN pg_roles m ON m.oid = a.roleid WHERE r.rolname IN ('metrics', 'backup') GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1"), 'pg_roles');
      expect(attributes.trim().split('\n')).toEqual(['backup|f|f|f|f|t|pg_read_all_data', 'metrics|f|f|f|f|f|pg_monitor']);
    });

    test("the exporter's own container scrapes as metrics: PostgreSQL is up", async () => {
      // given: the synthesized exporter container's env, the address moved to the test's port
      const started = Date.now();
      const container = podSpecOf(findObject(objects, 'StatefulSet', 'postgres')).containers.find((c: K8sObject) => c.name === 'metrics');
      const webPort = await freePort();
      const env = container.env.map((e: K8sObject) => (e.name === 'DATA_SOURCE_URI' ? { ...e, value: e.value.replace('127.0.0.1:5432', `127.0.0.1:${port}`) } : e));
      // when
      const { metrics, exporter } = await scrapeExporter(sandbox, ['prometheus-postgres-exporter', `--web.listen-address=127.0.0.1:${webPort}`],
        { ...container, env }, SECRETS, {}, webPort);
      await exporter.stop();
      // then
      expect(metrics).toMatch(/^pg_up 1$/m);
      expect(metrics).toMatch(/^pg_stat_database_xact_commit\{.*datname="app".*\} \d/m);
      expect(exporter.output).not.toMatch(/permission denied/);
      // eslint-disable-next-line no-console
      console.log(`postgres exporter as the metrics role: scraped in ${Date.now() - started} ms`);
    });

    test("metrics reads the statistics, not a client's rows, and writes nothing", () => {
      expect(expectSuccess(as('metrics')("SELECT count(*) > 0 FROM pg_stat_activity WHERE query <> '<insufficient privilege>'"), 'pg_stat_activity').trim()).toBe('t');
      for (const sql of ['SELECT * FROM orders.lines', 'CREATE TABLE public.t (id int)', "COPY (SELECT 1) TO PROGRAM 'true'", 'CREATE ROLE intruder']) {
        const result = as('metrics')(sql);
        expect({ sql, status: result.status, denied: /permission denied|must be superuser|must have|Only roles with/.test(result.stderr) }).toEqual({ sql, status: 1, denied: true });
      }
    });

    test('backup reads every client\'s rows and writes none', () => {
      expect(expectSuccess(as('backup')('SELECT qty FROM orders.lines'), 'SELECT').trim()).toBe('3');
      for (const sql of ['INSERT INTO orders.lines VALUES (2, 1)', 'DELETE FROM orders.lines', 'CREATE TABLE orders.t (id int)', 'TRUNCATE orders.lines', 'CREATE ROLE intruder']) {
        const result = as('backup')(sql);
        expect({ sql, status: result.status, denied: /permission denied|must be superuser|must have|Only roles with/.test(result.stderr) }).toEqual({ sql, status: 1, denied: true });
      }
    });
  });

  test('a wrong password is refused: pg_hba.conf asks for scram-sha-256 on TCP', () => {
    // when
    const result = psql(serverEnv.POSTGRES_USER, 'wrong', 'app', 'SELECT 1');
    // then
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/password authentication failed/);
  });

  test("the backup CronJob's script dumps the database as the backup role and keeps the newest backups", () => {
    // given: two older backups and an unrelated file in the backup folder
    const backupDir = sandbox.subdir('backup');
    for (const name of ['postgres-20200101T000000Z.dump', 'postgres-20200102T000000Z.dump', 'notes.txt']) sandbox.write(join('backup', name), 'old');
    const cronJob = findObject(objects, 'CronJob', 'postgres-backup');
    const container = podSpecOf(cronJob).containers[0];
    const env = containerEnv(container, SECRETS, { PGHOST: '127.0.0.1', PGPORT: String(port), BACKUP_DIR: backupDir });
    expect(env.PGUSER).toBe('backup');
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
    expect(listing).toMatch(/TABLE DATA orders orders/);
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
