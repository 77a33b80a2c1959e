// The API server's own rules that the published schemas do not carry: label and annotation syntax and size,
// ConfigMap and Secret keys and size, volume item paths, host names and CronJob time zones.
import { ApiLimits, isConfigKey, isDnsSubdomain, isIpAddress, isLabelValue, isQualifiedName, isRelativeVolumePath, isTimeZone, utf8Length } from './api-syntax';
import { Finding, fieldPath, finding, foundText, KubeObject } from './finding';
import { IndexedObject, ObjectIndex, PodTemplate } from './object-index';

/** Rule ids of the API server's rules. */
export const ApiServerRules = {
  /** A label key that is not a qualified name, or a value that is not a label value. */
  LABEL: 'api/label',
  /** An annotation key that is not a qualified name, or annotations over 256 KiB in total. */
  ANNOTATION: 'api/annotation',
  /** A ConfigMap or Secret key outside `[-._a-zA-Z0-9]+`, over 253 characters, or `.`/`..`. */
  CONFIG_KEY: 'api/config-key',
  /** A ConfigMap (data and binaryData) or Secret (data) over 1 MiB. */
  OBJECT_SIZE: 'api/object-size',
  /** A ConfigMap, Secret, projected or downward API volume item path that is absolute or climbs out with `..`. */
  VOLUME_ITEM_PATH: 'api/volume-item-path',
  /** An Ingress host or HTTPRoute hostname that is an IP address or not a DNS subdomain. */
  HOST: 'api/host',
  /** A CronJob time zone that is not an IANA name, or a schedule carrying its own `TZ=`. */
  CRONJOB_TIME_ZONE: 'api/cronjob-time-zone',
} as const;

const QUALIFIED = 'a qualified name: an optional DNS-subdomain prefix and \'/\', then at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';

/** Runs every rule of this file over the indexed set. */
export function checkApiServerRules(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const object of index.all) {
    checkMetadata(object, object.json.metadata, 'metadata', findings);
    switch (object.kind) {
      case 'ConfigMap': case 'Secret': findings.push(...checkConfigData(object)); break;
      case 'Ingress': findings.push(...checkIngressHosts(object)); break;
      case 'HTTPRoute': case 'GRPCRoute': findings.push(...checkRouteHostnames(object)); break;
      case 'CronJob': findings.push(...checkCronJobTimeZone(object)); break;
      default: break;
    }
  }
  for (const template of index.podTemplates) {
    if (template.path) checkMetadata(template.owner, template.metadata, `${template.path}.metadata`, findings);
    findings.push(...checkVolumeItemPaths(template));
  }
  return findings;
}

/** Stands for missing labels or annotations: most objects have no annotations. */
const NONE: Readonly<Record<string, unknown>> = {};

/** Label and annotation syntax, and the annotations' total size. */
function checkMetadata(subject: IndexedObject, metadata: KubeObject | undefined, path: string, findings: Finding[]): void {
  const labels = isMap(metadata?.labels) ? metadata!.labels : NONE;
  for (const key of Object.keys(labels)) {
    const value = labels[key];
    if (isQualifiedName(key) && isLabelValue(value)) continue;
    const at = fieldPath(`${path}.labels`, key);
    if (!isQualifiedName(key)) findings.push(finding(ApiServerRules.LABEL, 'error', subject, at, foundText(`the key ${JSON.stringify(key)}`), QUALIFIED));
    if (!isLabelValue(value)) {
      findings.push(finding(ApiServerRules.LABEL, 'error', subject, at, value,
        'a label value: empty, or at most 63 letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit'));
    }
  }
  const annotations = isMap(metadata?.annotations) ? metadata!.annotations : NONE;
  // Sizes in UTF-8 are only counted when the characters could exceed the limit (a character takes at most 3 bytes).
  let characters = 0;
  for (const key of Object.keys(annotations)) {
    characters += key.length + String(annotations[key]).length;
    if (!isQualifiedName(key)) {
      findings.push(finding(ApiServerRules.ANNOTATION, 'error', subject, fieldPath(`${path}.annotations`, key), foundText(`the key ${JSON.stringify(key)}`), QUALIFIED));
    }
  }
  const total = 3 * characters > ApiLimits.ANNOTATIONS_BYTES ? annotationBytes(annotations) : 0;
  if (total > ApiLimits.ANNOTATIONS_BYTES) {
    findings.push(finding(ApiServerRules.ANNOTATION, 'error', subject, `${path}.annotations`, foundText(`${total} bytes of keys and values`),
      `at most ${ApiLimits.ANNOTATIONS_BYTES} bytes (256 KiB) in total: move large content into a ConfigMap`));
  }
}

