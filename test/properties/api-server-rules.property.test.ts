// Generated keys, labels, item paths and mount paths: validation refuses exactly what the API server refuses, judged
// by an oracle written character by character from the Kubernetes rules (not the kit's regular expressions).
import * as fc from 'fast-check';
import { ApiServerRules, PodRules, validateObjects } from '../../lib/validation';
import { propertyParameters } from './generators';

const IMAGE = 'registry.example.com/shop/api:1.4.0';
const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const isAlnum = (c: string) => ALNUM.includes(c);
const isLowerAlnum = (c: string) => 'abcdefghijklmnopqrstuvwxyz0123456789'.includes(c);

/** A name part of a qualified name, or a label value: ≤63, alphanumeric ends, '-', '_', '.' inside. */
function oracleNamePart(s: string, allowEmpty: boolean): boolean {
  if (s === '') return allowEmpty;
  if (s.length > 63 || !isAlnum(s[0]) || !isAlnum(s[s.length - 1])) return false;
  return [...s].every((c) => isAlnum(c) || c === '-' || c === '_' || c === '.');
}

/** As IsDNS1123Subdomain: only the whole is limited (253), not each label. */
function oracleSubdomain(s: string): boolean {
  if (s === '' || s.length > 253) return false;
  return s.split('.').every((label) => label.length > 0 && isLowerAlnum(label[0]) && isLowerAlnum(label[label.length - 1])
    && [...label].every((c) => isLowerAlnum(c) || c === '-'));
}

function oracleLabelKey(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) return false;
  if (parts.length === 2 && !oracleSubdomain(parts[0])) return false;
  return oracleNamePart(parts[parts.length - 1], false);
}

function oracleConfigKey(key: string): boolean {
  return key.length > 0 && key.length <= 253 && key !== '.' && key !== '..' && [...key].every((c) => isAlnum(c) || '-._'.includes(c));
}

function oracleItemPath(path: string): boolean {
  return path !== '' && path[0] !== '/' && !path.split('/').some((segment) => segment === '..');
}

/** Strings drawn mostly from the characters that matter, so both valid and invalid ones are common. */
const fragment = fc.stringMatching(/^[-a-zA-Z0-9_./ ]{0,12}$/);
const keyLike = fc.oneof(
  fc.tuple(fc.constantFrom('', 'acme.io/', 'app.kubernetes.io/', 'Acme/', 'a_b/', 'x.'), fragment).map(([p, n]) => p + n),
  fc.constantFrom('a'.repeat(63), 'a'.repeat(64), `${'a'.repeat(250)}.io/x`, '.', '..', 'a/b/c'),
  fragment,
);
const pathLike = fc.array(fc.constantFrom('a', 'conf', '..', '.', '', 'b.yaml'), { minLength: 1, maxLength: 4 })
  .chain((segments) => fc.boolean().map((absolute) => `${absolute ? '/' : ''}${segments.join('/')}`));

function ruleFires(ruleId: string, object: Record<string, unknown>): boolean {
  const report = validateObjects([{ object, constructPath: 'shop/X' }]);
  return [...report.errors, ...report.warnings].some((f) => f.ruleId === ruleId);
}

function configMap(extra: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'shop', ...(extra.metadata as object) }, data: extra.data };
}

function deployment(pod: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'shop' },
    spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: pod } },
  };
}

describe('generated strings bound for Kubernetes fields', () => {
  test('a label is refused exactly when its key is not a qualified name or its value not a label value', () => {
    fc.assert(fc.property(keyLike, fc.oneof(fragment, fc.constantFrom('a'.repeat(63), 'a'.repeat(64))), (key, value) => {
      const valid = oracleLabelKey(key) && oracleNamePart(value, true);
      expect(ruleFires(ApiServerRules.LABEL, configMap({ metadata: { labels: { [key]: value } } }))).toBe(!valid);
    }), propertyParameters(300));
  });

  test('an annotation key is refused exactly when it is not a qualified name', () => {
    fc.assert(fc.property(keyLike, (key) => {
      expect(ruleFires(ApiServerRules.ANNOTATION, configMap({ metadata: { annotations: { [key]: 'v' } } }))).toBe(!oracleLabelKey(key));
    }), propertyParameters(300));
  });

  test('a ConfigMap key is refused exactly when the API server would refuse it', () => {
    fc.assert(fc.property(keyLike, (key) => {
      expect(ruleFires(ApiServerRules.CONFIG_KEY, configMap({ data: { [key]: 'v' } }))).toBe(!oracleConfigKey(key));
    }), propertyParameters(300));
  });

  test('a volume item path is refused exactly when it is absolute or climbs with ".."', () => {
    fc.assert(fc.property(pathLike, (path) => {
      const pod = { containers: [{ name: 'a', image: IMAGE }], volumes: [{ name: 'v', configMap: { name: 'c', items: [{ key: 'k', path }] } }] };
      expect(ruleFires(ApiServerRules.VOLUME_ITEM_PATH, deployment(pod))).toBe(!oracleItemPath(path));
    }), propertyParameters(300));
  });

  test('mount paths of one container are refused exactly when two name the same directory', () => {
    const mountPath = fc.constantFrom('/data', '/data/', '/etc/app', '/etc/app//', '/tmp', '/var/cache');
    fc.assert(fc.property(fc.array(mountPath, { minLength: 1, maxLength: 4 }), (paths) => {
      const mounts = paths.map((mountPath, i) => ({ name: `v${i}`, mountPath }));
      const pod = { containers: [{ name: 'a', image: IMAGE, volumeMounts: mounts }], volumes: mounts.map((m) => ({ name: m.name, emptyDir: {} })) };
      const distinct = new Set(paths.map((p) => p.replace(/\/+$/, ''))).size;
      expect(ruleFires(PodRules.DUPLICATE_MOUNT_PATH, deployment(pod))).toBe(distinct < paths.length);
    }), propertyParameters(200));
  });
});
