// Real PostgreSQL replication: a primary and a standby from the generated configuration and the clone init
// container's own script; the standby streams, catches up after a burst while stopped (its slot keeps the WAL),
// and is cloned again when the burst outgrew the slot's cap.
import { writeFileSync } from 'fs';
import { join } from 'path';
import { DatabaseCredentials, DatabaseEngine, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';
import {
  checkPostgresPrograms, containerEnv, describeWithPrograms, expectSuccess, findPostgresBin, freePort, RunningProcess,
  Sandbox, waitFor,
} from '../support/real-databases';

jest.setTimeout(240_000);

const SECRETS = { 'pg-credentials': { username: 'owner', password: 'replication test pass' } };
const MB = 2 ** 20;

describeWithPrograms('PostgreSQL primary and standby from the generated configuration', checkPostgresPrograms(), () => {
  const bin = findPostgresBin()!;
  const pg = (program: string) => join(bin, program);
  let objects: K8sObject[];
  let sandbox: Sandbox;
  let confDir: string;
  let primary: RunningProcess | undefined;
  let standby: RunningProcess | undefined;
  let primaryPort: number;
  let standbyPort: number;
  let standbyData: string;

  function startServer(dataDir: string, port: number, socket: string): RunningProcess {
    return sandbox.start([pg('postgres'), '-D', dataDir, '-c', `config_file=${join(confDir, 'postgresql.conf')}`, '-c', `hba_file=${join(confDir, 'pg_hba.conf')}`,
      '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', `unix_socket_directories=${sandbox.subdir(socket)}`]);
  }

  function sql(port: number, query: string): string {
    return expectSuccess(sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(port), '-U', 'owner', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-XtAq', '-c', query],
      { PGPASSWORD: SECRETS['pg-credentials'].password }), query).trim();
  }

  /** The clone init container's own command, as pod 1 would run it, against the sandbox primary. */
  function runCloneStep(): string {
    const init = podSpecOf(findObject(objects, 'StatefulSet', 'pg')).initContainers[0];
    const env = containerEnv(init, SECRETS, { PGDATA: standbyData, PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primaryPort) });
    const [shell, flag, script] = init.command;
    return expectSuccess(sandbox.run([shell, flag, script], { ...env, HOSTNAME: 'pg-1', PATH: `${bin}:${process.env.PATH}` }), 'clone step');
  }

  async function startStandby(): Promise<void> {
    standby = startServer(standbyData, standbyPort, 'standby-socket');
    await waitFor('standby', () => sandbox.run([pg('pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(standbyPort)]).status === 0, standby, 60_000);
  }

  async function waitForStandbyRows(expected: string): Promise<void> {
    await waitFor(`standby with ${expected} rows`, () => {
      const result = sandbox.run([pg('psql'), '-h', '127.0.0.1', '-p', String(standbyPort), '-U', 'owner', '-d', 'postgres', '-XtAq', '-c', 'SELECT count(*) FROM items'],
        { PGPASSWORD: SECRETS['pg-credentials'].password });
      return result.status === 0 && result.stdout.trim() === expected;
    }, standby!, 90_000);
  }

  /** Writes at least `bytes` of WAL on the primary, then checkpoints so that unneeded segments are removed. */
  function burst(bytes: number): number {
    const start = sql(primaryPort, 'SELECT pg_current_wal_lsn()');
    let written = 0;
    while (written < bytes) {
      sql(primaryPort, "INSERT INTO padding SELECT g, repeat(md5(g::text), 30) FROM generate_series(1, 20000) g");
      written = Number(sql(primaryPort, `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '${start}')`));
    }
    sql(primaryPort, 'SELECT pg_switch_wal()');
    sql(primaryPort, 'CHECKPOINT');
    sql(primaryPort, 'CHECKPOINT');
    return written;
  }

  beforeAll(async () => {
    // given: two replicas on a 512Mi volume, so each standby's slot keeps at most 128MB of WAL
    const { platform } = testPlatform();
    new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres(), replicas: 2, storage: '512Mi', credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'),
    });
    objects = synth(platform);
    sandbox = new Sandbox('cdk8s-patterns-pgrepl-');
    confDir = sandbox.subdir('conf');
    const configMap = findObject(objects, 'ConfigMap', 'pg-config');
    for (const file of Object.keys(configMap.data)) writeFileSync(join(confDir, file), configMap.data[file]);
    [primaryPort, standbyPort] = [await freePort(), await freePort()];

    // the primary, initialized as the image's entrypoint does
    const primaryData = join(sandbox.subdir('primary-volume'), 'pgdata');
    const env = containerEnv(podSpecOf(findObject(objects, 'StatefulSet', 'pg')).containers[0], SECRETS, { PGDATA: primaryData });
    const pwfile = sandbox.write('pwfile', `${env.POSTGRES_PASSWORD}\n`);
    expectSuccess(sandbox.run([pg('initdb'), '-D', primaryData, '-U', env.POSTGRES_USER, `--pwfile=${pwfile}`, '-A', 'scram-sha-256', '--no-locale']), 'initdb');
    primary = startServer(primaryData, primaryPort, 'primary-socket');
    await waitFor('primary', () => sandbox.run([pg('pg_isready'), '-q', '-h', '127.0.0.1', '-p', String(primaryPort)]).status === 0, primary);
    sql(primaryPort, 'CREATE TABLE items (id integer PRIMARY KEY)');
    sql(primaryPort, 'CREATE TABLE padding (id integer, pad text)');
    sql(primaryPort, 'INSERT INTO items SELECT generate_series(1, 10)');

    // when: pod 1's clone step runs on an empty volume, then the standby starts
    standbyData = join(sandbox.subdir('standby-volume'), 'pgdata');
    expect(runCloneStep()).toContain('cloned from 127.0.0.1 with slot pg_1');
    await startStandby();
  });

  afterAll(async () => {
    await standby?.stop('SIGINT');
    await primary?.stop('SIGINT');
    sandbox?.remove();
  });

  test('the standby streams from its own slot and serves reads', async () => {
    // when
    sql(primaryPort, 'INSERT INTO items VALUES (11)');
    // then
    await waitForStandbyRows('11');
    expect(sql(primaryPort, "SELECT slot_name, active, wal_status FROM pg_replication_slots")).toBe('pg_1|t|reserved');
    expect(sql(primaryPort, 'SELECT state FROM pg_stat_replication')).toBe('streaming');
    expect(sql(primaryPort, "SHOW max_slot_wal_keep_size")).toBe('128MB');
    expect(sql(standbyPort, 'SELECT pg_is_in_recovery()')).toBe('t');
  });

  test('a restart keeps the standby data: the clone step does not clone again', async () => {
    // given
    await standby!.stop('SIGINT');
    // when
    const output = runCloneStep();
    // then
    expect(output).toContain('standby data in place, slot pg_1 is');
    expect(output).not.toContain('cloned from');
    await startStandby();
    await waitForStandbyRows('11');
  });

  test('stopped through a burst larger than the default WAL (80MB kept), the standby catches up from its slot', async () => {
    // given: the standby is down while 96MB of WAL are written and checkpointed away
    await standby!.stop('SIGINT');
    const written = burst(96 * MB);
    sql(primaryPort, 'INSERT INTO items VALUES (12)');
    expect(written).toBeGreaterThan(80 * MB);
    expect(sql(primaryPort, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'pg_1'")).not.toBe('lost');
    // Without the slot the segment the standby needs would be gone: it lies before the last checkpoint's redo point.
    const needed = sql(primaryPort, "SELECT pg_walfile_name(restart_lsn) FROM pg_replication_slots WHERE slot_name = 'pg_1'");
    const redo = sql(primaryPort, 'SELECT pg_walfile_name(redo_lsn) FROM pg_control_checkpoint()');
    expect(needed < redo).toBe(true);
    expect(sql(primaryPort, `SELECT count(*) FROM pg_ls_waldir() WHERE name = '${needed}'`)).toBe('1');
    // when
    expect(runCloneStep()).not.toContain('cloned from');
    await startStandby();
    // then
    await waitForStandbyRows('12');
  });

  test('stopped through a burst beyond the slot\'s cap, the slot is lost and the clone step clones again', async () => {
    // given: 200MB of WAL while the standby is down, more than the 128MB the slot may keep
    await standby!.stop('SIGINT');
    burst(200 * MB);
    sql(primaryPort, 'INSERT INTO items VALUES (13)');
    expect(sql(primaryPort, "SELECT wal_status FROM pg_replication_slots WHERE slot_name = 'pg_1'")).toBe('lost');
    // when
    const output = runCloneStep();
    // then
    expect(output).toContain('slot pg_1 is lost: the WAL this standby needs is gone, cloning again');
    expect(output).toContain('cloned from 127.0.0.1 with slot pg_1');
    await startStandby();
    await waitForStandbyRows('13');
    expect(sql(primaryPort, "SELECT slot_name, wal_status FROM pg_replication_slots")).toBe('pg_1|reserved');
  });

  test('an interrupted clone (no marker) is cloned again; a promoted standby is never overwritten', async () => {
    // given: the marker removed, as when pg_basebackup was stopped half-way
    await standby!.stop('SIGINT');
    expectSuccess(sandbox.run(['rm', join(standbyData, 'cdk8s-patterns-clone-complete')]), 'rm marker');
    // when / then
    expect(runCloneStep()).toContain('cloned from 127.0.0.1 with slot pg_1');
    // given: a standby promoted by hand
    expectSuccess(sandbox.run(['rm', join(standbyData, 'standby.signal')]), 'rm standby.signal');
    // when
    const init = podSpecOf(findObject(objects, 'StatefulSet', 'pg')).initContainers[0];
    const env = containerEnv(init, SECRETS, { PGDATA: standbyData, PRIMARY_HOST: '127.0.0.1', PRIMARY_PORT: String(primaryPort) });
    const result = sandbox.run([init.command[0], init.command[1], init.command[2]], { ...env, HOSTNAME: 'pg-1', PATH: `${bin}:${process.env.PATH}` });
    // then
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('is no longer a standby (promoted?): not overwriting it');
  });
});
