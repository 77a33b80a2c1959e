// PostgreSQL on the official image: postgresql.conf and pg_hba.conf from typed props, streaming replicas.
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { Probe } from '../pod/probes';
import { MemoryQuantity, parseBytes } from '../pod/resources';
import * as k8s from '../private/k8s';
import { checkInteger, checkPinnedImage } from '../private/prop-checks';
import {
  CLIENTS_DIR, DatabaseClient, EngineBackupPlan, EngineContainerPlan, EngineContext, EngineSideContainer, IDatabaseEngine,
  renderSettingLines, retainingBackupScript, secretEnv, SERVICE_USERS_DIR, serviceUserEnv,
} from './engine-contract';
import { checkPostgresSettings, PostgresSettingValue, renderPostgresValue } from './postgres-settings';

export type { PostgresSettingValue } from './postgres-settings';

/** Props of the PostgreSQL engine. */
export interface PostgresEngineProps {
  /**
   * The PostgreSQL version: the official image's tag, major or major.minor.
   * @default '16.4'
   */
  readonly version?: string;
  /**
   * The image, e.g. from a mirror; it must behave like the official one.
   * @default - `postgres:<version>` (Docker Hub's official image)
   */
  readonly image?: string;
  /**
   * The database created on first start (`POSTGRES_DB`), given to clients as `DATABASE_NAME`.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * `max_connections`.
   * @default 100
   * @see https://www.postgresql.org/docs/current/runtime-config-connection.html
   */
  readonly maxConnections?: number;
  /**
   * `shared_buffers` (about a quarter of the memory limit is usual).
   * @default '128Mi'
   * @see https://www.postgresql.org/docs/current/runtime-config-resource.html
   */
  readonly sharedBuffers?: MemoryQuantity;
  /**
   * Further postgresql.conf settings by parameter name; they override the typed ones. Refused, with an error
   * that says why: includes, the kit's files, addresses and replication (`hba_file`, `port`, `listen_addresses`,
   * `wal_level`, ...), TLS (`ssl*`), file paths (`*_file`, `*_directory`), commands (`*_command`), libraries by
   * path, and `password_encryption` other than `scram-sha-256`.
   * @default - none
   */
  readonly settings?: Readonly<Record<string, PostgresSettingValue>>;
}

/** The file names in the ConfigMap, mounted at `/etc/postgresql`. */
export const POSTGRES_CONFIG_FILE = 'postgresql.conf';
export const POSTGRES_HBA_FILE = 'pg_hba.conf';
/** The script that creates each client's role; the database container runs it beside postgres. */
export const POSTGRES_ROLES_FILE = 'client-roles.sh';

const PORT = 5432;
const CONFIG_DIR = '/etc/postgresql';
const DATA_MOUNT = '/var/lib/postgresql/data';
/** PGDATA is a subdirectory: initdb refuses a non-empty directory, and a fresh volume holds lost+found. */
const PGDATA = `${DATA_MOUNT}/pgdata`;
const SOCKET_DIR = '/var/run/postgresql';
/** Written into PGDATA by the clone step once pg_basebackup has finished. */
const CLONE_MARKER = 'cdk8s-patterns-clone-complete';
/** The oldest major with `pg_read_all_data`, which the backup role is a member of. */
const OLDEST_MAJOR = 14;

/**
 * The roles script: for each client Secret mounted under CLIENTS_DIR, a LOGIN role with no other attribute, the
 * right to connect to the database and a schema of its own, which it owns (its migrations create its tables
 * there: the search path starts with the role's name). The service users' Secrets under SERVICE_USERS_DIR give
 * `metrics` (member of `pg_monitor`) and `backup` (member of `pg_read_all_data`, and BYPASSRLS so that pg_dump
 * reads every row), neither with a schema or more. Run on the primary only (standbys receive the roles by
 * replication), again whenever a mounted password changes. Values reach SQL only as psql variables, quoted by
 * psql (`:'password'`, `:"role"`), so no password can inject SQL. `--once` applies once and exits. See
 * docs/adr/0009-database-users.md.
 */
const CREATE_ROLE = "SELECT format('CREATE ROLE %I', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \\gexec";

