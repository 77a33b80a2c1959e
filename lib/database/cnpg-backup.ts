// CloudNativePG backups through the Barman Cloud Plugin: the ObjectStore, the Cluster's plugin entry and the
// ScheduledBackup, from the kit's off-site backup options (docs/adr/0011-cloudnative-pg-engine.md).
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { checkCronSchedule } from './cron-schedule';
import { checkObjectStore, CheckedObjectStore, OffsiteBackupOptions, S3_KEYS } from './offsite-backup';
import { schemaViolation } from '../validation/schema-models';

/** The Barman Cloud Plugin's API (its ObjectStore kind) and its name in a Cluster's `plugins`. */
export const BARMAN_CLOUD_API_VERSION = 'barmancloud.cnpg.io/v1';
export const BARMAN_CLOUD_PLUGIN = 'barman-cloud.cloudnative-pg.io';
export const CNPG_API_VERSION = 'postgresql.cnpg.io/v1';

/**
 * Where a CloudNativePG cluster's base backups and WAL go: the off-site options of the kit's own backups, less
 * rclone's (`encryptionSecret`, `image`), plus the store's server-side encryption. barman-cloud does not encrypt
 * on the client: the store encrypts at rest, with its own keys (`AES256`) or a KMS key (`aws:kms`).
 */
export interface CloudNativePgObjectStoreOptions extends Omit<OffsiteBackupOptions, 'encryptionSecret' | 'image'> {
  /**
   * The store's server-side encryption of every object barman-cloud writes. Required: unlike the kit's rclone
   * copies, nothing is encrypted before it leaves the pod, so the choice is stated rather than defaulted.
   * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
   */
  readonly serverSideEncryption: 'AES256' | 'aws:kms';
}

/** Backups of a CloudNativePG cluster: continuous WAL archiving, and base backups on a schedule. */
export interface CloudNativePgBackupOptions {
  /** The object store (S3-compatible) that holds the WAL archive and the base backups. */
  readonly offsite: CloudNativePgObjectStoreOptions;
  /**
   * When base backups run, in cron syntax (five fields or a macro such as `@daily`), in the operator's time
   * zone (UTC in its image).
   * @default '0 3 * * *' (03:00 every day)
   */
  readonly schedule?: string;
}

/** The checked backup settings, and what the cluster's pods need for them. */
export interface CheckedCnpgBackup {
  readonly store: CheckedObjectStore;
  readonly serverSideEncryption: 'AES256' | 'aws:kms';
  /** The ScheduledBackup's six-field schedule (seconds first), or the macro as given. */
  readonly schedule: string;
}

/** Resources of the plugin's sidecar in each instance pod, counted in the footprint. */
export const BARMAN_SIDECAR_RESOURCES = { requests: { cpu: '50m', memory: '128Mi', ephemeralStorage: '64Mi' }, limits: { memory: '256Mi', ephemeralStorage: '1Gi' } };

/** Checks backup options (prop paths under `backup`), reporting on `scope`. */
export function checkCnpgBackup(scope: Construct, options: CloudNativePgBackupOptions, clusterName: string): CheckedCnpgBackup {
  if (typeof options !== 'object' || options === null || typeof options.offsite !== 'object' || options.offsite === null) {
    throw PatternError.invalidProp(scope, 'backup', options, 'must be { offsite: { bucket, endpoint, cidrs, credentialsSecret, serverSideEncryption, ... } } or false');
  }
  const store = checkObjectStore(scope, options.offsite, clusterName);
  const encryption = options.offsite.serverSideEncryption;
  if (encryption !== 'AES256' && encryption !== 'aws:kms') {
    throw PatternError.invalidProp(scope, 'backup.offsite.serverSideEncryption', encryption,
      'must be "AES256" or "aws:kms": barman-cloud does not encrypt on the client, so the store must encrypt at rest');
  }
  const schedule = options.schedule ?? '0 3 * * *';
  checkCronSchedule(scope, 'backup.schedule', schedule);
  const text = schedule.trim();
  // The operator's cron has a seconds field first; macros read the same.
  return { store, serverSideEncryption: encryption, schedule: text.startsWith('@') ? text : `0 ${text.split(/\s+/).join(' ')}` };
}

