// Which raw postgresql.conf settings the PostgreSQL engine refuses, and why: one list, checked in one place.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** A postgresql.conf value: numbers and booleans are written bare (booleans as on/off), strings quoted. */
export type PostgresSettingValue = string | number | boolean;

interface RefusedSetting {
  /** Whether the rule applies to a parameter name. */
  readonly matches: (key: string) => boolean;
  /** Why, as it reads in the error message. */
  readonly reason: string;
}

const named = (...keys: string[]) => (key: string) => keys.includes(key);

/**
 * Parameters that would override what the kit manages (its files, addresses and authentication), read or
 * write files of the server's choosing, or run commands as the postgres user. Checked in order; the first
 * matching rule names the reason.
 */
const REFUSED: readonly RefusedSetting[] = [
  {
    matches: named('include', 'include_if_exists', 'include_dir'),
    reason: 'it reads further configuration from a file, which could override any setting the kit makes',
  },
  {
    matches: named('config_file', 'data_directory', 'hba_file', 'ident_file', 'external_pid_file'),
    reason: 'the kit sets the server\'s own files (config_file, data_directory, hba_file, ident_file, external_pid_file)',
  },
  {
    matches: (key) => key === 'listen_addresses' || key === 'port' || key.startsWith('unix_socket_'),
    reason: 'the kit sets where the server listens (listen_addresses, port, unix_socket_*): probes, Services and NetworkPolicies depend on it',
  },
  {
    matches: (key) => key.startsWith('ssl'),
    reason: 'TLS (ssl*) needs certificate files the kit does not mount',
  },
  {
    matches: named('db_user_namespace', 'krb_server_keyfile', 'krb_caseins_users'),
    reason: 'authentication is the kit\'s (scram-sha-256 from pg_hba.conf)',
  },
  {
    matches: named('wal_level', 'max_wal_senders', 'max_replication_slots', 'hot_standby', 'primary_conninfo', 'primary_slot_name'),
    reason: 'the kit configures streaming replication between the pods',
  },
  {
    matches: named('logging_collector', 'log_destination', 'log_directory', 'log_filename'),
    reason: 'the kit sends logs to stderr, where the cluster collects them',
  },
  {
    matches: (key) => key.endsWith('_command'),
    reason: 'it runs a shell command as the postgres user (archive_command, restore_command and the like)',
  },
  {
    matches: (key) => key === 'archive_library' || key === 'dynamic_library_path' || key === 'jit_provider',
    reason: 'it loads server code from a path of its choosing',
  },
  {
    matches: (key) => /(_file|_dir|_directory|_directories)$/.test(key),
    reason: 'it is a file path on the server, which the kit\'s read-only pods do not provide',
  },
];

/** Settings whose name is accepted but whose value is constrained. */
const PRELOAD_LIBRARIES = ['shared_preload_libraries', 'session_preload_libraries', 'local_preload_libraries'];
const LIBRARY_LIST = /^\s*([A-Za-z0-9_]+\s*(,\s*[A-Za-z0-9_]+\s*)*)?$/;

const SETTING_NAME = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

/**
 * Checks the raw `settings` of the PostgreSQL engine: valid names, none of the refused parameters, values on
 * one line, and constrained values (scram-sha-256 passwords, preload libraries by name from the image).
 * Extension parameters (`pg_stat_statements.max`) are accepted as long as their value is.
 */
export function checkPostgresSettings(scope: IConstruct, settings: Readonly<Record<string, PostgresSettingValue>>): void {
  for (const key of Object.keys(settings)) {
    if (!SETTING_NAME.test(key)) {
      throw PatternError.invalidProp(scope, 'engine.settings', key,
        'is not a valid PostgreSQL parameter name: lower-case letters, digits and \'_\' (one \'.\' for extension settings), not starting with a digit');
    }
    const refused = REFUSED.find((rule) => rule.matches(key));
    if (refused) {
      throw PatternError.invalidProp(scope, 'engine.settings', key,
        `is refused: ${refused.reason}. Remove it; other parameters (work_mem, autovacuum_*, pg_stat_statements.max, ...) are accepted`);
    }
    const value = settings[key];
    renderPostgresValue(scope, `engine.settings.${key}`, value);
    if (key === 'password_encryption' && value !== 'scram-sha-256') {
      throw PatternError.invalidProp(scope, `engine.settings.${key}`, value,
        'is refused: md5 passwords can be replayed and cracked; only \'scram-sha-256\' (the kit\'s own) is valid');
    }
    if (PRELOAD_LIBRARIES.includes(key) && (typeof value !== 'string' || !LIBRARY_LIST.test(value))) {
      throw PatternError.invalidProp(scope, `engine.settings.${key}`, value,
        'must list libraries of the image by name, separated by commas (such as \'pg_stat_statements,auto_explain\'); paths are refused');
    }
  }
}

/** The value as postgresql.conf reads it; refuses values that could start a second line. */
export function renderPostgresValue(scope: IConstruct, prop: string, value: PostgresSettingValue): string {
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && !/[\n\r\0]/.test(value)) return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  throw PatternError.invalidProp(scope, prop, value, 'must be a finite number, a boolean, or a string on one line');
}
