// The prerequisites report lists what the cluster must already have, read from the output's objects.
import { Environment, PlatformSecret, ResilientMicroservice, SecretSource, StatefulDatabase, DatabaseEngine, DatabaseCredentials, ClusterDns } from '../../lib';
import { prerequisitesReport } from '../../lib/reports';
import { synth, testPlatform } from '../support/objects';

describe('prerequisitesReport', () => {
  test('operators by API version, stores, Secrets from elsewhere, storage, DNS mode and ranges', () => {
    // given
    const { platform } = testPlatform({ environment: Environment.STAGING, secretStore: { name: 'vault' }, dns: ClusterDns.openShift() });
    new PlatformSecret(platform, 'psp', { source: SecretSource.fromStore({ remoteKey: 'k', keys: { key: 'key' } }) });
    new StatefulDatabase(platform, 'pg', {
      engine: DatabaseEngine.postgres({ version: '16.4', databaseName: 'app' }), storage: '1Gi',
      credentials: DatabaseCredentials.fromExistingSecret('pg-credentials'),
    });
    new ResilientMicroservice(platform, 'api', { image: 'registry.example.com/api:1.0.0', secretEnv: { KEY: { secretName: 'psp', key: 'key' } } });
    // when
    const report = prerequisitesReport(platform, synth(platform));
    // then
    expect(report).toContain('| `external-secrets.io/v1` | ExternalSecret | External Secrets Operator (v0.17 or later');
    expect(report).toContain('| `monitoring.coreos.com/v1` | ');
    expect(report).toContain('- Secret stores: `ClusterSecretStore vault`');
    expect(report).toContain('- Secrets made outside this output: `pg-credentials`');
    expect(report).toContain('- Storage classes: `the default StorageClass`');
    expect(report).toContain('- DNS: openshift, port 5353');
    expect(report).toContain('`192.168.0.0/16`');
    expect(report).not.toContain('`psp`');
  });

  test('a platform of plain workloads needs no operator', () => {
    const { platform } = testPlatform({ environment: Environment.DEVELOPMENT });
    new ResilientMicroservice(platform, 'api', { image: 'registry.example.com/api:1.0.0' });
    expect(prerequisitesReport(platform, synth(platform))).toContain('| (none) | | |');
  });
});
