// Redis on the official image: redis.conf from typed props, the password from the Secret, replicas of pod 0.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { Probe } from '../pod/probes';
import { formatBytes, MemoryQuantity, parseBytes } from '../pod/resources';
import * as k8s from '../private/k8s';
import { checkPinnedImage } from '../private/prop-checks';
import {
  CLIENTS_DIR, DatabaseClient, EngineBackupPlan, EngineContainerPlan, EngineContext, EngineSideContainer, IDatabaseEngine,
  renderSettingLines, retainingBackupScript, secretEnv, SERVICE_USERS_DIR, serviceUserEnv,
} from './engine-contract';
import { redisRestoreCommand } from './redis-restore';
import { checkRedisSettings, RedisSettingValue, renderRedisValue } from './redis-settings';

export type { RedisSettingValue } from './redis-settings';

/** What Redis evicts when `maxmemory` is reached. */
export type RedisEvictionPolicy = 'noeviction' | 'allkeys-lru' | 'allkeys-lfu' | 'allkeys-random'
  | 'volatile-lru' | 'volatile-lfu' | 'volatile-random' | 'volatile-ttl';

/** Props of the Redis engine. */
export interface RedisEngineProps {
  /**
   * The Redis version: the official image's tag, major.minor or major.minor.patch.
   * @default '7.2.5'
   */
  readonly version?: string;
  /**
   * The image, e.g. from a mirror; it must behave like the official one.
   * @default - `redis:<version>` (Docker Hub's official image)
   */
  readonly image?: string;
  /**
   * `maxmemory`: keep it below the container's memory limit.
   * @default - no limit of Redis's own (the container limit applies)
   * @see https://redis.io/docs/latest/develop/reference/eviction/
   */
  readonly maxMemory?: MemoryQuantity;
  /**
   * `maxmemory-policy`.
   * @default 'noeviction'
   */
  readonly maxMemoryPolicy?: RedisEvictionPolicy;
  /**
   * `appendonly`: log every write, so at most a second of writes is lost on a crash (RDB snapshots alone lose
   * up to the snapshot interval).
   * @default true
   * @see https://redis.io/docs/latest/operate/oss_and_stack/management/persistence/
   */
  readonly appendOnly?: boolean;
  /**
   * Further redis.conf directives by name; they override the typed ones. Refused, with an error that says why:
   * `include`, authentication (`requirepass`, `masterauth`, `aclfile`, `user`, `protected-mode`), addresses
   * (`bind`, `port`, `unixsocket`, `tls-*`), replication, files (`dir`, `dbfilename`, `*file`, `*dir`), modules and
   * command switches (`loadmodule`, `rename-command`, `enable-*-command`), `cluster-*`.
   * @default - none
   */
  readonly settings?: Readonly<Record<string, RedisSettingValue>>;
}

const EVICTION_POLICIES: readonly RedisEvictionPolicy[] = [
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
];

/** The file name in the ConfigMap, mounted at `/usr/local/etc/redis`. */
export const REDIS_CONFIG_FILE = 'redis.conf';
/** The script that writes the ACL file (the default user and one user per client) before Redis starts. */
export const REDIS_USERS_FILE = 'acl-users.sh';
/** Where the container writes the ACL file (a writable emptyDir; never in the ConfigMap). */
const ACL_FILE = '/tmp/users.acl';

const PORT = 6379;
const CONFIG_DIR = '/usr/local/etc/redis';
const DATA_MOUNT = '/data';

/**
 * What the service users may run, and nothing else: no key, no channel. The exporter (redis_exporter with the
 * kit's flags: no key checks, no scripts) reads INFO, CONFIG GET, SLOWLOG and LATENCY; `redis-cli --rdb` sends
 * REPLCONF and SYNC, which stream a snapshot and cannot write.
 */
export const REDIS_SERVICE_USER_RULES = {
  metrics: 'resetkeys resetchannels -@all +auth +hello +ping +select +client|setname +client|getname +client|info +info +config|get +slowlog|get +slowlog|len +latency|latest +latency|histogram',
  backup: 'resetkeys resetchannels -@all +auth +replconf +sync',
} as const;

/**
 * The users script: writes the ACL file given as its argument. The default user keeps every right, with the
 * database's password (probes, replication and the restore job use it); each client Secret mounted under
 * CLIENTS_DIR gives a user of that name with every key and channel and every command but the dangerous ones
 * (CONFIG, FLUSHALL, DEBUG, KEYS, ACL, SHUTDOWN, MONITOR, REPLICAOF, ...); the exporter's and the backup job's
 * Secrets under SERVICE_USERS_DIR give `metrics` and `backup` only REDIS_SERVICE_USER_RULES. Passwords are written
 * as SHA-256 hashes (`#<hex>`), so no password can add a rule. See docs/adr/0009-database-users.md.
 */