function rolesScript(): string {
  return [
    '# Creates or updates each client\'s role from its mounted Secret (cdk8s-patterns, docs/adr/0009-database-users.md).',
    'set -u',
    `clients="\${CLIENTS_DIR:-${CLIENTS_DIR}}"`,
    `service="\${SERVICE_USERS_DIR:-${SERVICE_USERS_DIR}}"`,
    `export PGHOST="\${ROLES_HOST:-127.0.0.1}" PGPORT="\${ROLES_PORT:-${PORT}}" PGUSER="$POSTGRES_USER" PGPASSWORD="$POSTGRES_PASSWORD" PGDATABASE="$POSTGRES_DB"`,
    'sql() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }',
    '# service_role <name> <BYPASSRLS|NOBYPASSRLS> <predefined role>: a login that only reads, through that role.',
    'service_role() {',
    '  [ -f "$service/$1/password" ] || return 0',
    '  if [ "$1" = "$POSTGRES_USER" ]; then echo "roles: $1 is the superuser, not a service user: skipped" >&2; return 1; fi',
    '  sql -v role="$1" -v rls="$2" -v member="$3" -v db="$POSTGRES_DB" -v password="$(cat "$service/$1/password")" <<\'SQL\' || return 1',
    CREATE_ROLE,
    'ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION :rls INHERIT PASSWORD :\'password\';',
    'GRANT :"member" TO :"role";',
    'GRANT CONNECT ON DATABASE :"db" TO :"role";',
    'SQL',
    '  echo "roles: $1 is up to date"',
    '}',
    'apply() {',
    '  failed=0',
    '  sql -v db="$POSTGRES_DB" <<\'SQL\' || failed=1',
    'REVOKE ALL ON DATABASE :"db" FROM PUBLIC;',
    'REVOKE CREATE ON SCHEMA public FROM PUBLIC;',
    'SQL',
    '  for dir in "$clients"/*/; do',
    '    [ -f "${dir}password" ] || continue',
    '    role="$(basename "$dir")"',
    '    if [ "$role" = "$POSTGRES_USER" ]; then echo "roles: $role is the superuser, not a client: skipped" >&2; failed=1; continue; fi',
    '    sql -v role="$role" -v db="$POSTGRES_DB" -v password="$(cat "${dir}password")" <<\'SQL\' || { failed=1; continue; }',
    CREATE_ROLE,
    'ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD :\'password\';',
    'GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"role";',
    'CREATE SCHEMA IF NOT EXISTS :"role" AUTHORIZATION :"role";',
    'SQL',
    '    echo "roles: $role is up to date"',
    '  done',
    '  service_role metrics NOBYPASSRLS pg_monitor || failed=1',
    '  service_role backup BYPASSRLS pg_read_all_data || failed=1',
    '  return "$failed"',
    '}',
    'applied=""',
    'while :; do',
    '  if pg_isready -q && [ "$(sql -c \'SELECT pg_is_in_recovery()\' 2>/dev/null)" = "f" ]; then',
    '    sum="$({ ls -1 "$clients" "$service"; cat "$clients"/*/password "$service"/*/password; } 2>/dev/null | cksum)"',
    '    if [ "$sum" != "$applied" ]; then',
    '      if apply; then applied="$sum"; elif [ "${1:-}" = "--once" ]; then exit 1; fi',
    '    fi',
    '    if [ "${1:-}" = "--once" ]; then exit 0; fi',
    '  fi',
    '  sleep "${ROLES_INTERVAL:-10}"',
    'done',
  ].join('\n') + '\n';
}

/**
 * PostgreSQL. Replicas beyond the first are hot standbys cloned from pod 0 with `pg_basebackup` and fed by
 * streaming replication; there is no automatic failover (use an operator such as CloudNativePG for that).
 * @see https://hub.docker.com/_/postgres
 */
export class PostgresEngine implements IDatabaseEngine {
  public readonly engineName = 'postgresql';
  public readonly version: string;
  public readonly image: string;
  public readonly port = PORT;
  public readonly dataMountPath = DATA_MOUNT;
  public readonly configMountPath = CONFIG_DIR;
  /** The data directory inside the volume. */
  public readonly pgdata = PGDATA;
  public readonly imageUid = 999;
  public readonly exporterPort = 9187;
  public readonly databaseName: string;
  public readonly maxConnections: number;
  public readonly sharedBuffers: MemoryQuantity;
  public readonly defaultResources = { requests: { cpu: '250m', memory: '512Mi', ephemeralStorage: '256Mi' }, limits: { ephemeralStorage: '1Gi' } };
  public readonly credentialRequirements = { engineName: 'PostgreSQL', requiredKeys: ['username', 'password'] as const };
  private readonly settings: Readonly<Record<string, PostgresSettingValue>>;

