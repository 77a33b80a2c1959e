// A Secret the platform's workloads read, produced in the output by the object its source calls for, so that the
// manifests deploy on a fresh cluster that runs the operators: ExternalSecret, Password generator or SealedSecret.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LabelKeys } from './labels';
import { Platform } from './platform';
import { checkDnsSubdomain, checkProps } from './private/prop-checks';
import { ResolvedSecretSource, SecretSource, SecretStoreRef } from './secret-source';
import { PatternError } from './errors';
import { Validation } from './validation/rule';

/** Props of a PlatformSecret. */
export interface PlatformSecretProps {
  /** Where the values come from. */
  readonly source: SecretSource;
  /**
   * The Secret's name, as workloads refer to it.
   * @default - the construct id
   */
  readonly name?: string;
}

const GENERATORS_API = 'generators.external-secrets.io/v1alpha1';

/**
 * One Secret of the platform and the object that produces it: `new PlatformSecret(shop, 'payment-provider',
 * { source: SecretSource.fromStore({ remoteKey: 'shop/psp', keys: { 'api-key': 'key' } }) })`.
 */
export class PlatformSecret extends Construct {
  /** The Secret's name. */
  public readonly secretName: string;
  /** The objects that produce it (ExternalSecret, Password generator, SealedSecret); none for an existing one. */
  public readonly producers: readonly ApiObject[];

  constructor(scope: Construct, id: string, props: PlatformSecretProps) {
    checkProps(scope, id, props, ['source']);
    super(scope, id);
    if (!(props.source instanceof SecretSource)) {
      throw PatternError.invalidProp(this, 'source', props.source, 'must be made with SecretSource.fromStore(), .generatedPassword(), .sealed() or .existing()');
    }
    this.secretName = props.name ?? id;
    checkDnsSubdomain(this, 'name', this.secretName);
    const platform = Platform.of(this);
    const labels = { ...platform.platformLabels('secret'), [LabelKeys.INSTANCE]: this.secretName };
    const metadata = { name: this.secretName, labels };
    this.producers = this.createProducers(platform, props.source.resolved, metadata);
    platform.registerSecret(this.secretName, props.source.resolved.kind);
  }

  /** The objects that produce the Secret from `source`; none for an existing one. */
  private createProducers(platform: Platform, source: ResolvedSecretSource, metadata: { name: string; labels: Record<string, string> }): ApiObject[] {
    const target = { name: this.secretName, creationPolicy: 'Owner' };
    const producers: ApiObject[] = [];
    switch (source.kind) {
      case 'store': {
        const store = source.store ?? platform.secretStore;
        if (!store) {
          throw PatternError.invalidProp(this, 'source.store', undefined,
            'is needed: name the store here, or set the Platform\'s secretStore ({ name, kind })');
        }
        producers.push(new ApiObject(this, 'ExternalSecret', {
          apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata,
          spec: {
            refreshInterval: `${source.refreshSeconds}s`,
            secretStoreRef: storeRef(store),
            target,
            data: Object.keys(source.keys).sort().map((key) => ({ secretKey: key, remoteRef: { key: source.remoteKey, property: source.keys[key] } })),
          },
        }));
        break;
      }
      case 'generated': {
        const generator = new ApiObject(this, 'PasswordGenerator', {
          apiVersion: GENERATORS_API, kind: 'Password', metadata,
          spec: { length: source.length, digits: Math.floor(source.length / 4), symbols: 0, noUpper: false, allowRepeat: true },
        });
        const data: Record<string, string> = { ...source.literals, [source.key]: '{{ .password }}' };
        producers.push(generator, new ApiObject(this, 'ExternalSecret', {
          apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata,
          spec: {
            // Made once: a new password on every refresh would lock the server's clients out.
            refreshPolicy: 'CreatedOnce',
            target: { ...target, template: { engineVersion: 'v2', data: sortedRecord(data) } },
            dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GENERATORS_API, kind: 'Password', name: this.secretName } } }],
          },
        }));
        break;
      }
      case 'sealed':
        producers.push(new ApiObject(this, 'SealedSecret', {
          apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata,
          spec: { encryptedData: sortedRecord(source.encryptedData), template: { metadata: { name: this.secretName, labels: metadata.labels } } },
        }));
        break;
      case 'existing':
        Validation.of(this).declareExternal('Secret', this.secretName);
        break;
    }
    return producers;
  }
}

function storeRef(store: SecretStoreRef): { name: string; kind: string } {
  return { name: store.name, kind: store.kind ?? 'ClusterSecretStore' };
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.keys(record).sort().map((key) => [key, record[key]]));
}
