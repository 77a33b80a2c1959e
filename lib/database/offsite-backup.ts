// Off-site backup copies in S3-compatible object storage, encrypted on the client with an rclone `crypt` remote:
// the typed destination, its checks, and the env and scripts the upload and restore containers run.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { ExternalService } from '../network/external-service';
import * as k8s from '../private/k8s';
import { checkDnsSubdomain, checkInteger, checkPinnedImage } from '../private/prop-checks';

/**
 * Where backups are copied to, outside the cluster: a bucket of an S3-compatible store, reached over HTTPS (443).
 * Every copy is encrypted before it leaves the pod (rclone `crypt`: NaCl secretbox, keys derived with scrypt from a
 * password kept in a Secret), so the store never holds a readable dump.
 * @see https://rclone.org/crypt/
 */
export interface OffsiteBackupOptions {
  /** The bucket (it must exist: the job needs no permission to create buckets). */
  readonly bucket: string;
  /** The store's HTTPS endpoint, e.g. `https://s3.eu-central-1.amazonaws.com` (port 443 only). */
  readonly endpoint: string;
  /**
   * The store's address blocks, which the backup and restore pods may reach on 443 (a NetworkPolicy matches
   * addresses, not names: take them from the provider's published ranges).
   */
  readonly cidrs: readonly string[];
  /**
   * Why a block of every address (`0.0.0.0/0`) is needed; without it such a block is refused.
   * @default - any-address blocks are refused
   */
  readonly anyAddressWaiver?: string;
  /**
   * The store's region.
   * @default 'us-east-1'
   */
  readonly region?: string;
  /**
   * The folder inside the bucket: path segments of lowercase letters, digits, `.`, `_` and `-`, separated by `/`.
   * @default - the database's name
   */
  readonly prefix?: string;
  /**
   * The Secret (made outside the output) holding the store's keys as `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
   */
  readonly credentialsSecret: string;
  /**
   * The Secret (made outside the output) holding the encryption password as `BACKUP_ENCRYPTION_PASSWORD`. Keep a
   * copy outside the cluster too: without it no copy can be restored.
   */
  readonly encryptionSecret: string;
  /**
   * How many days copies are kept; older ones are deleted after each successful upload.
   * @default 30
   */
  readonly retentionDays?: number;
  /**
   * The rclone image of the upload and download containers.
   * @default 'rclone/rclone:1.68.2'
   */
  readonly image?: string;
}

/** The env var holding the encryption password, and the key of the encryption Secret it is read from. */
export const ENCRYPTION_PASSWORD_KEY = 'BACKUP_ENCRYPTION_PASSWORD';
/** The keys of the store's credentials Secret. */
export const S3_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/;
const REGION = /^[a-z0-9-]{1,32}$/;
const ENDPOINT = /^https:\/\/([^/:]+)(:443)?\/?$/;

/**
 * A checked off-site destination of one database's backups. rclone reads its whole configuration from env vars
 * (`RCLONE_CONFIG_<REMOTE>_<OPTION>`), so the pods need no config file and no value of a Secret is in the YAML.
 */
export class OffsiteBackup {
  /** Checks `options` (prop paths under `backup.offsite`), reporting on `scope`. */
  public static of(scope: IConstruct, options: OffsiteBackupOptions, databaseName: string): OffsiteBackup {
    const checked = checkObjectStore(scope, options, databaseName);
    checkDnsSubdomain(scope, 'backup.offsite.encryptionSecret', options.encryptionSecret);
    const image = options.image ?? 'rclone/rclone:1.68.2';
    checkPinnedImage(scope, 'backup.offsite.image', image);
    return new OffsiteBackup({ ...checked, encryptionSecret: options.encryptionSecret, image }, checked.store, databaseName);
  }

  public readonly bucket: string;
  public readonly endpoint: string;
  public readonly region: string;
  public readonly prefix: string;
  public readonly retentionDays: number;
  public readonly image: string;
  public readonly credentialsSecret: string;
  public readonly encryptionSecret: string;