function annotationBytes(annotations: Record<string, unknown>): number {
  let total = 0;
  for (const key of Object.keys(annotations)) total += utf8Length(key) + utf8Length(String(annotations[key]));
  return total;
}

/** ConfigMap and Secret keys, and the object's data size. */
function checkConfigData(object: IndexedObject): Finding[] {
  const findings: Finding[] = [];
  const json = object.json;
  const fields = object.kind === 'ConfigMap' ? CONFIG_MAP_FIELDS : SECRET_FIELDS;
  const seen = new Map<string, string>();
  // Bytes are only counted when the characters could exceed the limit (UTF-8 takes at most 3 bytes a character,
  // base64 decodes to fewer bytes than it has characters).
  let characters = 0;
  for (const field of fields) {
    if (!isMap(json[field])) continue;
    const entries = json[field] as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      if (!isConfigKey(key)) {
        findings.push(finding(ApiServerRules.CONFIG_KEY, 'error', object, fieldPath(field, key), foundText(`the key ${JSON.stringify(key)}`),
          'a key of letters, digits, \'-\', \'_\' and \'.\', at most 253 characters, not "." or ".." (it becomes a file name in volumes)'));
      }
      const other = seen.get(key);
      if (other && !(object.kind === 'Secret' && field === 'stringData')) {
        findings.push(finding(ApiServerRules.CONFIG_KEY, 'error', object, fieldPath(field, key), foundText(`the key ${JSON.stringify(key)}, also in ${other}`),
          'each key in only one of data and binaryData'));
      }
      seen.set(key, field);
      characters += valueText(entries[key]).length;
    }
  }
  const bytes = 3 * characters > ApiLimits.CONFIG_BYTES ? dataBytes(object, fields) : 0;
  if (bytes > ApiLimits.CONFIG_BYTES) {
    findings.push(finding(ApiServerRules.OBJECT_SIZE, 'error', object, fields.join('+'), foundText(`${bytes} bytes of values`),
      `at most ${ApiLimits.CONFIG_BYTES} bytes (1 MiB): split the content over several ${object.kind}s or mount it from elsewhere`));
  }
  return findings;
}

const CONFIG_MAP_FIELDS = ['data', 'binaryData'];
const SECRET_FIELDS = ['data', 'stringData'];

/** Bytes of the values in the stored object: a Secret's `data` and a ConfigMap's `binaryData` are base64 of them. */
function dataBytes(object: IndexedObject, fields: readonly string[]): number {
  let bytes = 0;
  for (const field of fields) {
    if (!isMap(object.json[field])) continue;
    const base64 = object.kind === 'Secret' ? field === 'data' : field === 'binaryData';
    for (const value of Object.values(object.json[field] as Record<string, unknown>)) {
      const text = valueText(value);
      bytes += base64 ? Buffer.from(text, 'base64').length : utf8Length(text);
    }
  }
  return bytes;
}

function valueText(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}

