// Plaintext Secrets and insecure opt-ins: by hand an error, through the kit's opt-ins a warning, in production an
// error; either way waivable with a reason.
import { ApiObject, App, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ApiGateway, DatabaseCredentials, DatabaseEngine, Environment, GatewayTls, Platform, ResilientMicroservice, StatefulDatabase } from '../../lib';
import { InsecureOptInRules, Validation, waiverAnnotation } from '../../lib/validation';
import { findingsOf, ruleFindings } from '../support/findings';
import { synth } from '../support/objects';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const OPT_IN = InsecureOptInRules.INSECURE_OPT_IN;
const PLAINTEXT = InsecureOptInRules.PLAINTEXT_SECRET;

function optIns(p: Platform): void {
  new ResilientMicroservice(p, 'api', { image: IMAGE, insecurePlaintextSecrets: { API_KEY: 'abc' } });
  new StatefulDatabase(p, 'pg', { engine: DatabaseEngine.postgres(), credentials: DatabaseCredentials.insecurePlaintext({ password: 'pw' }) });
  new ApiGateway(p, 'gateway', { hosts: ['shop.example.com'], tls: GatewayTls.insecurePlaintext(), routes: [] });
}

function inEnvironment(environment: Environment): { app: App; platform: Platform } {
  const app = Testing.app();
  return { app, platform: new Platform(app, 'shop', { environment }) };
}

describe('a Secret with values written by hand', () => {
  test.each([
    ['stringData (k8s.KubeSecret)', (p: Platform) => new k8s.KubeSecret(p, 'Token', { metadata: { name: 'token' }, stringData: { TOKEN: 'abc' } }), /stringData: found 1 secret value\(s\) in plain text \(TOKEN\)/],
    ['data (ApiObject)', (p: Platform) => new ApiObject(p, 'Token', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token' }, data: { TOKEN: 'YWJj' } }), /data: found 1 secret value\(s\) in plain text \(TOKEN\)/],
  ])('in %s is an error, in any environment', (_title, arrange, message) => {
    const found = findingsOf(PLAINTEXT, arrange);
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Token\] error policy\/plaintext-secret Secret\/shop\/token /)]);
    expect(found[0]).toMatch(message);
    expect(found[0]).toMatch(/expected no values in the manifest: .* or a waiver with a reason: Validation\.of\(scope\)\.waive\('policy\/plaintext-secret', \{ kind: 'Secret', name: 'token' \}, reason\)/);
    const { app, platform } = inEnvironment(Environment.DEVELOPMENT);
    arrange(platform);
    expect(ruleFindings(app, PLAINTEXT)).toEqual([expect.stringMatching(/^\[shop\/Token\] error /)]);
  });

  test('waived with a reason it passes, and the reason is written into the Secret', () => {
    const { app, platform } = inEnvironment(Environment.PRODUCTION);
    new k8s.KubeSecret(platform, 'Token', { metadata: { name: 'token' }, stringData: { TOKEN: 'abc' } });
    Validation.of(platform).waive(PLAINTEXT, { kind: 'Secret', name: 'token' }, 'a test fixture token, rotated daily');
    expect(ruleFindings(app, PLAINTEXT)).toEqual([]);
    expect(ruleFindings(app, 'validation/unused-waiver')).toEqual([]);
  });

  test('an empty Secret (values filled in by an operator) is not reported', () => {
    expect(findingsOf(PLAINTEXT, (p) => new k8s.KubeSecret(p, 'Token', { metadata: { name: 'token' }, type: 'Opaque' }))).toEqual([]);
  });
});

describe('the kit\'s insecure opt-ins', () => {
  test('in production each is an error naming the opt-in and the waiver to write; no plaintext-secret finding on top', () => {
    const found = findingsOf(OPT_IN, optIns);
    expect(found).toEqual([
      expect.stringMatching(/^\[shop\/api\/PlaintextSecret\] error policy\/insecure-opt-in Secret\/shop\/api-plaintext: found insecurePlaintextSecrets: 1 secret value\(s\) written into the YAML in plain text; expected secretEnv with an existing Secret; in production an insecure opt-in needs a waiver/),
      expect.stringMatching(/^\[shop\/gateway\/HttpRoute\] error policy\/insecure-opt-in HTTPRoute\/shop\/gateway: found GatewayTls\.insecurePlaintext\(\): the edge serves the hosts in plain HTTP.*waive\('policy\/insecure-opt-in', \{ kind: 'HTTPRoute', name: 'gateway' \}, reason\)/),
      expect.stringMatching(/^\[shop\/pg\/PlaintextSecret\] error policy\/insecure-opt-in Secret\/shop\/pg-credentials: found DatabaseCredentials\.insecurePlaintext: the PostgreSQL password/),
    ]);
    expect(findingsOf(PLAINTEXT, optIns)).toEqual([]);
  });

  test.each([['development', Environment.DEVELOPMENT], ['staging', Environment.STAGING]])('in %s each is a warning', (_name, environment) => {
    const { app, platform } = inEnvironment(environment);
    optIns(platform);
    const found = ruleFindings(app, OPT_IN);
    expect(found).toHaveLength(3);
    for (const line of found) expect(line).toMatch(/\] warning policy\/insecure-opt-in .* outside local experiments$/);
  });

  test('a custom environment marked production is strict; one named "production" is by default', () => {
    for (const environment of [Environment.custom({ name: 'prod-eu', production: true }), Environment.custom({ name: 'production' })]) {
      const { app, platform } = inEnvironment(environment);
      optIns(platform);
      expect(ruleFindings(app, OPT_IN).filter((l) => l.includes('] error '))).toHaveLength(3);
    }
    expect(Environment.custom({ name: 'prod-eu' }).production).toBe(false);
    expect(Environment.PRODUCTION.production).toBe(true);
  });

  test('environment.production must be a boolean (JavaScript callers)', () => {
    expect(() => inEnvironment(Environment.custom({ name: 'x', production: 'yes' as never })))
      .toThrow(/^\[shop\] environment\.production \("yes"\) of environment "x" must be true or false/);
  });

  test('waived with a reason, production passes and the object carries the reason', () => {
    const { app, platform } = inEnvironment(Environment.PRODUCTION);
    optIns(platform);
    for (const [kind, name] of [['Secret', 'api-plaintext'], ['Secret', 'pg-credentials'], ['HTTPRoute', 'gateway']]) {
      Validation.of(platform).waive(OPT_IN, { kind, name }, 'a demo platform behind a VPN, with throwaway values');
    }
    expect(ruleFindings(app, OPT_IN)).toEqual([]);
    const route = synth(platform).find((o) => o.kind === 'HTTPRoute' && o.metadata.name === 'gateway');
    expect(route?.metadata.annotations[waiverAnnotation(OPT_IN)]).toBe('a demo platform behind a VPN, with throwaway values');
  });
});
