// Where a database's credentials come from: an existing Secret, an ExternalSecret, or (opted in) plain text.
import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { PatternError } from '../errors';
import { selectorLabels } from '../labels';
import * as k8s from '../private/k8s';
import { checkDnsLabel, checkDnsSubdomain } from '../private/prop-checks';
import { markInsecureOptIn } from '../insecure-opt-in';
import { Validation } from '../validation/rule';
import { schemaViolation } from '../validation/schema-models';

/** The logical parts of a database credential. */
export type CredentialKey = 'username' | 'password' | 'url';

/** The names of the Secret keys that hold each part. */
export interface CredentialKeys {
  /** The key holding the user name (PostgreSQL requires it; Redis uses its default user). */
  readonly username?: string;
  /** The key holding the password. */
  readonly password?: string;
  /** The key holding a full connection URL of the engine's own user (clients get credentials of their own instead). */
  readonly url?: string;
}

/** Options of `DatabaseCredentials.fromExistingSecret`. */
export interface ExistingSecretOptions {
  /**
   * The keys the Secret holds. When given, this is the complete list: a key the engine requires and that is
   * missing here is an error (nothing is merged from the default).
   * @default { username: 'username', password: 'password' }
   */
  readonly keys?: CredentialKeys;
}

/** Options of `DatabaseCredentials.fromExternalSecret`. */
export interface ExternalSecretOptions {
  /** The SecretStore or ClusterSecretStore that reads the provider. */
  readonly secretStoreName: string;
  /**
   * The kind of the store.
   * @default 'ClusterSecretStore'
   */
  readonly secretStoreKind?: 'SecretStore' | 'ClusterSecretStore';
  /** The provider's key of the secret (e.g. a Vault path or AWS Secrets Manager name). */
  readonly remoteKey: string;
  /**
   * For each credential part, the property of the remote secret that holds it. The Secret the operator
   * writes uses the part names (`username`, `password`, `url`) as keys.
   * @default { username: 'username', password: 'password' }
   */
  readonly properties?: CredentialKeys;
  /**
   * How often the operator re-reads the provider.
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}

/** Plain-text credentials, for local experiments only. */
export interface PlaintextCredentials {
  /** @default 'app' */
  readonly username?: string;
  readonly password: string;
  /** @default - none */
  readonly url?: string;
}

/** Credentials resolved for one database: a Secret name and the keys of each part. */
export interface ResolvedCredentials {
  readonly secretName: string;
  readonly keys: Readonly<Partial<Record<CredentialKey, string>>>;
  /** The ExternalSecret emitted, when the credentials come from External Secrets Operator. */
  readonly externalSecret?: ApiObject;
  /** The Secret emitted, when plain text was opted into. */
  readonly plaintextSecret?: k8s.KubeSecret;
}

/** What an engine needs of the credentials, for the error messages. */
export interface CredentialRequirements {
  readonly engineName: string;
  readonly requiredKeys: readonly CredentialKey[];
}

const DEFAULT_KEYS: CredentialKeys = { username: 'username', password: 'password' };
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
const PART_NAMES: Record<CredentialKey, string> = { username: 'the user name', password: 'the password', url: 'the connection URL' };

/**
 * A database's credentials. Values never appear in the YAML unless `insecurePlaintext` is used.
 * @see https://kubernetes.io/docs/concepts/configuration/secret/
 */
export abstract class DatabaseCredentials {
  /** An existing Secret (created by sealed-secrets, a vault injector, or by hand): the default source. */
  public static fromExistingSecret(secretName: string, options: ExistingSecretOptions = {}): DatabaseCredentials {
    return new ExistingSecretCredentials(secretName, options.keys);
  }

  /** An ExternalSecret (External Secrets Operator) that writes the Secret `<name>-credentials`. */
  public static fromExternalSecret(options: ExternalSecretOptions): DatabaseCredentials {
    return new ExternalSecretCredentials(options);
  }

  /**
   * A Secret with the values in the YAML: anyone who can read the manifests can read them. Synth prints a
   * warning; use it for local experiments only.
   */
  public static insecurePlaintext(values: PlaintextCredentials): DatabaseCredentials {
    return new PlaintextSecretCredentials(values);
  }

  /** @internal */
  public abstract _bind(scope: Construct, workloadName: string, requirements: CredentialRequirements): ResolvedCredentials;
}

/** Checks that every required part is named by a valid Secret key. */
function checkKeys(scope: Construct, prop: string, secretName: string, keys: CredentialKeys, requirements: CredentialRequirements): void {
  for (const part of Object.keys(keys) as CredentialKey[]) {
    const key = keys[part];
    if (key !== undefined && (typeof key !== 'string' || !SECRET_KEY.test(key))) {
      throw PatternError.invalidProp(scope, `${prop}.${part}`, key, 'must be a Secret key: letters, digits, \'-\', \'_\' and \'.\'');
    }
  }
  for (const part of requirements.requiredKeys) {
    if (keys[part] === undefined) {
      throw PatternError.invalidProp(scope, prop, keys,
        `does not name the key of Secret "${secretName}" that holds ${PART_NAMES[part]} ("${part}"), which ${requirements.engineName} requires`);
    }
  }
}

class ExistingSecretCredentials extends DatabaseCredentials {
  constructor(private readonly secretName: string, private readonly keys: CredentialKeys | undefined) {
    super();
  }

