// The API server's rules schemas miss: each hand-broken object is caught with its rule id, path and phrase.
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Platform, ResilientMicroservice, ScheduledJob } from '../../lib';
import { ApiServerRules } from '../../lib/validation';
import { findingsOf } from '../support/findings';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const configMap = (p: Platform, extra: Record<string, unknown>) => new ApiObject(p, 'Cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, ...extra });
const ingress = (p: Platform, host: string) => new k8s.KubeIngress(p, 'Ing', {
  metadata: { name: 'ing' },
  spec: { rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'api', port: { number: 8080 } } } }] } }] },
});
const api = (p: Platform) => new ResilientMicroservice(p, 'api', { image: IMAGE });

describe('labels and annotations', () => {
  test.each([
    ['a key with a space', { 'team name': 'shop' }, /\[shop\/Cm\] error api\/label ConfigMap\/shop\/cm metadata\.labels\["team name"\]: found the key "team name"; expected a qualified name/],
    ['a prefix that is not a DNS subdomain', { 'Acme.io/team': 'shop' }, /labels\["Acme\.io\/team"\]: found the key "Acme\.io\/team"; expected a qualified name/],
    ['a name part over 63', { [`acme.io/${'a'.repeat(64)}`]: 'x' }, /found the key "acme\.io\/a{64}"/],
    ['a value with a slash', { team: 'shop/web' }, /labels\.team: found "shop\/web"; expected a label value/],
    ['a value over 63', { team: 'a'.repeat(64) }, /labels\.team: found "a{64}"; expected a label value: empty, or at most 63/],
  ])('%s is refused', (_title, labels, message) => {
    expect(findingsOf(ApiServerRules.LABEL, (p) => configMap(p, { metadata: { name: 'cm', labels } }))).toEqual([expect.stringMatching(message)]);
  });

  test('a pod template label is checked at its own path', () => {
    const found = findingsOf(ApiServerRules.LABEL, (p) => {
      new k8s.KubeDeployment(p, 'Worker', {
        metadata: { name: 'worker' },
        spec: { selector: { matchLabels: { app: 'w' } }, template: { metadata: { labels: { app: 'w', 'bad key!': 'x' } }, spec: { containers: [{ name: 'w', image: IMAGE }] } } },
      });
    });
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Worker\] error api\/label Deployment\/shop\/worker spec\.template\.metadata\.labels\["bad key!"\]/)]);
  });

  test('an annotation key that is not a qualified name, and annotations over 256 KiB', () => {
    const found = findingsOf(ApiServerRules.ANNOTATION, (p) => configMap(p, {
      metadata: { name: 'cm', annotations: { '/leading-slash': 'x', 'acme.io/big': 'x'.repeat(256 * 1024) } },
    }));
    expect(found).toEqual([
      expect.stringMatching(/metadata\.annotations: found 262170 bytes of keys and values; expected at most 262144 bytes \(256 KiB\) in total/),
      expect.stringMatching(/metadata\.annotations\["\/leading-slash"\]: found the key "\/leading-slash"; expected a qualified name/),
    ]);
  });

  test('annotations are sized in UTF-8: fewer characters than the limit can still pass it', () => {
    // 90,000 three-byte characters: under 256 Ki characters, over 256 KiB.
    const found = findingsOf(ApiServerRules.ANNOTATION, (p) => configMap(p, { metadata: { name: 'cm', annotations: { 'acme.io/euro': '€'.repeat(90_000) } } }));
    expect(found).toEqual([expect.stringMatching(/metadata\.annotations: found 270012 bytes of keys and values; expected at most 262144 bytes/)]);
  });

  test('a bad key is reported on every object that has it, after valid keys were seen', () => {
    const found = findingsOf(ApiServerRules.LABEL, (p) => {
      configMap(p, { metadata: { name: 'cm', labels: { team: 'shop', 'bad key': 'x' } } });
      new ApiObject(p, 'Cm2', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm2', labels: { team: 'shop', 'bad key': 'x', tier: 'bad value!' } } });
    });
    expect(found).toEqual([
      expect.stringMatching(/ConfigMap\/shop\/cm metadata\.labels\["bad key"\]: found the key "bad key"/),
      expect.stringMatching(/ConfigMap\/shop\/cm2 metadata\.labels\.tier: found "bad value!"/),
      expect.stringMatching(/ConfigMap\/shop\/cm2 metadata\.labels\["bad key"\]: found the key "bad key"/),
    ]);
  });

  test('valid keys and values pass: prefixes, dots, underscores, an empty value', () => {
    const labels = { 'app.kubernetes.io/name': 'a_b.c-d', 'x': '', 'A_b.C': 'v1.2' };
    expect(findingsOf(ApiServerRules.LABEL, (p) => configMap(p, { metadata: { name: 'cm', labels } }))).toEqual([]);
  });
});