/** Item paths of configMap, secret, downwardAPI and projected volumes. */
function checkVolumeItemPaths(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  // `at` and `list` are joined only for a finding: most volumes have no items, and most items are fine.
  const check = (items: unknown, at: string, list: string) => {
    if (!Array.isArray(items)) return;
    items.forEach((item: KubeObject, i: number) => {
      if (item?.path === undefined || isRelativeVolumePath(item.path)) return;
      findings.push(finding(ApiServerRules.VOLUME_ITEM_PATH, 'error', template.owner, `${at}${list}[${i}].path`, item.path,
        'a relative path without a \'..\' element (the file is written inside the volume)'));
    });
  };
  (template.spec.volumes ?? []).forEach((volume: KubeObject, v: number) => {
    const at = `${template.specPath}.volumes[${v}]`;
    check(volume?.configMap?.items, at, '.configMap.items');
    check(volume?.secret?.items, at, '.secret.items');
    check(volume?.downwardAPI?.items, at, '.downwardAPI.items');
    (volume?.projected?.sources ?? []).forEach((source: KubeObject, s: number) => {
      const sourceAt = `${at}.projected.sources[${s}]`;
      for (const kind of PROJECTED_ITEM_KINDS) check(source?.[kind]?.items, sourceAt, `.${kind}.items`);
      if (source?.serviceAccountToken) check([source.serviceAccountToken], sourceAt, '.serviceAccountToken');
    });
  });
  return findings;
}

const PROJECTED_ITEM_KINDS = ['configMap', 'secret', 'downwardAPI'];

function checkIngressHosts(ingress: IndexedObject): Finding[] {
  const findings: Finding[] = [];
  (ingress.json.spec?.rules ?? []).forEach((rule: KubeObject, i: number) => {
    if (rule?.host !== undefined) findings.push(...checkHost(ingress, rule.host, `spec.rules[${i}].host`));
  });
  (ingress.json.spec?.tls ?? []).forEach((tls: KubeObject, i: number) => (tls?.hosts ?? []).forEach((host: unknown, j: number) =>
    findings.push(...checkHost(ingress, host, `spec.tls[${i}].hosts[${j}]`))));
  return findings;
}

function checkRouteHostnames(route: IndexedObject): Finding[] {
  return (route.json.spec?.hostnames ?? []).flatMap((host: unknown, i: number) => checkHost(route, host, `spec.hostnames[${i}]`));
}

function checkHost(subject: IndexedObject, host: unknown, at: string): Finding[] {
  const name = typeof host === 'string' && host.startsWith('*.') ? host.slice(2) : host;
  if (typeof name === 'string' && isIpAddress(name)) {
    return [finding(ApiServerRules.HOST, 'error', subject, at, host, 'a DNS name, not an IP address: clients send a name in the Host header and SNI')];
  }
  if (isDnsSubdomain(name)) return [];
  return [finding(ApiServerRules.HOST, 'error', subject, at, host,
    'a DNS-1123 subdomain (lower-case labels separated by \'.\'), optionally with a leading "*." wildcard')];
}

const SCHEDULE_TIME_ZONE = /(^|\s)(CRON_)?TZ=/;

function checkCronJobTimeZone(cronJob: IndexedObject): Finding[] {
  const findings: Finding[] = [];
  const spec = cronJob.json.spec ?? {};
  if (spec.timeZone !== undefined && !isTimeZone(spec.timeZone)) {
    findings.push(finding(ApiServerRules.CRONJOB_TIME_ZONE, 'error', cronJob, 'spec.timeZone', spec.timeZone,
      'an IANA time zone name such as "Etc/UTC" or "Europe/Berlin" (case matters; no offsets)'));
  }
  if (typeof spec.schedule === 'string' && SCHEDULE_TIME_ZONE.test(spec.schedule)) {
    findings.push(finding(ApiServerRules.CRONJOB_TIME_ZONE, 'error', cronJob, 'spec.schedule', spec.schedule,
      'a schedule without TZ= or CRON_TZ= (the API server refuses them): set spec.timeZone instead'));
  }
  return findings;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
