// Where a Secret of the platform comes from: an External Secrets Operator store, an ESO password generator, a
// sealed-secrets ciphertext, or the cluster (created by other means). Values never appear in the YAML.
import { Duration } from 'cdk8s';
import { PatternError } from './errors';
import { checkDataKey, checkDnsSubdomain, checkInteger, checkWholeSeconds } from './private/prop-checks';

/** The SecretStore or ClusterSecretStore an ExternalSecret reads from. */
export interface SecretStoreRef {
  /** The store's name. */
  readonly name: string;
  /**
   * Its kind: a ClusterSecretStore serves every namespace, a SecretStore only its own.
   * @default 'ClusterSecretStore'
   */
  readonly kind?: 'ClusterSecretStore' | 'SecretStore';
}

/** Props of SecretSource.fromStore(). */
export interface StoreSecretProps {
  /** The provider's key of the secret: a Vault path, an AWS Secrets Manager name, a GCP secret id. */
  readonly remoteKey: string;
  /** For each key of the Secret, the property of the remote secret that holds it, e.g. `{ 'api-key': 'key' }`. */
  readonly keys: Readonly<Record<string, string>>;
  /**
   * The store to read from.
   * @default - the Platform's `secretStore`
   */
  readonly store?: SecretStoreRef;
  /**
   * How often the operator re-reads the provider.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Props of SecretSource.generatedPassword(). */
export interface GeneratedPasswordProps {
  /**
   * The Secret key that holds the generated password.
   * @default 'password'
   */
  readonly key?: string;
  /**
   * Its length in characters (letters and digits, no symbols, so it fits URLs and config files unescaped).
   * @default 32
   */
  readonly length?: number;
  /**
   * Further keys with fixed, non-secret values (a user name).
   * @default - none
   */
  readonly literals?: Readonly<Record<string, string>>;
}

/** Props of SecretSource.sealed(). */
export interface SealedSecretProps {
  /** The ciphertext of each key, as `kubeseal` writes it for this Secret's name and namespace. */
  readonly encryptedData: Readonly<Record<string, string>>;
}

/** What a source resolves to once checked: the kind of object that produces the Secret and its settings. */
export type ResolvedSecretSource =
  | { readonly kind: 'store'; readonly remoteKey: string; readonly keys: Readonly<Record<string, string>>; readonly store?: SecretStoreRef; readonly refreshSeconds: number }
  | { readonly kind: 'generated'; readonly key: string; readonly length: number; readonly literals: Readonly<Record<string, string>> }
  | { readonly kind: 'sealed'; readonly encryptedData: Readonly<Record<string, string>> }
  | { readonly kind: 'existing' };

/**
 * Where a PlatformSecret's values come from.
 * @see https://external-secrets.io/latest/api/externalsecret/
 */
export class SecretSource {
  /** An ExternalSecret that copies properties of a provider's secret through a store (External Secrets Operator). */
  public static fromStore(props: StoreSecretProps): SecretSource {
    const where = 'SecretSource.fromStore';
    if (typeof props !== 'object' || props === null) throw PatternError.invalidProp(where, 'props', props, 'must be an object of props');
    if (typeof props.remoteKey !== 'string' || props.remoteKey.trim() === '') {
      throw PatternError.invalidProp(where, 'remoteKey', props.remoteKey, 'must name the secret in the provider');
    }
    const keys = checkKeyMap(where, 'keys', props.keys);
    for (const key of Object.keys(keys)) {
      if (typeof keys[key] !== 'string' || keys[key].trim() === '') throw PatternError.invalidProp(where, `keys.${key}`, keys[key], 'must name a property of the remote secret');
    }
    if (props.store !== undefined) checkStore(where, 'store', props.store);
    const refreshSeconds = props.refreshInterval === undefined ? 3600 : checkWholeSeconds(where, 'refreshInterval', props.refreshInterval, 1);
    return new SecretSource({ kind: 'store', remoteKey: props.remoteKey, keys, store: props.store, refreshSeconds });
  }

  /**
   * A random password made once by External Secrets Operator's Password generator, for credentials that no one
   * outside the cluster needs to know (a development database whose clients read the same Secret).
   * @see https://external-secrets.io/latest/api/generator/password/
   */
  public static generatedPassword(props: GeneratedPasswordProps = {}): SecretSource {
    const where = 'SecretSource.generatedPassword';
    const key = props.key ?? 'password';
    checkDataKey(where, 'key', key);
    const length = props.length ?? 32;
    checkInteger(where, 'length', length, 16, 128);
    const literals = props.literals === undefined ? {} : checkKeyMap(where, 'literals', props.literals, false);
    if (key in literals) throw PatternError.invalidProp(where, `literals.${key}`, literals[key], `must not repeat the password's key "${key}"`);
    for (const name of Object.keys(literals)) {
      if (typeof literals[name] !== 'string') throw PatternError.invalidProp(where, `literals.${name}`, literals[name], 'must be a string');
    }
    return new SecretSource({ kind: 'generated', key, length, literals });
  }

  /** A SealedSecret: ciphertext only the cluster's sealed-secrets controller can decrypt. */
  public static sealed(props: SealedSecretProps): SecretSource {
    const where = 'SecretSource.sealed';
    const encryptedData = checkKeyMap(where, 'encryptedData', props?.encryptedData);
    for (const key of Object.keys(encryptedData)) {
      if (typeof encryptedData[key] !== 'string' || !/^[A-Za-z0-9+/]{16,}={0,2}$/.test(encryptedData[key])) {
        throw PatternError.invalidProp(where, `encryptedData.${key}`, String(encryptedData[key]).slice(0, 20), 'must be the base64 ciphertext kubeseal writes');
      }
    }
    return new SecretSource({ kind: 'sealed', encryptedData });
  }

  /** A Secret the cluster already has (created by hand or by another tool): listed as a prerequisite. */
  public static existing(): SecretSource {
    return new SecretSource({ kind: 'existing' });
  }

  private constructor(public readonly resolved: ResolvedSecretSource) {}
}

function checkKeyMap(where: string, prop: string, map: unknown, nonEmpty = true): Record<string, string> {
  if (typeof map !== 'object' || map === null || Array.isArray(map) || (nonEmpty && Object.keys(map).length === 0)) {
    throw PatternError.invalidProp(where, prop, map, 'must map each Secret key to its value source, e.g. { password: "password" }');
  }
  for (const key of Object.keys(map)) checkDataKey(where, prop, key);
  return { ...(map as Record<string, string>) };
}

/** Checks a store reference; errors name `where` and `prop`. */
export function checkStore(where: string, prop: string, store: SecretStoreRef): void {
  if (typeof store !== 'object' || store === null) throw PatternError.invalidProp(where, prop, store, 'must be { name, kind? }');
  checkDnsSubdomain(where, `${prop}.name`, store.name);
  if (store.kind !== undefined && store.kind !== 'ClusterSecretStore' && store.kind !== 'SecretStore') {
    throw PatternError.invalidProp(where, `${prop}.kind`, store.kind, 'must be "ClusterSecretStore" or "SecretStore"');
  }
}