  public _bind(scope: Construct, _workloadName: string, requirements: CredentialRequirements): ResolvedCredentials {
    checkDnsSubdomain(scope, 'credentials.secretName', this.secretName);
    const keys = this.keys ?? DEFAULT_KEYS;
    checkKeys(scope, 'credentials.keys', this.secretName, keys, requirements);
    // The Secret is created outside the app: tell the reference check so pods may refer to it.
    Validation.of(scope).declareExternal('Secret', this.secretName);
    return { secretName: this.secretName, keys: { ...keys } };
  }
}

class ExternalSecretCredentials extends DatabaseCredentials {
  constructor(private readonly options: ExternalSecretOptions) {
    super();
  }

  public _bind(scope: Construct, workloadName: string, requirements: CredentialRequirements): ResolvedCredentials {
    const o = this.options;
    checkDnsSubdomain(scope, 'credentials.secretStoreName', o.secretStoreName);
    if (typeof o.remoteKey !== 'string' || o.remoteKey.trim() === '') {
      throw PatternError.invalidProp(scope, 'credentials.remoteKey', o.remoteKey, 'must name the secret in the provider');
    }
    const secretName = `${workloadName}-credentials`;
    const properties = o.properties ?? DEFAULT_KEYS;
    checkKeys(scope, 'credentials.properties', secretName, properties, requirements);
    const refresh = o.refreshInterval?.toSeconds({ integral: false }) ?? 3600;
    if (!Number.isInteger(refresh) || refresh < 1) {
      throw PatternError.invalidProp(scope, 'credentials.refreshInterval', `${refresh}s`, 'must be a whole number of seconds, at least 1');
    }
    const parts = (Object.keys(properties) as CredentialKey[]).filter((p) => properties[p] !== undefined).sort();
    const externalSecret = new ApiObject(scope, 'ExternalSecret', {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: secretName, labels: selectorLabels(workloadName) },
      spec: {
        refreshInterval: `${refresh}s`,
        secretStoreRef: { name: o.secretStoreName, kind: o.secretStoreKind ?? 'ClusterSecretStore' },
        target: { name: secretName, creationPolicy: 'Owner' },
        data: parts.map((part) => ({ secretKey: part, remoteRef: { key: o.remoteKey, property: properties[part] } })),
      },
    });
    // The kit has no typed class for this CRD: validate the object against the operator's schema at synth. The installed
    // models (for kubernetes-models 4) publish v1beta1 only, whose fields the kit's v1 object shares.
    externalSecret.node.addValidation({
      validate: () => {
        // The External Secrets schemas are loaded on first use, not with the kit.
        const violation = schemaViolation(externalSecret.toJson());
        return violation === undefined ? [] : [`ExternalSecret ${secretName} does not match the external-secrets.io/v1 schema: ${violation}`];
      },
    });
    const keys: Partial<Record<CredentialKey, string>> = {};
    for (const part of parts) keys[part] = part;
    return { secretName, keys, externalSecret };
  }
}

class PlaintextSecretCredentials extends DatabaseCredentials {
  constructor(private readonly values: PlaintextCredentials) {
    super();
  }

  public _bind(scope: Construct, workloadName: string, requirements: CredentialRequirements): ResolvedCredentials {
    const data: Partial<Record<CredentialKey, string>> = {
      username: this.values.username ?? 'app', password: this.values.password, url: this.values.url,
    };
    if (typeof data.password !== 'string' || data.password === '') {
      throw PatternError.invalidProp(scope, 'credentials.password', data.password, 'must be a non-empty string');
    }
    checkDnsLabel(scope, 'name', workloadName);
    const secretName = `${workloadName}-credentials`;
    const parts = (Object.keys(data) as CredentialKey[]).filter((p) => data[p] !== undefined).sort();
    const keys: Partial<Record<CredentialKey, string>> = {};
    const stringData: Record<string, string> = {};
    for (const part of parts) {
      keys[part] = part;
      stringData[part] = data[part]!;
    }
    checkKeys(scope, 'credentials', secretName, keys, requirements);
    const plaintextSecret = new k8s.KubeSecret(scope, 'PlaintextSecret', {
      metadata: { name: secretName, labels: selectorLabels(workloadName) },
      type: 'Opaque',
      stringData,
    });
    markInsecureOptIn(plaintextSecret, {
      optIn: 'DatabaseCredentials.insecurePlaintext', risk: `the ${requirements.engineName} password is written into the YAML as Secret "${secretName}"`,
      instead: 'DatabaseCredentials.fromExistingSecret or fromExternalSecret',
    });
    return { secretName, keys, plaintextSecret };
  }
}