  constructor(props: PostgresEngineProps = {}) {
    this.version = props.version ?? '16.4';
    this.image = props.image ?? `postgres:${this.version}`;
    this.databaseName = props.databaseName ?? 'app';
    this.maxConnections = props.maxConnections ?? 100;
    this.sharedBuffers = props.sharedBuffers ?? '128Mi';
    this.settings = props.settings ?? {};
  }

  public validate(scope: IConstruct): void {
    if (typeof this.version !== 'string' || !/^\d{1,2}(\.\d{1,2})?$/.test(this.version)) {
      throw PatternError.invalidProp(scope, 'engine.version', this.version, 'must be a PostgreSQL version: major or major.minor, such as "16" or "16.4"');
    }
    if (Number(this.version.split('.')[0]) < OLDEST_MAJOR) {
      throw PatternError.invalidProp(scope, 'engine.version', this.version,
        `must be PostgreSQL ${OLDEST_MAJOR} or newer: standbys keep their WAL through replication slots capped by max_slot_wal_keep_size, and the backup role reads through pg_read_all_data`);
    }
    checkPinnedImage(scope, 'engine.image', this.image);
    if (typeof this.databaseName !== 'string' || !/^[a-z_][a-z0-9_]{0,62}$/.test(this.databaseName)) {
      throw PatternError.invalidProp(scope, 'engine.databaseName', this.databaseName,
        'must be a plain PostgreSQL identifier: lower-case letters, digits and \'_\', not starting with a digit, at most 63 characters');
    }
    checkInteger(scope, 'engine.maxConnections', this.maxConnections, 1, 262_143);
    const buffers = parseBytes(scope, 'engine.sharedBuffers', this.sharedBuffers);
    if (buffers % 1024 !== 0) {
      throw PatternError.invalidProp(scope, 'engine.sharedBuffers', this.sharedBuffers, 'must be a whole number of KiB');
    }
    checkPostgresSettings(scope, this.settings);
  }

  public configFiles(context: EngineContext): Record<string, string> {
    const buffersKb = parseBytes(context.scope, 'engine.sharedBuffers', this.sharedBuffers) / 1024;
    const senders = Math.max(10, context.replicas + 2);
    const settings: Record<string, string> = {
      listen_addresses: "'*'",
      port: String(PORT),
      hba_file: `'${CONFIG_DIR}/${POSTGRES_HBA_FILE}'`,
      unix_socket_directories: `'${SOCKET_DIR}'`,
      max_connections: String(this.maxConnections),
      shared_buffers: buffersKb % 1024 === 0 ? `'${buffersKb / 1024}MB'` : `'${buffersKb}kB'`,
      password_encryption: "'scram-sha-256'",
      // Logs go to the container's stderr, where the cluster's log collection reads them.
      log_destination: "'stderr'",
      logging_collector: 'off',
      // Replication is always configured, so scaling from one replica to more needs no restart of the primary
      // (up to 8 standbys; each holds a slot and a sender, and a clone briefly two senders).
      wal_level: 'replica',
      max_wal_senders: String(senders),
      max_replication_slots: String(senders),
      hot_standby: 'on',
      // Each standby's slot keeps the WAL it has not received, but never more than a quarter of the volume: past
      // that the slot is invalidated (the primary's disk matters more) and the standby is cloned again.
      max_slot_wal_keep_size: `'${Math.max(64, Math.floor(context.storageBytes / 4 / 2 ** 20))}MB'`,
    };
    for (const key of Object.keys(this.settings)) settings[key] = renderPostgresValue(context.scope, `engine.settings.${key}`, this.settings[key]);
    const hba = [
      '# TYPE  DATABASE     USER  ADDRESS  METHOD',
      // The socket is reachable only inside the pod (probes, the image\'s initialization scripts).
      'local   all          all            trust',
      'host    all          all   all      scram-sha-256',
      'host    replication  all   all      scram-sha-256',
    ].join('\n') + '\n';
    return { [POSTGRES_CONFIG_FILE]: renderSettingLines(settings, ' = '), [POSTGRES_HBA_FILE]: hba, [POSTGRES_ROLES_FILE]: rolesScript() };
  }

