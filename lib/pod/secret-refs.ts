// Secret references: workloads read secrets from Secrets that exist in the cluster, never from values in YAML.
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { addEnv, RenderedContainer } from './container';
import { checkDnsLabel } from '../private/prop-checks';
import { Validation } from '../validation/rule';

/** One key of an existing Secret. */
export interface SecretKeyRef {
  /** The Secret's name (created outside the kit, e.g. by External Secrets Operator or sealed-secrets). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/** An existing Secret mounted as files. */
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