describe('ConfigMap and Secret keys and sizes', () => {
  test.each([
    ['a path as a key', '../etc/passwd'],
    ['a slash', 'conf/app.yaml'],
    ['a dot', '.'],
    ['two dots', '..'],
    ['over 253 characters', 'k'.repeat(254)],
  ])('%s is refused', (_title, key) => {
    const found = findingsOf(ApiServerRules.CONFIG_KEY, (p) => configMap(p, { data: { [key]: 'x' } }));
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Cm\] error api\/config-key ConfigMap\/shop\/cm data.*: found the key .*; expected a key of letters, digits, '-', '_' and '\.', at most 253 characters/)]);
  });

  test('a key in both data and binaryData', () => {
    const found = findingsOf(ApiServerRules.CONFIG_KEY, (p) => configMap(p, { data: { a: 'x' }, binaryData: { a: 'eA==' } }));
    expect(found).toEqual([expect.stringMatching(/binaryData\.a: found the key "a", also in data; expected each key in only one of data and binaryData/)]);
  });

  test('a Secret key is checked too', () => {
    const found = findingsOf(ApiServerRules.CONFIG_KEY, (p) => new ApiObject(p, 'S', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { 'a b': 'eA==' } }));
    expect(found).toEqual([expect.stringMatching(/\[shop\/S\] error api\/config-key Secret\/shop\/s data\["a b"\]/)]);
  });

  test('a ConfigMap over 1 MiB (data plus decoded binaryData) is refused; exactly 1 MiB passes', () => {
    const half = 'x'.repeat(512 * 1024);
    const over = findingsOf(ApiServerRules.OBJECT_SIZE, (p) => configMap(p, { data: { a: half }, binaryData: { b: Buffer.from(`${half}!`).toString('base64') } }));
    expect(over).toEqual([expect.stringMatching(/ConfigMap\/shop\/cm data\+binaryData: found 1048577 bytes of values; expected at most 1048576 bytes \(1 MiB\)/)]);
    expect(findingsOf(ApiServerRules.OBJECT_SIZE, (p) => configMap(p, { data: { a: half, b: half } }))).toEqual([]);
  });

  test('ConfigMap data is sized in UTF-8: 400,000 three-byte characters pass 1 MiB', () => {
    const found = findingsOf(ApiServerRules.OBJECT_SIZE, (p) => configMap(p, { data: { a: '€'.repeat(400_000) } }));
    expect(found).toEqual([expect.stringMatching(/ConfigMap\/shop\/cm data\+binaryData: found 1200000 bytes of values/)]);
  });

  test('a Secret whose decoded data passes 1 MiB is refused', () => {
    const data = { a: Buffer.alloc(1024 * 1024 + 1).toString('base64') };
    const found = findingsOf(ApiServerRules.OBJECT_SIZE, (p) => new ApiObject(p, 'S', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data }));
    expect(found).toEqual([expect.stringMatching(/Secret\/shop\/s data\+stringData: found 1048577 bytes of values/)]);
  });
});

