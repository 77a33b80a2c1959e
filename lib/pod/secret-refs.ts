// Secret references: workloads read secrets from Secrets that exist in the cluster, never from values in YAML.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { addEnv, RenderedContainer } from './container';
import { checkAbsolutePath, checkDataKey, checkDnsLabel, checkUnique } from '../private/prop-checks';
import { Validation } from '../validation/rule';

/** One key of an existing Secret. */
export interface SecretKeyRef {
  /** The Secret's name (created outside the kit, e.g. by External Secrets Operator or sealed-secrets). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/**
 * An existing Secret mounted as files, read-only. Each file is mode 0440 (`defaultMode`): the kubelet gives secret
 * files to root and to the pod's fsGroup, which is the gid every container of the pod runs as, so the containers read
 * them through the group and nobody can write them.
 */
export interface SecretFileMount {
  /** The Secret's name. */
  readonly secretName: string;
  /** The directory the keys appear in. */
  readonly mountPath: string;
  /**
   * Only these keys, each as a file of its name.
   * @default - every key of the Secret
   */
  readonly keys?: readonly string[];
}

/**
 * Adds env vars read from existing Secrets to a container, checking each reference and declaring the Secret as
 * external to the kit's validation.
 */
export function addSecretEnv(scope: IConstruct, container: RenderedContainer,
  secretEnv: Readonly<Record<string, SecretKeyRef>> | undefined): void {
  for (const name of Object.keys(secretEnv ?? {})) {
    const ref = secretEnv![name];
    checkDnsLabel(scope, `secretEnv.${name}.secretName`, ref.secretName, 253);
    if (typeof ref.key !== 'string' || !/^[-._a-zA-Z0-9]{1,253}$/.test(ref.key)) {
      throw PatternError.invalidProp(scope, `secretEnv.${name}.key`, ref.key, 'must be a Secret key: letters, digits, \'-\', \'_\' and \'.\'');
    }
    Validation.of(scope).declareExternal('Secret', ref.secretName);
    addEnv(scope, container, { name, valueFrom: { secretKeyRef: { name: ref.secretName, key: ref.key } } });
  }
}

/** The mode of mounted secret files: read by owner (root) and group (the pod's fsGroup), nothing for others. */
const SECRET_FILE_MODE = 0o440;

/**
 * Mounts existing Secrets into a container, read-only, checking each mount and declaring the Secret as external to
 * the kit's validation; returns the volumes, named `<volumePrefix><i>`.
 */
export function mountSecretFiles(scope: IConstruct, prop: string, container: RenderedContainer,
  mounts: readonly SecretFileMount[] | undefined, volumePrefix: string): k8s.Volume[] {
  if (mounts === undefined) return [];
  if (!Array.isArray(mounts)) {
    throw PatternError.invalidProp(scope, prop, mounts, 'must be a list of { secretName, mountPath, keys? }');
  }
  const paths = [...(container.container.volumeMounts ?? []).map((m) => m.mountPath), ...mounts.map((m) => m?.mountPath)];
  const volumes = mounts.map((mount, i) => {
    checkDnsLabel(scope, `${prop}[${i}].secretName`, mount?.secretName, 253);
    checkAbsolutePath(scope, `${prop}[${i}].mountPath`, mount.mountPath, '/etc/secrets');
    const keys: readonly string[] | undefined = mount.keys;
    if (keys !== undefined && (!Array.isArray(keys) || keys.length === 0)) {
      throw PatternError.invalidProp(scope, `${prop}[${i}].keys`, keys, 'must list at least one key of the Secret (or be left out for every key)');
    }
    keys?.forEach((key, k) => checkDataKey(scope, `${prop}[${i}].keys[${k}]`, key));
    if (keys) checkUnique(scope, `${prop}[${i}].keys`, keys);
    Validation.of(scope).declareExternal('Secret', mount.secretName);
    const name = `${volumePrefix}${i}`;
    container.container.volumeMounts!.push({ name, mountPath: mount.mountPath, readOnly: true });
    return {
      name,
      secret: { secretName: mount.secretName, defaultMode: SECRET_FILE_MODE, items: keys?.map((key) => ({ key, path: key })) },
    };
  });
  checkUnique(scope, `${prop}.mountPath`, paths);
  return volumes;
}