function usersScript(): string {
  return [
    '# Writes the ACL file from the mounted Secrets (cdk8s-patterns, docs/adr/0009-database-users.md).',
    'set -eu',
    `clients="\${CLIENTS_DIR:-${CLIENTS_DIR}}"`,
    `service="\${SERVICE_USERS_DIR:-${SERVICE_USERS_DIR}}"`,
    'target="$1"',
    'hash() { printf \'%s\' "$1" | sha256sum | cut -d \' \' -f 1; }',
    'umask 077',
    '{',
    '  printf \'user default on #%s ~* &* +@all\\n\' "$(hash "$REDISCLI_AUTH")"',
    '  for dir in "$clients"/*/; do',
    '    [ -f "${dir}password" ] || continue',
    '    name="$(basename "$dir")"',
    '    case "$name" in default|metrics|backup|*[!a-z0-9-]*) echo "acl: $name is not a client user name: skipped" >&2; continue ;; esac',
    '    printf \'user %s on #%s ~* &* +@all -@dangerous\\n\' "$name" "$(hash "$(cat "${dir}password")")"',
    '  done',
    ...(['metrics', 'backup'] as const).map((user) =>
      `  if [ -f "$service/${user}/password" ]; then printf 'user ${user} on #%s ${REDIS_SERVICE_USER_RULES[user]}\\n' "$(hash "$(cat "$service/${user}/password")")"; fi`),
    '} > "$target.partial"',
    'mv "$target.partial" "$target"',
  ].join('\n') + '\n';
}

/**
 * Redis. Replicas beyond the first replicate pod 0 (`replicaof`) and serve reads; there is no automatic
 * failover (Sentinel is not configured).
 * @see https://hub.docker.com/_/redis
 */
export class RedisEngine implements IDatabaseEngine {
  public readonly engineName = 'redis';
  public readonly version: string;
  public readonly image: string;
  public readonly port = PORT;
  public readonly dataMountPath = DATA_MOUNT;
  public readonly configMountPath = CONFIG_DIR;
  public readonly imageUid = 999;
  public readonly exporterPort = 9121;
  public readonly maxMemory?: MemoryQuantity;
  public readonly maxMemoryPolicy: RedisEvictionPolicy;
  public readonly appendOnly: boolean;
  public readonly defaultResources = { requests: { cpu: '100m', memory: '256Mi', ephemeralStorage: '64Mi' } };
  public readonly credentialRequirements = { engineName: 'Redis', requiredKeys: ['password'] as const };
  private readonly settings: Readonly<Record<string, RedisSettingValue>>;

  constructor(props: RedisEngineProps = {}) {
    this.version = props.version ?? '7.2.5';
    this.image = props.image ?? `redis:${this.version}`;
    this.maxMemory = props.maxMemory;
    this.maxMemoryPolicy = props.maxMemoryPolicy ?? 'noeviction';
    this.appendOnly = props.appendOnly ?? true;
    this.settings = props.settings ?? {};
  }

  public validate(scope: IConstruct): void {
    if (typeof this.version !== 'string' || !/^\d{1,2}\.\d{1,2}(\.\d{1,3})?$/.test(this.version)) {
      throw PatternError.invalidProp(scope, 'engine.version', this.version, 'must be a Redis version: major.minor or major.minor.patch, such as "7.2" or "7.2.5"');
    }
    checkPinnedImage(scope, 'engine.image', this.image);
    if (this.maxMemory !== undefined) parseBytes(scope, 'engine.maxMemory', this.maxMemory);
    // Written into redis.conf as is: anything else would stop Redis at start (or add a directive after a newline).
    if (!EVICTION_POLICIES.includes(this.maxMemoryPolicy)) {
      throw PatternError.invalidProp(scope, 'engine.maxMemoryPolicy', this.maxMemoryPolicy, `must be one of ${EVICTION_POLICIES.join(', ')}`);
    }
    checkRedisSettings(scope, this.settings);
  }

  public configFiles(context: EngineContext): Record<string, string> {
    const settings: Record<string, string> = {
      'bind': '* -::*',
      'port': String(PORT),
      'protected-mode': 'yes',
      'daemonize': 'no',
      'logfile': '""',
      'dbfilename': 'dump.rdb',
      'appendonly': this.appendOnly ? 'yes' : 'no',
      'save': '3600 1 300 100 60 10000',
      'maxmemory-policy': this.maxMemoryPolicy,
    };
    if (this.maxMemory !== undefined) {
      settings.maxmemory = formatBytes(parseBytes(context.scope, 'engine.maxMemory', this.maxMemory)).replace(/i$/, 'b').toLowerCase();
    }
    for (const key of Object.keys(this.settings)) settings[key] = renderRedisValue(context.scope, `engine.settings.${key}`, this.settings[key]);
    return { [REDIS_CONFIG_FILE]: renderSettingLines(settings, ' '), [REDIS_USERS_FILE]: usersScript() };
  }

