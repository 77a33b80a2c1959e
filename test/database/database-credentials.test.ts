// Database credentials: existing Secret (default), ExternalSecret (schema-checked at synth), plaintext opt-in with a warning.
import { Duration, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { DatabaseCredentials, DatabaseEngine, IDatabaseEngine, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { synthesizeCharts } from '../../lib/synthesis';
import { schemaViolation } from '../../lib/validation/schema-models';
import { collectWarnings } from '../../lib/warnings';
import { optInFindings } from '../support/findings';
import { findObject, K8sObject, objectsOfKind, podSpecOf, synth, testPlatform } from '../support/objects';

function withCredentials(credentials: DatabaseCredentials, engine: IDatabaseEngine = DatabaseEngine.postgres()) {
  const { app, platform } = testPlatform();
  const db = new StatefulDatabase(platform, 'pg', { engine, credentials, replicas: 1, backup: false, metrics: false });
  return { app, db, objects: synth(platform) };
}

const refs = (objects: K8sObject[]) => podSpecOf(findObject(objects, 'StatefulSet', 'pg')).containers[0].env
  .filter((e: K8sObject) => e.valueFrom).map((e: K8sObject) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]);

describe('DatabaseCredentials.fromExistingSecret', () => {
  test('names the Secret and its keys; nothing is emitted', () => {
    // when
    const { objects } = withCredentials(DatabaseCredentials.fromExistingSecret('pg-auth', { keys: { username: 'user', password: 'pass' } }));
    // then
    expect(refs(objects)).toEqual([['POSTGRES_USER', 'pg-auth', 'user'], ['POSTGRES_PASSWORD', 'pg-auth', 'pass']]);
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });

  test('Redis needs only the password key', () => {
    const { objects } = withCredentials(DatabaseCredentials.fromExistingSecret('redis-auth', { keys: { password: 'token' } }), DatabaseEngine.redis());
    expect(refs(objects)).toEqual([['REDISCLI_AUTH', 'redis-auth', 'token']]);
  });

  test('errors: a missing required key, an invalid key, an invalid Secret name', () => {
    expect(() => withCredentials(DatabaseCredentials.fromExistingSecret('pg', { keys: { username: 'u' } })))
      .toThrow('[shop/pg] credentials.keys ({"username":"u"}) does not name the key of Secret "pg" that holds the password ("password"), which PostgreSQL requires');
    expect(() => withCredentials(DatabaseCredentials.fromExistingSecret('pg', { keys: { username: 'u', password: 'p w' } })))
      .toThrow('[shop/pg] credentials.keys.password ("p w") must be a Secret key');
    expect(() => withCredentials(DatabaseCredentials.fromExistingSecret('PG_Secret')))
      .toThrow('[shop/pg] credentials.secretName ("PG_Secret") must be a DNS-1123 subdomain');
  });
});

describe('DatabaseCredentials.fromExternalSecret', () => {
  test('emits an ExternalSecret that writes <name>-credentials, and the pods read that Secret', () => {
    // when
    const { db, objects } = withCredentials(DatabaseCredentials.fromExternalSecret({
      secretStoreName: 'vault', remoteKey: 'shop/pg', properties: { username: 'user', password: 'pass', url: 'dsn' }, refreshInterval: Duration.minutes(15),
    }));
    // then
    const es = findObject(objects, 'ExternalSecret', 'pg-credentials');
    // v1: External Secrets Operator has not served v1beta1 since v0.17.0
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(schemaViolation(es as never)).toBeUndefined();
    expect(es.spec).toEqual({
      refreshInterval: '900s',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      target: { name: 'pg-credentials', creationPolicy: 'Owner' },
      data: [
        { secretKey: 'password', remoteRef: { key: 'shop/pg', property: 'pass' } },
        { secretKey: 'url', remoteRef: { key: 'shop/pg', property: 'dsn' } },
        { secretKey: 'username', remoteRef: { key: 'shop/pg', property: 'user' } },
      ],
    });
    expect(refs(objects)).toEqual([['POSTGRES_USER', 'pg-credentials', 'username'], ['POSTGRES_PASSWORD', 'pg-credentials', 'password']]);
    expect(db.externalSecret?.name).toBe('pg-credentials');
    // the URL holds the engine's own password: clients get their own credentials instead
    const client = new ResilientMicroservice(db.node.scope as Construct, 'orders', { image: 'shop/orders:1.0.0' });
    expect(client.connectTo(db).map((e) => e.name)).not.toContain('DATABASE_URL');
  });

  test('a change that breaks the operator\'s schema fails synth', () => {
    // given
    const { app, db } = withCredentials(DatabaseCredentials.fromExternalSecret({ secretStoreName: 'vault', remoteKey: 'shop/pg' }));
    // when
    db.externalSecret!.addJsonPatch(JsonPatch.replace('/spec/data/0/remoteRef', { property: 'x' }));
    // then
    expect(() => synthesizeCharts(app)).toThrow(/ExternalSecret pg-credentials does not match the external-secrets.io\/v1 schema: .*remoteRef must have required property key/);
  });

  test('errors: an empty remote key, properties without a required part', () => {
    expect(() => withCredentials(DatabaseCredentials.fromExternalSecret({ secretStoreName: 'vault', remoteKey: ' ' })))
      .toThrow('[shop/pg] credentials.remoteKey (" ") must name the secret in the provider');
    expect(() => withCredentials(DatabaseCredentials.fromExternalSecret({ secretStoreName: 'vault', remoteKey: 'k', properties: { password: 'p' } })))
      .toThrow('[shop/pg] credentials.properties ({"password":"p"}) does not name the key of Secret "pg-credentials" that holds the user name');
  });
});

describe('DatabaseCredentials.insecurePlaintext', () => {
  test('emits a Secret with the values and records the opt-in (an error in production)', () => {
    // when
    const { app, db, objects } = withCredentials(DatabaseCredentials.insecurePlaintext({ password: 'hunter2' }));
    // then
    const secret = findObject(objects, 'Secret', 'pg-credentials');
    expect(secret.stringData).toEqual({ username: 'app', password: 'hunter2' });
    expect(db.plaintextSecret?.name).toBe('pg-credentials');
    expect(optInFindings(app)).toEqual([expect.stringMatching(/^\[shop\/pg\/PlaintextSecret\] error policy\/insecure-opt-in Secret\/shop\/pg-credentials: found DatabaseCredentials.insecurePlaintext: the PostgreSQL password is written into the YAML/)]);
  });

  test('no warning without the opt-in', () => {
    const { app } = withCredentials(DatabaseCredentials.fromExistingSecret('pg'));
    expect(collectWarnings(app)).toEqual([]);
    expect(optInFindings(app)).toEqual([]);
  });

  test('an empty password is refused', () => {
    expect(() => withCredentials(DatabaseCredentials.insecurePlaintext({ password: '' })))
      .toThrow('[shop/pg] credentials.password ("") must be a non-empty string');
  });
});
