// A database the cloud runs (RDS, Cloud SQL, Azure Database, ElastiCache, Memorystore), as a peer of connectTo with
// the env and Secret contract of a StatefulDatabase of the same engine, reached by an ipBlock egress rule.
import * as k8s from '../private/k8s';
import { CredentialKeys } from './database-credentials';
import { PatternError } from '../errors';
import { ExternalService } from '../network/external-service';
import { checkDataKey, checkDnsLabel, checkDnsSubdomain } from '../private/prop-checks';

/** Props shared by both engines of ManagedDatabase. */
export interface ManagedDatabaseProps {
  /** A name for env-free references, reports and diagrams: a DNS label, e.g. `orders-rds`. */
  readonly name: string;
  /** The endpoint's host name, e.g. `orders.abc123.eu-west-1.rds.amazonaws.com`. */
  readonly host: string;
  /**
   * The port.
   * @default 5432 for PostgreSQL, 6379 for Redis
   */
  readonly port?: number;
  /**
   * The address blocks of the instance's subnets. In a private range they need the Platform's real cluster ranges
   * (`clusterNetwork: ClusterNetwork.of({ internalCidrs })`), so that the cluster's own stay excepted.
   */
  readonly cidrs: readonly string[];
  /** The Secret with the credentials clients use (produce it with a PlatformSecret). */
  readonly credentialsSecret: string;
  /**
   * The keys of that Secret, as for `DatabaseCredentials.fromExistingSecret`.
   * @default { username: 'username', password: 'password' } (Redis: { password: 'password' })
   */
  readonly keys?: CredentialKeys;
}

/** Props of ManagedDatabase.postgres(). */
export interface ManagedPostgresProps extends ManagedDatabaseProps {
  /** The database clients use. */
  readonly databaseName: string;
}

/**
 * A managed database as a connectTo peer: `orders.connectTo(ManagedDatabase.postgres({ ... }))` gives the client
 * DATABASE_HOST, _PORT, _NAME, _USER, _PASSWORD (and _URL when the Secret holds one) exactly as a StatefulDatabase
 * does, plus DATABASE_SSLMODE=verify-full (managed endpoints serve TLS), and egress to its blocks on its port only.
 */
export class ManagedDatabase extends ExternalService {
  /** A managed PostgreSQL (RDS, Aurora, Cloud SQL, Azure Database for PostgreSQL). */
  public static postgres(props: ManagedPostgresProps): ManagedDatabase {
    const where = 'ManagedDatabase.postgres';
    if (typeof props?.databaseName !== 'string' || !/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(props.databaseName)) {
      throw PatternError.invalidProp(where, 'databaseName', props?.databaseName, 'must be a PostgreSQL identifier: letters, digits, \'_\' and \'$\', at most 63');
    }
    return new ManagedDatabase(where, 'postgresql', props, 5432, { username: 'username', password: 'password' }, props.databaseName);
  }

  /** A managed Redis (ElastiCache, Memorystore, Azure Cache for Redis). */
  public static redis(props: ManagedDatabaseProps): ManagedDatabase {
    return new ManagedDatabase('ManagedDatabase.redis', 'redis', props, 6379, { password: 'password' });
  }

  /** The engine the clients speak. */
  public readonly engine: 'postgresql' | 'redis';
  public readonly credentialsSecret: string;
  public readonly keys: CredentialKeys;
  public readonly databaseName?: string;

  private constructor(where: string, engine: 'postgresql' | 'redis', props: ManagedDatabaseProps, defaultPort: number,
    defaultKeys: CredentialKeys, databaseName?: string) {
    if (typeof props !== 'object' || props === null) throw PatternError.invalidProp(where, 'props', props, 'must be an object of props');
    checkDnsLabel(where, 'name', props.name);
    checkDnsSubdomain(where, 'host', props.host);
    checkDnsSubdomain(where, 'credentialsSecret', props.credentialsSecret);
    const keys = props.keys ?? defaultKeys;
    for (const part of Object.keys(keys) as (keyof CredentialKeys)[]) checkDataKey(where, `keys.${part}`, keys[part]!);
    const required = engine === 'postgresql' ? ['username', 'password'] : ['password'];
    for (const part of required) {
      if (keys[part as keyof CredentialKeys] === undefined) {
        throw PatternError.invalidProp(where, 'keys', keys, `must name the key that holds the ${part}, which ${engine === 'postgresql' ? 'PostgreSQL' : 'Redis'} clients need`);
      }
    }
    super(ExternalService.checked(where, { name: props.name, host: props.host, cidrs: props.cidrs, ports: [{ port: props.port ?? defaultPort }] }));
    this.engine = engine;
    this.credentialsSecret = props.credentialsSecret;
    this.keys = { ...keys };
    this.databaseName = databaseName;
  }

  /** The StatefulDatabase contract of the engine, read from `credentialsSecret`. */
  public connectionEnv(envPrefix = ''): k8s.EnvVar[] {
    const secret = (name: string, key: string): k8s.EnvVar => ({ name: `${envPrefix}${name}`, valueFrom: { secretKeyRef: { name: this.credentialsSecret, key } } });
    const port = String(this.ports[0].port);
    if (this.engine === 'redis') {
      return [
        { name: `${envPrefix}REDIS_HOST`, value: this.host! }, { name: `${envPrefix}REDIS_PORT`, value: port },
        secret('REDIS_PASSWORD', this.keys.password!), ...(this.keys.url ? [secret('REDIS_URL', this.keys.url)] : []),
      ];
    }
    return [
      { name: `${envPrefix}DATABASE_HOST`, value: this.host! }, { name: `${envPrefix}DATABASE_PORT`, value: port },
      { name: `${envPrefix}DATABASE_NAME`, value: this.databaseName! },
      secret('DATABASE_USER', this.keys.username!), secret('DATABASE_PASSWORD', this.keys.password!),
      ...(this.keys.url ? [secret('DATABASE_URL', this.keys.url)] : []),
      { name: `${envPrefix}DATABASE_SSLMODE`, value: 'verify-full' },
    ];
  }
}