  public container(context: EngineContext): EngineContainerPlan {
    const ready = ['sh', '-c', `pg_isready -q -h 127.0.0.1 -p ${PORT} -U "$POSTGRES_USER"`];
    return {
      // The image's entrypoint initializes PGDATA on first start, then runs postgres with our config file; beside
      // it, the roles script keeps each client's role in line with its Secret. Signals go on to postgres.
      command: ['sh', '-c', [
        'set -eu',
        `docker-entrypoint.sh postgres -c config_file=${CONFIG_DIR}/${POSTGRES_CONFIG_FILE} &`,
        'pid=$!',
        'trap \'kill -TERM "$pid" 2>/dev/null || true\' TERM',
        'trap \'kill -INT "$pid" 2>/dev/null || true\' INT',
        `sh ${CONFIG_DIR}/${POSTGRES_ROLES_FILE} &`,
        'roles=$!',
        'status=0',
        // wait returns early when a trap runs: wait again until postgres has exited.
        'while kill -0 "$pid" 2>/dev/null; do status=0; wait "$pid" || status=$?; done',
        'kill "$roles" 2>/dev/null || true',
        'exit "$status"',
      ].join('\n') + '\n'],
      env: this.serverEnv(context),
      // The socket directory, and /tmp for the entrypoint's nss_wrapper files when the uid has no passwd entry.
      writablePaths: [SOCKET_DIR, '/tmp'],
      // Liveness only asks whether postgres listens, so a busy database is not restarted; readiness asks postgres.
      liveness: Probe.tcp({ port: this.engineName, period: Duration.seconds(10), timeout: Duration.seconds(5), failureThreshold: 6 }),
      readiness: Probe.exec(ready, { period: Duration.seconds(5), timeout: Duration.seconds(5), failureThreshold: 3 }),
      startup: Probe.exec(ready, { period: Duration.seconds(5), timeout: Duration.seconds(5), failureThreshold: 120 }),
      initContainer: context.replicas > 1 ? this.cloneContainer(context) : undefined,
      // Parallel queries and dynamic_shared_memory_type=posix allocate in /dev/shm.
      sharedMemory: true,
    };
  }