/** The ObjectStore's `spec.configuration`: the same type as the deprecated in-tree `backup.barmanObjectStore`. */
function storeConfiguration(backup: CheckedCnpgBackup): Record<string, unknown> {
  const { store } = backup;
  const key = (name: string) => ({ name: store.credentialsSecret, key: name });
  return {
    destinationPath: `s3://${store.bucket}/${store.prefix}`,
    endpointURL: store.endpoint,
    s3Credentials: { accessKeyId: key(S3_KEYS[0]), secretAccessKey: key(S3_KEYS[1]) },
    wal: { compression: 'gzip', encryption: backup.serverSideEncryption },
    data: { compression: 'gzip', encryption: backup.serverSideEncryption, jobs: 2 },
  };
}

/**
 * The ObjectStore `<cluster>-backup`. The plugin's API has no kubernetes-models package, so its kind is not
 * checked by the schema check; its `configuration`, which is all the kit sets besides retention and the sidecar,
 * is validated at synth as a Cluster's `backup.barmanObjectStore`, the same Go type in the operator.
 */
export function objectStore(scope: Construct, clusterName: string, backup: CheckedCnpgBackup, labels: Record<string, string>): ApiObject {
  const name = `${clusterName}-backup`;
  const configuration = storeConfiguration(backup);
  const object = new ApiObject(scope, 'ObjectStore', {
    apiVersion: BARMAN_CLOUD_API_VERSION,
    kind: 'ObjectStore',
    metadata: { name, labels },
    spec: {
      retentionPolicy: `${backup.store.retentionDays}d`,
      configuration,
      instanceSidecarConfiguration: {
        // barman-cloud (boto3) reads the region from the env; s3Credentials only take it from a Secret.
        env: [{ name: 'AWS_DEFAULT_REGION', value: backup.store.region }],
        resources: {
          requests: { cpu: BARMAN_SIDECAR_RESOURCES.requests.cpu, memory: BARMAN_SIDECAR_RESOURCES.requests.memory,
            'ephemeral-storage': BARMAN_SIDECAR_RESOURCES.requests.ephemeralStorage },
          limits: { memory: BARMAN_SIDECAR_RESOURCES.limits.memory, 'ephemeral-storage': BARMAN_SIDECAR_RESOURCES.limits.ephemeralStorage },
        },
      },
    },
  });
  object.node.addValidation({
    validate: () => {
      const probe = {
        apiVersion: CNPG_API_VERSION, kind: 'Cluster', metadata: { name: clusterName },
        spec: { instances: 1, storage: { size: '1Gi' }, backup: { barmanObjectStore: (object.toJson() as { spec: { configuration: unknown } }).spec.configuration } },
      };
      const violation = schemaViolation(probe);
      return violation === undefined ? [] : [`ObjectStore ${name}: spec.configuration does not match barman-cloud's BarmanObjectStoreConfiguration: ${violation}`];
    },
  });
  return object;
}

/** The Cluster's `plugins` entry: the plugin archives WAL to the ObjectStore and takes the base backups. */
export function backupPlugin(clusterName: string): Record<string, unknown> {
  return { name: BARMAN_CLOUD_PLUGIN, isWALArchiver: true, parameters: { barmanObjectName: `${clusterName}-backup` } };
}

/** The ScheduledBackup `<cluster>`: base backups through the plugin, taken on a standby when there is one. */
export function scheduledBackup(scope: Construct, clusterName: string, backup: CheckedCnpgBackup, labels: Record<string, string>): ApiObject {
  return new ApiObject(scope, 'ScheduledBackup', {
    apiVersion: CNPG_API_VERSION,
    kind: 'ScheduledBackup',
    metadata: { name: clusterName, labels },
    spec: {
      cluster: { name: clusterName },
      schedule: backup.schedule,
      // The first backup runs at once, so WAL archiving has a base to restore from before the first schedule.
      immediate: true,
      backupOwnerReference: 'self',
      method: 'plugin',
      pluginConfiguration: { name: BARMAN_CLOUD_PLUGIN },
      target: 'prefer-standby',
    },
  });
}
