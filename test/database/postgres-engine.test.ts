// The PostgreSQL engine: postgresql.conf and pg_hba.conf rendering, defaults, backup and exporter plans, bad settings.
import { DatabaseEngine, StatefulDatabase } from '../../lib';
import { findObject, K8sObject, podSpecOf, synth, testPlatform } from '../support/objects';

function configOf(engine = DatabaseEngine.postgres()): { conf: string; hba: string; objects: K8sObject[] } {
  const { platform } = testPlatform();
  new StatefulDatabase(platform, 'pg', { engine, replicas: 1 });
  const objects = synth(platform);
  const data = findObject(objects, 'ConfigMap', 'pg-config').data;
  return { conf: data['postgresql.conf'], hba: data['pg_hba.conf'], objects };
}

describe('PostgresEngine', () => {
  test('defaults: version 16.4 on the official image, database app, 100 connections, 128MB shared buffers', () => {
    // when
    const engine = DatabaseEngine.postgres();
    // then
    expect(engine).toMatchObject({ version: '16.4', image: 'postgres:16.4', databaseName: 'app', maxConnections: 100, port: 5432, imageUid: 999 });
    const { conf } = configOf(engine);
    expect(conf.split('\n')).toEqual(expect.arrayContaining([
      "listen_addresses = '*'", 'port = 5432', 'max_connections = 100', "shared_buffers = '128MB'",
      "unix_socket_directories = '/var/run/postgresql'", "password_encryption = 'scram-sha-256'", 'wal_level = replica',
    ]));
  });

  test('lines are sorted by parameter, so the output does not depend on the order of props', () => {
    const { conf } = configOf(DatabaseEngine.postgres({ settings: { work_mem: '4MB', autovacuum: true } }));
    const keys = conf.trim().split('\n').map((l) => l.split(' = ')[0]);
    expect(keys).toEqual([...keys].sort());
  });

  test('settings render booleans as on/off, numbers bare and strings quoted with quotes doubled', () => {
    // when
    const { conf } = configOf(DatabaseEngine.postgres({
      settings: { jit: false, random_page_cost: 1.1, application_name: "it's", 'pg_stat_statements.max': 5000 },
    }));
    // then
    expect(conf).toContain('jit = off\n');
    expect(conf).toContain('random_page_cost = 1.1\n');
    expect(conf).toContain("application_name = 'it''s'\n");
    expect(conf).toContain('pg_stat_statements.max = 5000\n');
  });

  test('settings override the typed values', () => {
    const { conf } = configOf(DatabaseEngine.postgres({ maxConnections: 50, settings: { max_connections: 300 } }));
    expect(conf).toContain('max_connections = 300\n');
    expect(conf).not.toContain('max_connections = 50');
  });

  test('sharedBuffers in MB when whole, in kB otherwise', () => {
    expect(configOf(DatabaseEngine.postgres({ sharedBuffers: '1Gi' })).conf).toContain("shared_buffers = '1024MB'");
    expect(configOf(DatabaseEngine.postgres({ sharedBuffers: '1536Ki' })).conf).toContain("shared_buffers = '1536kB'");
  });

  test('pg_hba.conf: trust on the pod-local socket only, scram-sha-256 for every TCP connection and replication', () => {
    const { hba } = configOf();
    const rules = hba.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/));
    expect(rules).toEqual([
      ['local', 'all', 'all', 'trust'],
      ['host', 'all', 'all', 'all', 'scram-sha-256'],
      ['host', 'replication', 'all', 'all', 'scram-sha-256'],
    ]);
  });

  test('an image of your own and a database name', () => {
    const { objects } = configOf(DatabaseEngine.postgres({ image: 'registry.example.com/postgres:16.4-1', databaseName: 'shop_orders' }));
    const c = podSpecOf(findObject(objects, 'StatefulSet', 'pg')).containers[0];
    expect(c.image).toBe('registry.example.com/postgres:16.4-1');
    expect(c.env).toContainEqual({ name: 'POSTGRES_DB', value: 'shop_orders' });
  });

  test('replication: a sender and a slot per standby, WAL kept for slots up to a quarter of the data volume', () => {
    // given
    const conf = (storage: string, replicas: number) => {
      const { platform } = testPlatform();
      new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres(), replicas, storage });
      return findObject(synth(platform), 'ConfigMap', 'pg-config').data['postgresql.conf'];
    };
    // then
    expect(conf('10Gi', 2)).toContain("max_slot_wal_keep_size = '2560MB'\n");
    expect(conf('10Gi', 2)).toContain('max_replication_slots = 10\n');
    expect(conf('10Gi', 2)).toContain('max_wal_senders = 10\n');
    expect(conf('100Mi', 1)).toContain("max_slot_wal_keep_size = '64MB'\n");
    expect(conf('10Gi', 12)).toContain('max_replication_slots = 14\n');
    expect(conf('10Gi', 12)).toContain('max_wal_senders = 14\n');
  });

  test('max_slot_wal_keep_size can be set in settings', () => {
    expect(configOf(DatabaseEngine.postgres({ settings: { max_slot_wal_keep_size: '10GB' } })).conf).toContain("max_slot_wal_keep_size = '10GB'\n");
  });

  describe('bad input', () => {
    test.each(['13', '12', '9.6'])('version %p, older than pg_read_all_data or replication slots with a size cap', (version) => {
      expect(() => configOf(DatabaseEngine.postgres({ version }))).toThrow(
        `[shop/pg] engine.version (${JSON.stringify(version)}) must be PostgreSQL 14 or newer: standbys keep their WAL through replication slots capped by max_slot_wal_keep_size, and the backup role reads through pg_read_all_data`);
    });

    const build = (props: Parameters<typeof DatabaseEngine.postgres>[0]) => () => configOf(DatabaseEngine.postgres(props));

    test.each(['16.4.1', 'v16', 'latest', ''])('version %p', (version) => {
      expect(build({ version })).toThrow(`[shop/pg] engine.version (${JSON.stringify(version)}) must be a PostgreSQL version`);
    });

    test('an unpinned image', () => {
      expect(build({ image: 'postgres:latest' })).toThrow('[shop/pg] engine.image ("postgres:latest") must name a pinned version');
    });

    test('a database name that is not a plain identifier', () => {
      expect(build({ databaseName: 'Orders-DB' })).toThrow('[shop/pg] engine.databaseName ("Orders-DB") must be a plain PostgreSQL identifier');
    });

    test('maxConnections of 0', () => {
      expect(build({ maxConnections: 0 })).toThrow('[shop/pg] engine.maxConnections (0) must be an integer from 1');
    });

    test('sharedBuffers that is not a size', () => {
      expect(build({ sharedBuffers: 'lots' })).toThrow('[shop/pg] engine.sharedBuffers ("lots") must be a positive size');
    });

    test.each(['work-mem', '1st', 'a.b.c', 'Work_Mem', 'x;y'])('a setting named %p', (key) => {
      expect(build({ settings: { [key]: 1 } })).toThrow(`[shop/pg] engine.settings (${JSON.stringify(key)}) is not a valid PostgreSQL parameter name`);
    });

    test.each(['port', 'data_directory', 'hba_file'])('the kit\'s own setting %p', (key) => {
      expect(build({ settings: { [key]: 'x' } })).toThrow(`[shop/pg] engine.settings (${JSON.stringify(key)}) is refused: `);
    });

    test('a value over two lines', () => {
      expect(build({ settings: { application_name: 'a\nb' } })).toThrow('[shop/pg] engine.settings.application_name ("a\\nb") must be a finite number, a boolean, or a string on one line');
    });
  });
});