  /** The client's role: its workload name with '_' for '-' (`order-service` becomes `order_service`). */
  public clientUser(scope: IConstruct, clientWorkloadName: string): string {
    const role = clientWorkloadName.replace(/-/g, '_');
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role) || role.startsWith('pg_') || role === 'postgres' || role === 'public') {
      throw PatternError.invalidProp(scope, 'connectTo.client', clientWorkloadName,
        'must give a PostgreSQL role name: at most 63 characters, not starting with a digit, not "postgres", "public" or "pg-..." (reserved)');
    }
    return role;
  }

  public clientEnv(context: EngineContext, host: string, envPrefix: string, client: DatabaseClient): k8s.EnvVar[] {
    return [
      { name: `${envPrefix}DATABASE_HOST`, value: host },
      { name: `${envPrefix}DATABASE_PORT`, value: String(PORT) },
      { name: `${envPrefix}DATABASE_NAME`, value: this.databaseName },
      // With standbys, reads that can be a little behind may go to any pod.
      ...(context.replicas > 1 ? [{ name: `${envPrefix}DATABASE_READ_HOST`, value: context.readHost }] : []),
      // The client's own role (not a secret: the kit names it) and its password from the client's Secret.
      { name: `${envPrefix}DATABASE_USER`, value: client.user },
      { name: `${envPrefix}DATABASE_PASSWORD`, valueFrom: { secretKeyRef: { name: client.secretName, key: client.passwordKey } } },
    ];
  }

  /** postgres_exporter as the `metrics` role (pg_monitor); its Secret is optional, so a missing one costs metrics only. */
  public exporter(context: EngineContext): EngineSideContainer {
    const c = context.credentials;
    const user = context.serviceUsers.metrics;
    return {
      name: 'metrics',
      image: 'quay.io/prometheuscommunity/postgres-exporter:v0.15.0',
      port: this.exporterPort,
      env: [
        { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${PORT}/${this.databaseName}?sslmode=disable` },
        ...(user ? [{ name: 'DATA_SOURCE_USER', value: user.user }, serviceUserEnv('DATA_SOURCE_PASS', user, true)]
          : [secretEnv('DATA_SOURCE_USER', c, c.keys.username!), secretEnv('DATA_SOURCE_PASS', c, c.keys.password!)]),
      ],
    };
  }

  /** pg_dump as the `backup` role (pg_read_all_data); pg_restore as the superuser, since a restore writes. */
  public backup(context: EngineContext, host: string): EngineBackupPlan {
    const c = context.credentials;
    const user = context.serviceUsers.backup;
    const target = [{ name: 'PGHOST', value: host }, { name: 'PGPORT', value: String(PORT) }, { name: 'PGDATABASE', value: this.databaseName }];
    const owner = [secretEnv('PGUSER', c, c.keys.username!), secretEnv('PGPASSWORD', c, c.keys.password!)];
    return {
      image: this.image,
      // The custom format is compressed and restores selectively with pg_restore.
      script: retainingBackupScript(context.workloadName, 'dump', 'pg_dump --format=custom --no-password --file="$target"'),
      env: [...target, ...(user ? [{ name: 'PGUSER', value: user.user }, serviceUserEnv('PGPASSWORD', user)] : owner)],
      restoreEnv: [...target, ...owner],
      // One transaction: a failed restore leaves the database as it was; objects are dropped and re-created.
      restoreCommand: 'pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --no-password --dbname="$PGDATABASE" "$source"',
    };
  }

  private serverEnv(context: EngineContext): k8s.EnvVar[] {
    const c = context.credentials;
    return [
      { name: 'PGDATA', value: PGDATA },
      { name: 'POSTGRES_DB', value: this.databaseName },
      secretEnv('POSTGRES_USER', c, c.keys.username!),
      secretEnv('POSTGRES_PASSWORD', c, c.keys.password!),
    ];
  }

  /**
   * On pods other than 0, before postgres starts: keep a standby whose data is complete and whose replication
   * slot on the primary still holds its WAL (it catches up by streaming); otherwise clone the primary again with
   * `pg_basebackup`, creating the slot. A clone is complete only once the marker is written, so an interrupted
   * one is redone rather than started. A data directory that is no longer a standby (promoted by hand) is never
   * overwritten: the container fails and says so. See docs/adr/0008-postgres-replication.md.
   */
  private cloneContainer(context: EngineContext): EngineSideContainer {
    const connect = '-h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U "$POSTGRES_USER"';
    const script = [
      'set -eu',
      'if [ "${HOSTNAME##*-}" = "0" ]; then exit 0; fi',
      // Slot names allow lower-case letters, digits and '_': pg-1 becomes pg_1.
      'slot="$(printf \'%s\' "$HOSTNAME" | tr -c \'a-z0-9\' \'_\')"',
      `marker="$PGDATA/${CLONE_MARKER}"`,
      'export PGPASSWORD="$POSTGRES_PASSWORD"',
      `until pg_isready -q ${connect}; do sleep 2; done`,
      `primary() { psql ${connect} -d postgres -XAtq -v ON_ERROR_STOP=1 -c "$1"; }`,
      'wal_status="$(primary "SELECT wal_status FROM pg_replication_slots WHERE slot_name = \'$slot\'")"',
      'if [ -s "$PGDATA/PG_VERSION" ] && [ -f "$marker" ]; then',
      '  if [ ! -f "$PGDATA/standby.signal" ]; then echo "$PGDATA is no longer a standby (promoted?): not overwriting it" >&2; exit 1; fi',
      '  if [ -n "$wal_status" ] && [ "$wal_status" != "lost" ]; then echo "standby data in place, slot $slot is $wal_status: streaming resumes"; exit 0; fi',
      '  echo "slot $slot is ${wal_status:-missing}: the WAL this standby needs is gone, cloning again"',
      'fi',
      'if [ -n "$wal_status" ]; then',
      '  primary "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = \'$slot\' AND active_pid IS NOT NULL" >/dev/null',
      '  primary "SELECT pg_drop_replication_slot(\'$slot\')" >/dev/null',
      'fi',
      'rm -rf "$PGDATA"',
      `pg_basebackup ${connect} -D "$PGDATA" --write-recovery-conf --wal-method=stream --checkpoint=fast --create-slot --slot="$slot"`,
      'touch "$marker"',
      'echo "cloned from $PRIMARY_HOST with slot $slot"',
    ].join('\n') + '\n';
    return {
      name: 'clone-primary',
      image: this.image,
      command: ['sh', '-c', script],
      env: [...this.serverEnv(context), { name: 'PRIMARY_HOST', value: context.primaryHost }, { name: 'PRIMARY_PORT', value: String(PORT) }],
      writablePaths: ['/tmp'],
      mountsData: true,
    };
  }
}
