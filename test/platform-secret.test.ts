// PlatformSecret: each source produces the object that writes the Secret; values never in the YAML.
import { Duration } from 'cdk8s';
import { PlatformSecret, SecretSource } from '../lib';
import { findObject, synth, testPlatform } from './support/objects';

describe('PlatformSecret', () => {
  test('fromStore: an ExternalSecret at external-secrets.io/v1 on the Platform\'s store, one entry per key', () => {
    // given
    const { platform } = testPlatform({ secretStore: { name: 'vault' } });
    // when
    new PlatformSecret(platform, 'payment-provider', {
      source: SecretSource.fromStore({ remoteKey: 'shop/psp', keys: { 'api-key': 'key', 'webhook-secret': 'hook' }, refreshInterval: Duration.minutes(15) }),
    });
    const es = findObject(synth(platform), 'ExternalSecret', 'payment-provider');
    // then
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec).toEqual({
      refreshInterval: '900s',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'payment-provider', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'api-key', remoteRef: { key: 'shop/psp', property: 'key' } },
        { secretKey: 'webhook-secret', remoteRef: { key: 'shop/psp', property: 'hook' } },
      ],
    });
  });

  test('fromStore with its own store overrides the Platform\'s; without either it is refused', () => {
    const { platform } = testPlatform();
    new PlatformSecret(platform, 'a', { source: SecretSource.fromStore({ remoteKey: 'k', keys: { x: 'x' }, store: { name: 'local', kind: 'SecretStore' } }) });
    expect(findObject(synth(platform), 'ExternalSecret', 'a').spec.secretStoreRef).toEqual({ name: 'local', kind: 'SecretStore' });
    expect(() => new PlatformSecret(platform, 'b', { source: SecretSource.fromStore({ remoteKey: 'k', keys: { x: 'x' } }) }))
      .toThrow('[shop/b] source.store (undefined) is needed: name the store here, or set the Platform\'s secretStore');
  });

  test('generatedPassword: an ESO Password generator and an ExternalSecret made once, templating the literals', () => {
    const { platform } = testPlatform();
    new PlatformSecret(platform, 'db', { source: SecretSource.generatedPassword({ length: 40, literals: { username: 'app' } }) });
    const objects = synth(platform);
    expect(findObject(objects, 'Password', 'db')).toMatchObject({
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      spec: { length: 40, digits: 10, symbols: 0, noUpper: false, allowRepeat: true },
    });
    expect(findObject(objects, 'ExternalSecret', 'db').spec).toEqual({
      refreshPolicy: 'CreatedOnce',
      target: { name: 'db', creationPolicy: 'Owner', template: { engineVersion: 'v2', data: { password: '{{ .password }}', username: 'app' } } },
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'db' } } }],
    });
    expect(JSON.stringify(objects)).not.toMatch(/"kind":"Secret"/);
  });

  test('sealed: a SealedSecret of the ciphertext; existing: nothing, the Secret declared to the reference check', () => {
    const { platform } = testPlatform();
    const cipher = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq';
    new PlatformSecret(platform, 'tls-ca', { source: SecretSource.sealed({ encryptedData: { 'ca.crt': cipher } }) });
    const existing = new PlatformSecret(platform, 'legacy', { source: SecretSource.existing() });
    const objects = synth(platform);
    expect(findObject(objects, 'SealedSecret', 'tls-ca').spec.encryptedData).toEqual({ 'ca.crt': cipher });
    expect(existing.producers).toEqual([]);
    expect(platform.platformSecrets.get('legacy')).toBe('existing');
  });

  test('bad input is refused with the path, the prop and what is valid', () => {
    const { platform } = testPlatform({ secretStore: { name: 'vault' } });
    expect(() => SecretSource.fromStore({ remoteKey: '', keys: { a: 'a' } })).toThrow('[SecretSource.fromStore] remoteKey ("") must name the secret in the provider');
    expect(() => SecretSource.fromStore({ remoteKey: 'k', keys: {} })).toThrow('keys ({}) must map each Secret key');
    expect(() => SecretSource.fromStore({ remoteKey: 'k', keys: { 'a/b': 'x' } })).toThrow('keys ("a/b") must be a Secret key');
    expect(() => SecretSource.generatedPassword({ length: 8 })).toThrow('length (8) must be an integer from 16 to 128');
    expect(() => SecretSource.generatedPassword({ literals: { password: 'x' } })).toThrow('literals.password ("x") must not repeat the password\'s key "password"');
    expect(() => SecretSource.sealed({ encryptedData: { key: 'plain text' } })).toThrow('must be the base64 ciphertext kubeseal writes');
    expect(() => testPlatform({ secretStore: { name: 'vault', kind: 'Store' as any } })).toThrow('[shop] secretStore.kind ("Store") must be "ClusterSecretStore" or "SecretStore"');
    expect(() => new PlatformSecret(platform, 'x', { source: { kind: 'store' } as any })).toThrow('[shop/x] source ({"kind":"store"}) must be made with SecretSource.fromStore()');
    new PlatformSecret(platform, 'twice', { source: SecretSource.existing() });
    expect(() => new PlatformSecret(platform, 'twice-again', { name: 'twice', source: SecretSource.existing() })).toThrow('PlatformSecret.name ("twice") is produced twice in this Platform');
  });
});
