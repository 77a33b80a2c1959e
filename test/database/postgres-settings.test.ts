// The raw postgresql.conf settings the PostgreSQL engine refuses: every refused key, the reason, what stays accepted.
import { DatabaseEngine, StatefulDatabase } from '../../lib';
import { PostgresSettingValue } from '../../lib/database/postgres-engine';
import { findObject, synth, testPlatform } from '../support/objects';

function confWith(settings: Record<string, PostgresSettingValue>): string {
  const { platform } = testPlatform();
  new StatefulDatabase(platform, 'pg', { engine: DatabaseEngine.postgres({ settings }), replicas: 1 });
  return findObject(synth(platform), 'ConfigMap', 'pg-config').data['postgresql.conf'];
}

const REFUSED: ReadonlyArray<[string, PostgresSettingValue, string]> = [
  ['include', 'extra.conf', 'reads further configuration from a file'],
  ['include_if_exists', 'extra.conf', 'reads further configuration from a file'],
  ['include_dir', 'conf.d', 'reads further configuration from a file'],
  ['config_file', '/tmp/x.conf', "the kit sets the server's own files"],
  ['data_directory', '/tmp/data', "the kit sets the server's own files"],
  ['hba_file', '/tmp/hba.conf', "the kit sets the server's own files"],
  ['ident_file', '/tmp/ident.conf', "the kit sets the server's own files"],
  ['external_pid_file', '/tmp/pid', "the kit sets the server's own files"],
  ['listen_addresses', '127.0.0.1', 'the kit sets where the server listens'],
  ['port', 5433, 'the kit sets where the server listens'],
  ['unix_socket_directories', '/tmp', 'the kit sets where the server listens'],
  ['unix_socket_permissions', '0777', 'the kit sets where the server listens'],
  ['unix_socket_group', 'users', 'the kit sets where the server listens'],
  ['ssl', true, 'TLS (ssl*) needs certificate files'],
  ['ssl_cert_file', '/tmp/cert.pem', 'TLS (ssl*) needs certificate files'],
  ['ssl_key_file', '/tmp/key.pem', 'TLS (ssl*) needs certificate files'],
  ['ssl_passphrase_command', 'cat /tmp/p', 'TLS (ssl*) needs certificate files'],
  ['db_user_namespace', true, "authentication is the kit's"],
  ['krb_server_keyfile', '/tmp/krb', "authentication is the kit's"],
  ['krb_caseins_users', true, "authentication is the kit's"],
  ['wal_level', 'minimal', 'the kit configures streaming replication'],
  ['max_wal_senders', 0, 'the kit configures streaming replication'],
  ['max_replication_slots', 0, 'the kit configures streaming replication'],
  ['hot_standby', false, 'the kit configures streaming replication'],
  ['primary_conninfo', 'host=evil', 'the kit configures streaming replication'],
  ['primary_slot_name', 'x', 'the kit configures streaming replication'],
  ['logging_collector', true, 'the kit sends logs to stderr'],
  ['log_destination', 'csvlog', 'the kit sends logs to stderr'],
  ['log_directory', '/tmp', 'the kit sends logs to stderr'],
  ['log_filename', 'x.log', 'the kit sends logs to stderr'],
  ['archive_command', 'sh -c id', 'runs a shell command as the postgres user'],
  ['restore_command', 'cp %f %p', 'runs a shell command as the postgres user'],
  ['archive_cleanup_command', 'rm -rf /', 'runs a shell command as the postgres user'],
  ['recovery_end_command', 'id', 'runs a shell command as the postgres user'],
  ['archive_library', 'evil', 'loads server code from a path'],
  ['dynamic_library_path', '/tmp', 'loads server code from a path'],
  ['jit_provider', 'evil', 'loads server code from a path'],
  ['stats_temp_directory', '/tmp', 'is a file path on the server'],
  ['some_extension_file', '/tmp/x', 'is a file path on the server'],
  ['cache_dir', '/tmp/x', 'is a file path on the server'],
];

describe('PostgreSQL settings', () => {
  test.each(REFUSED)('%p is refused with the reason and what is valid', (key, value, reason) => {
    // when / then: the path, the prop, the key, why, and what remains valid
    expect(() => confWith({ [key]: value })).toThrow(
      new RegExp(`^\\[shop/pg\\] engine\\.settings \\("${key}"\\) is refused: .*${reason.replace(/[()*]/g, '\\$&')}.*\\. Remove it; other parameters .* are accepted`));
  });


  test.each(['md5', 'on', 'off'])('password_encryption %p is refused: only scram-sha-256', (value) => {
    expect(() => confWith({ password_encryption: value })).toThrow(
      `[shop/pg] engine.settings.password_encryption (${JSON.stringify(value)}) is refused: md5 passwords can be replayed and cracked; only 'scram-sha-256'`);
  });

  test('password_encryption scram-sha-256 is accepted', () => {
    expect(confWith({ password_encryption: 'scram-sha-256' })).toContain("password_encryption = 'scram-sha-256'\n");
  });

  test.each(['shared_preload_libraries', 'session_preload_libraries', 'local_preload_libraries'])('%p: libraries by path are refused', (key) => {
    expect(() => confWith({ [key]: '/tmp/evil.so' })).toThrow(
      `[shop/pg] engine.settings.${key} ("/tmp/evil.so") must list libraries of the image by name, separated by commas`);
    expect(() => confWith({ [key]: '$libdir/../evil' })).toThrow(`engine.settings.${key}`);
    expect(() => confWith({ [key]: 1 })).toThrow(`engine.settings.${key} (1) must list libraries`);
  });

  test('preload libraries by name, search_path and extension settings are accepted', () => {
    // when
    const conf = confWith({
      shared_preload_libraries: 'pg_stat_statements, auto_explain', search_path: '"$user", public',
      'pg_stat_statements.max': 5000, work_mem: '8MB', wal_keep_size: '1GB', max_slot_wal_keep_size: '4GB',
    });
    // then
    expect(conf).toContain("shared_preload_libraries = 'pg_stat_statements, auto_explain'\n");
    expect(conf).toContain("search_path = '\"$user\", public'\n");
    expect(conf).toContain('pg_stat_statements.max = 5000\n');
    expect(conf).toContain("max_slot_wal_keep_size = '4GB'\n");
  });
});