describe('volume item paths', () => {
  test.each([
    ['an absolute path', '/etc/passwd'],
    ['a climb out of the volume', '../../etc/passwd'],
    ['a climb in the middle', 'conf/../../x'],
  ])('%s in a configMap, secret or projected item is refused', (_title, path) => {
    const found = findingsOf(ApiServerRules.VOLUME_ITEM_PATH, (p) => {
      const svc = api(p);
      svc.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/volumes/-', { name: 'extra', configMap: { name: 'api', items: [{ key: 'a', path }] } }));
    });
    expect(found).toEqual([expect.stringMatching(/^\[shop\/api\/Deployment\] error api\/volume-item-path Deployment\/shop\/api spec\.template\.spec\.volumes\[\d+\]\.configMap\.items\[0\]\.path: found ".*"; expected a relative path without a '\.\.' element/)]);
  });
});

describe('hosts', () => {
  test.each([
    ['an IPv4 address', '10.0.0.1', /found "10\.0\.0\.1"; expected a DNS name, not an IP address/],
    ['an IPv6 address', '::1', /found "::1"; expected a DNS name, not an IP address/],
    ['upper case', 'Shop.Example.com', /found "Shop\.Example\.com"; expected a DNS-1123 subdomain/],
    ['an underscore', 'shop_web.example.com', /expected a DNS-1123 subdomain .*optionally with a leading "\*\." wildcard/],
  ])('an Ingress host that is %s is refused', (_title, host, message) => {
    const found = findingsOf(ApiServerRules.HOST, (p) => ingress(p, host));
    expect(found).toEqual([expect.stringMatching(/^\[shop\/Ing\] error api\/host Ingress\/shop\/ing spec\.rules\[0\]\.host/)]);
    expect(found[0]).toMatch(message);
  });

  test('a wildcard host passes; an HTTPRoute hostname is checked too', () => {
    expect(findingsOf(ApiServerRules.HOST, (p) => ingress(p, '*.shop.example.com'))).toEqual([]);
    const found = findingsOf(ApiServerRules.HOST, (p) => new ApiObject(p, 'Route', {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { hostnames: ['192.168.1.1'] },
    }));
    expect(found).toEqual([expect.stringMatching(/HTTPRoute\/shop\/r spec\.hostnames\[0\]: found "192\.168\.1\.1"; expected a DNS name, not an IP address/)]);
  });
});

describe('CronJob time zones', () => {
  const job = (p: Platform, timeZone: string) => new ScheduledJob(p, 'report', { image: IMAGE, schedule: '0 3 * * *', timeZone });

  test.each([['Mars/Olympus'], ['europe/berlin'], ['+01:00'], ['Local']])('%s (through the timeZone prop) is refused', (zone) => {
    const found = findingsOf(ApiServerRules.CRONJOB_TIME_ZONE, (p) => job(p, zone));
    expect(found).toEqual([expect.stringMatching(/^\[shop\/report\/CronJob\] error api\/cronjob-time-zone CronJob\/shop\/report spec\.timeZone: found .*; expected an IANA time zone name/)]);
  });

  test.each([['Etc/UTC'], ['UTC'], ['Europe/Berlin'], ['America/Argentina/Buenos_Aires'], ['US/Eastern']])('%s passes', (zone) => {
    expect(findingsOf(ApiServerRules.CRONJOB_TIME_ZONE, (p) => job(p, zone))).toEqual([]);
  });

  test('a schedule with TZ= is refused', () => {
    const found = findingsOf(ApiServerRules.CRONJOB_TIME_ZONE, (p) => {
      job(p, 'Etc/UTC').cronJob.addJsonPatch(JsonPatch.replace('/spec/schedule', 'CRON_TZ=Europe/Berlin 0 3 * * *'));
    });
    expect(found).toEqual([expect.stringMatching(/spec\.schedule: found "CRON_TZ=Europe\/Berlin 0 3 \* \* \*"; expected a schedule without TZ= or CRON_TZ=/)]);
  });
});
