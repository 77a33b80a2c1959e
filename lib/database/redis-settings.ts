// Which raw redis.conf directives the Redis engine refuses, and why: one list, checked in one place.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** A redis.conf value: booleans are written as yes/no. */
export type RedisSettingValue = string | number | boolean;

interface RefusedDirective {
  readonly matches: (key: string) => boolean;
  readonly reason: string;
}

const named = (...keys: string[]) => (key: string) => keys.includes(key);

/**
 * Directives that would override what the kit manages (files, addresses, authentication, replication), load
 * code, or open commands that reach the server's files. Checked in order; the first match names the reason.
 */
const REFUSED: readonly RefusedDirective[] = [
  {
    matches: named('include'),
    reason: 'it reads further configuration from a file, which could override any directive the kit sets',
  },
  {
    matches: named('requirepass', 'masterauth', 'masteruser', 'aclfile', 'user', 'protected-mode'),
    reason: 'authentication is the kit\'s: the password comes from the credentials (an ACL file or user would replace it)',
  },
  {
    matches: (key) => ['bind', 'port', 'unixsocket', 'unixsocketperm'].includes(key) || key.startsWith('tls-'),
    reason: 'the kit sets where the server listens (bind, port, unixsocket, tls-*): probes, Services and NetworkPolicies depend on it',
  },
  {
    matches: named('replicaof', 'slaveof'),
    reason: 'the kit configures replication of pod 0',
  },
  {
    matches: named('dir', 'dbfilename', 'appendfilename', 'appenddirname', 'logfile', 'pidfile', 'daemonize', 'supervised'),
    reason: 'the kit sets the server\'s files and process (dir, dbfilename, appendfilename, appenddirname, logfile, pidfile, daemonize, supervised)',
  },
  {
    matches: named('rename-command', 'enable-debug-command', 'enable-module-command', 'enable-protected-configs', 'loadmodule'),
    reason: 'it loads modules or opens commands (DEBUG, MODULE, CONFIG of protected paths) that reach the server\'s files and code',
  },
  {
    matches: (key) => key.startsWith('cluster-'),
    reason: 'Redis Cluster is not what the kit runs (replicas of pod 0); its node file is a path on the server',
  },
  {
    matches: (key) => /(file|filename|dir|dirname)$/.test(key),
    reason: 'it is a file path on the server, which the kit\'s read-only pods do not provide',
  },
];

const DIRECTIVE = /^[a-z][a-z0-9-]*$/;

/** Checks the raw `settings` of the Redis engine: valid names, none of the refused directives, values on one line. */
export function checkRedisSettings(scope: IConstruct, settings: Readonly<Record<string, RedisSettingValue>>): void {
  for (const key of Object.keys(settings)) {
    if (!DIRECTIVE.test(key)) {
      throw PatternError.invalidProp(scope, 'engine.settings', key,
        'is not a valid Redis directive name: lower-case letters, digits and \'-\', starting with a letter');
    }
    const refused = REFUSED.find((rule) => rule.matches(key));
    if (refused) {
      throw PatternError.invalidProp(scope, 'engine.settings', key,
        `is refused: ${refused.reason}. Remove it; other directives (hz, maxclients, lazyfree-*, notify-keyspace-events, ...) are accepted`);
    }
    renderRedisValue(scope, `engine.settings.${key}`, settings[key]);
  }
}

/** The value as redis.conf reads it; refuses values that could start a second line. */
export function renderRedisValue(scope: IConstruct, prop: string, value: RedisSettingValue): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && !/[\n\r\0]/.test(value)) {
    return /^[^\s"'\\]+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  throw PatternError.invalidProp(scope, prop, value, 'must be a finite number, a boolean, or a string on one line');
}