  private constructor(options: Omit<CheckedObjectStore, 'store'> & { readonly encryptionSecret: string; readonly image: string },
    /** The store as a destination of egress: its blocks on 443. */
    public readonly store: ExternalService,
    /** The backup files' name prefix (`<name>-<UTC time>.<extension>`). */
    private readonly fileNamePrefix: string) {
    this.bucket = options.bucket;
    this.endpoint = options.endpoint;
    this.region = options.region;
    this.prefix = options.prefix;
    this.retentionDays = options.retentionDays;
    this.image = options.image;
    this.credentialsSecret = options.credentialsSecret;
    this.encryptionSecret = options.encryptionSecret;
  }

  /**
   * rclone's two remotes: `store` (the bucket, never written to directly) and `offsite` (`crypt` over
   * `store:<bucket>/<prefix>`; file names stay readable, with `.bin` appended, so operators can see the dates).
   */
  public env(): k8s.EnvVar[] {
    const literal = (name: string, value: string): k8s.EnvVar => ({ name, value });
    const secret = (name: string, secretName: string, key: string): k8s.EnvVar => ({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
    return [
      literal('HOME', '/tmp'),
      literal('BACKUP_FILE_PREFIX', this.fileNamePrefix),
      literal('RCLONE_CONFIG_STORE_TYPE', 's3'),
      literal('RCLONE_CONFIG_STORE_PROVIDER', 'Other'),
      literal('RCLONE_CONFIG_STORE_ENDPOINT', this.endpoint),
      literal('RCLONE_CONFIG_STORE_REGION', this.region),
      literal('RCLONE_CONFIG_STORE_ENV_AUTH', 'false'),
      // The bucket exists; the keys need no permission to create one.
      literal('RCLONE_CONFIG_STORE_NO_CHECK_BUCKET', 'true'),
      secret('RCLONE_CONFIG_STORE_ACCESS_KEY_ID', this.credentialsSecret, S3_KEYS[0]),
      secret('RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY', this.credentialsSecret, S3_KEYS[1]),
      literal('RCLONE_CONFIG_OFFSITE_TYPE', 'crypt'),
      literal('RCLONE_CONFIG_OFFSITE_REMOTE', `store:${this.bucket}/${this.prefix}`),
      literal('RCLONE_CONFIG_OFFSITE_FILENAME_ENCRYPTION', 'off'),
      literal('RCLONE_CONFIG_OFFSITE_DIRECTORY_NAME_ENCRYPTION', 'false'),
      secret(ENCRYPTION_PASSWORD_KEY, this.encryptionSecret, ENCRYPTION_PASSWORD_KEY),
    ];
  }

  /** Uploads the newest backup in `$BACKUP_DIR` through the crypt remote, then deletes copies older than the retention. */
  public uploadScript(): string {
    return [
      ...PREAMBLE,
      `name="$(ls -1 "$BACKUP_DIR" | grep -E "${FILE_PATTERN}" | sort -r | head -n 1)"`,
      '[ -n "$name" ] || { echo "no backup of $BACKUP_FILE_PREFIX in $BACKUP_DIR" >&2; exit 1; }',
      'rclone copyto "$BACKUP_DIR/$name" "offsite:$name"',
      // Only after a successful upload, and only this database's files: the newest copy is never older than a day.
      `rclone delete --min-age ${this.retentionDays}d --include "$BACKUP_FILE_PREFIX-*" offsite:`,
      'echo "backup $name uploaded"',
    ].join('\n') + '\n';
  }

  /** Downloads and decrypts `$RESTORE_NAME` (or the newest copy when it is `latest`) to `$RESTORE_DIR/backup`. */
  public downloadScript(): string {
    return [
      ...PREAMBLE,
      'name="$RESTORE_NAME"',
      `if [ "$name" = latest ]; then name="$(rclone lsf --files-only offsite: | grep -E "${FILE_PATTERN}" | sort -r | head -n 1)"; fi`,
      '[ -n "$name" ] || { echo "no copy of $BACKUP_FILE_PREFIX in the store" >&2; exit 1; }',
      'rclone copyto "offsite:$name" "$RESTORE_DIR/backup.partial"',
      'mv "$RESTORE_DIR/backup.partial" "$RESTORE_DIR/backup"',
      'echo "backup $name downloaded"',
    ].join('\n') + '\n';
  }
}

/** An object store's checked location and keys, shared by the kit's rclone copies and CloudNativePG's backups. */
export interface CheckedObjectStore {
  readonly bucket: string;
  /** `https://<host>`, without port or path. */
  readonly endpoint: string;
  readonly region: string;
  readonly prefix: string;
  readonly retentionDays: number;
  readonly credentialsSecret: string;
  /** The store as a destination of egress: its blocks on 443. */
  readonly store: ExternalService;
}

/** Checks the store's part of `options` (prop paths under `backup.offsite`), reporting on `scope`. */
export function checkObjectStore(scope: IConstruct, options: Omit<OffsiteBackupOptions, 'encryptionSecret' | 'image'>, databaseName: string): CheckedObjectStore {
  const where = 'backup.offsite';
  if (typeof options !== 'object' || options === null) throw PatternError.invalidProp(scope, where, options, 'must be an object of props');
  if (typeof options.bucket !== 'string' || !BUCKET.test(options.bucket) || options.bucket.includes('..')) {
    throw PatternError.invalidProp(scope, `${where}.bucket`, options.bucket, 'must be an S3 bucket name: 3 to 63 lowercase letters, digits, "." and "-"');
  }
  const endpoint = typeof options.endpoint === 'string' ? ENDPOINT.exec(options.endpoint) : null;
  if (!endpoint) {
    throw PatternError.invalidProp(scope, `${where}.endpoint`, options.endpoint, 'must be an HTTPS URL on port 443 without a path, e.g. "https://s3.eu-central-1.amazonaws.com"');
  }
  checkDnsSubdomain(scope, `${where}.endpoint`, endpoint[1]);
  const region = options.region ?? 'us-east-1';
  if (typeof region !== 'string' || !REGION.test(region)) {
    throw PatternError.invalidProp(scope, `${where}.region`, region, 'must be a region name of lowercase letters, digits and "-", e.g. "eu-central-1"');
  }
  const prefix = options.prefix ?? databaseName;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw PatternError.invalidProp(scope, `${where}.prefix`, prefix, 'must be "/"-separated segments of lowercase letters, digits, ".", "_" and "-", e.g. "shop/orders"');
  }
  checkDnsSubdomain(scope, `${where}.credentialsSecret`, options.credentialsSecret);
  const retentionDays = options.retentionDays ?? 30;
  checkInteger(scope, `${where}.retentionDays`, retentionDays, 1, 3650);
  const store = ExternalService.of({
    name: 'backup-store', cidrs: options.cidrs, ports: [{ port: 443 }], anyAddressWaiver: options.anyAddressWaiver,
  });
  return { bucket: options.bucket, endpoint: `https://${endpoint[1]}`, region, prefix, retentionDays, credentialsSecret: options.credentialsSecret, store };
}

/** rclone wants the crypt password obscured; it is obscured in the pod, read from stdin so it is in no argv. */
const PREAMBLE = [
  'set -eu',
  `[ -n "$${ENCRYPTION_PASSWORD_KEY}" ] || { echo "the encryption password is empty" >&2; exit 1; }`,
  `RCLONE_CONFIG_OFFSITE_PASSWORD="$(printf '%s' "$${ENCRYPTION_PASSWORD_KEY}" | rclone obscure -)"`,
  'export RCLONE_CONFIG_OFFSITE_PASSWORD',
];
const FILE_PATTERN = '^$BACKUP_FILE_PREFIX-[0-9]{8}T[0-9]{6}Z\\.[a-z]+$';
