// A Jest snapshot serializer that prints charts and manifest objects as the YAML `cdk8s synth` writes, minus
// values that change between runs or must not be committed.
import { App, Chart } from 'cdk8s';
import { inApplyOrder, toYaml } from '../synthesis';
import { ManifestObject, objectsOf } from './subject';

/** A path into an object, one segment per key; `*` matches any key or array index. */
export type MaskedPath = readonly string[];

/** The text that replaces masked values. */
export const MASK = '<masked>';

/**
 * Masked by default: fields a cluster sets (so objects read back with `kubectl get -o yaml` snapshot the same)
 * and the values of Secrets (never commit them; the keys stay visible).
 */
export const DEFAULT_MASKED_PATHS: readonly MaskedPath[] = [
  ['metadata', 'creationTimestamp'],
  ['metadata', 'uid'],
  ['metadata', 'resourceVersion'],
  ['metadata', 'generation'],
  ['metadata', 'managedFields'],
  ['status'],
];

/** Options of `createYamlSnapshotSerializer`. */
export interface YamlSnapshotSerializerOptions {
  /**
   * Further paths whose values are replaced by `<masked>`, e.g.
   * `['spec', 'template', 'metadata', 'annotations', 'cdk8s-patterns.io/config-hash']`.
   * @default - only DEFAULT_MASKED_PATHS and Secret values
   */
  readonly maskedPaths?: readonly MaskedPath[];
}

/** The shape of a Jest snapshot serializer (`expect.addSnapshotSerializer`). */
export interface SnapshotSerializer {
  test(value: unknown): boolean;
  serialize(value: unknown): string;
}

/**
 * A serializer for Charts, Apps, manifest objects and arrays of them: readable YAML in apply order with sorted
 * keys, Secret values and cluster-set fields masked.
 */
export function createYamlSnapshotSerializer(options: YamlSnapshotSerializerOptions = {}): SnapshotSerializer {
  const paths = [...DEFAULT_MASKED_PATHS, ...(options.maskedPaths ?? [])];
  return {
    test: (value) => Chart.isChart(value) || value instanceof App || isManifestObject(value) || isManifestArray(value),
    serialize: (value) => {
      const objects = isManifestObject(value) ? [value] : objectsOf(value as Chart | App | ManifestObject[]);
      // Apply order, as synthesis writes them: the snapshot does not change when constructs are created in another order.
      return toYaml(inApplyOrder(objects).map((o) => sortKeys(maskObject(o, paths)))).trimEnd();
    },
  };
}

/** The serializer with the default masks. */
export const yamlSnapshotSerializer: SnapshotSerializer = createYamlSnapshotSerializer();

/** A copy of `object` with the values at `paths` (and a Secret's data values) replaced by `<masked>`. */
export function maskObject(object: ManifestObject, paths: readonly MaskedPath[]): ManifestObject {
  let masked = object;
  for (const path of paths) masked = maskPath(masked, path) as ManifestObject;
  if (object.kind === 'Secret') {
    masked = maskPath(maskPath(masked, ['data', '*']), ['stringData', '*']) as ManifestObject;
  }
  return masked;
}

function maskPath(value: unknown, path: MaskedPath): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const [head, ...rest] = path;
  const copy: any = Array.isArray(value) ? [...value] : { ...value };
  for (const key of Object.keys(copy)) {
    if (head !== '*' && head !== key) continue;
    copy[key] = rest.length ? maskPath(copy[key], rest) : MASK;
  }
  return copy;
}

function sortKeys(value: unknown): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

function isManifestObject(value: unknown): value is ManifestObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && typeof (value as ManifestObject).apiVersion === 'string' && typeof (value as ManifestObject).kind === 'string';
}

function isManifestArray(value: unknown): value is ManifestObject[] {
  return Array.isArray(value) && value.length > 0 && value.every(isManifestObject);
}