  public container(context: EngineContext): EngineContainerPlan {
    // The passwords reach Redis through the ACL file the users script writes into the pod from the Secrets (as
    // SHA-256 hashes), so they never land in the ConfigMap. The data directory is passed on the command line:
    // Redis changes into `dir` while reading the file, so a path that exists only in the pod would stop the
    // file from loading anywhere else.
    const lines = [
      'set -eu',
      `sh ${CONFIG_DIR}/${REDIS_USERS_FILE} ${ACL_FILE}`,
      `set -- ${CONFIG_DIR}/${REDIS_CONFIG_FILE} --dir ${DATA_MOUNT} --aclfile ${ACL_FILE}`,
    ];
    if (context.replicas > 1) {
      lines.push(`if [ "\${HOSTNAME##*-}" != "0" ]; then set -- "$@" --masterauth "$REDISCLI_AUTH" --replicaof "$PRIMARY_HOST" ${PORT}; fi`);
    }
    lines.push('exec redis-server "$@"');
    const ping = ['sh', '-c', `redis-cli -h 127.0.0.1 -p ${PORT} ping | grep -q PONG`];
    const env: k8s.EnvVar[] = [secretEnv('REDISCLI_AUTH', context.credentials, context.credentials.keys.password!)];
    if (context.replicas > 1) env.push({ name: 'PRIMARY_HOST', value: context.primaryHost });
    return {
      command: ['sh', '-c', lines.join('\n') + '\n'],
      env,
      writablePaths: ['/tmp'],
      liveness: Probe.tcp({ port: this.engineName, period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 6 }),
      readiness: Probe.exec(ping, { period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 3 }),
      startup: Probe.exec(ping, { period: Duration.seconds(5), timeout: Duration.seconds(3), failureThreshold: 60 }),
    };
  }

  /** The client's ACL user: its workload name. */
  public clientUser(scope: IConstruct, clientWorkloadName: string): string {
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(clientWorkloadName) || clientWorkloadName === 'default') {
      throw PatternError.invalidProp(scope, 'connectTo.client', clientWorkloadName, 'must give a Redis user name: a DNS label other than "default"');
    }
    return clientWorkloadName;
  }

  public clientEnv(context: EngineContext, host: string, envPrefix: string, client: DatabaseClient): k8s.EnvVar[] {
    return [
      { name: `${envPrefix}REDIS_HOST`, value: host },
      { name: `${envPrefix}REDIS_PORT`, value: String(PORT) },
      // Replicas are read-only and serve reads that may be a little behind.
      ...(context.replicas > 1 ? [{ name: `${envPrefix}REDIS_READ_HOST`, value: context.readHost }] : []),
      // The client's own ACL user (AUTH <user> <password>), never the default user.
      { name: `${envPrefix}REDIS_USERNAME`, value: client.user },
      { name: `${envPrefix}REDIS_PASSWORD`, valueFrom: { secretKeyRef: { name: client.secretName, key: client.passwordKey } } },
    ];
  }

  /** redis_exporter as the `metrics` user; its Secret is optional, so a missing one costs metrics, not the database. */
  public exporter(context: EngineContext): EngineSideContainer {
    const user = context.serviceUsers.metrics;
    return {
      name: 'metrics',
      image: 'oliver006/redis_exporter:v1.62.0',
      port: this.exporterPort,
      env: [
        { name: 'REDIS_ADDR', value: `redis://127.0.0.1:${PORT}` },
        ...(user ? [{ name: 'REDIS_USER', value: user.user }, serviceUserEnv('REDIS_PASSWORD', user, true)]
          : [secretEnv('REDIS_PASSWORD', context.credentials, context.credentials.keys.password!)]),
      ],
    };
  }

  /**
   * The backup job takes an RDB snapshot as the `backup` user (REPLCONF and SYNC only); the restore job loads a
   * snapshot into a server of its own and copies every key into the database with MIGRATE, as the default user.
   */
  public backup(context: EngineContext, host: string): EngineBackupPlan {
    const target = [{ name: 'REDIS_HOST', value: host }, { name: 'REDIS_PORT', value: String(PORT) }];
    const user = context.serviceUsers.backup;
    const auth = user ? [{ name: 'REDIS_USER', value: user.user }, serviceUserEnv('REDISCLI_AUTH', user)]
      : [secretEnv('REDISCLI_AUTH', context.credentials, context.credentials.keys.password!)];
    return {
      image: this.image,
      // --rdb asks the server for a fresh RDB snapshot over the replication protocol: no volume sharing needed.
      script: retainingBackupScript(context.workloadName, 'rdb',
        `redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT"${user ? ' --user "$REDIS_USER"' : ''} --rdb "$target"`),
      env: [...target, ...auth],
      restoreCommand: redisRestoreCommand(),
      restoreEnv: [...target, secretEnv('REDISCLI_AUTH', context.credentials, context.credentials.keys.password!)],
      restoreHoldsData: true,
    };
  }
}
