// Kubernetes 1.28's schema, as far as it is offline: cdk8s-plus-28's L1 converters are generated from 1.28's OpenAPI
// and keep exactly the fields it defines. No kubernetes-models release models 1.28 (4.3/4.4 ship 1.27.1, 4.5 jumps to
// 1.33), so an object is checked by converting it as the L1 would and listing what the conversion dropped.
import { k8s } from 'cdk8s-plus-28';
import { K8sObject } from './objects';

type Converter = (props: unknown) => Record<string, unknown>;

/** The L1 converter of every built-in apiVersion/kind cdk8s-plus-28 models. */
const CONVERTERS = new Map<string, Converter>();
for (const [name, value] of Object.entries(k8s)) {
  const gvk = (value as { GVK?: { apiVersion: string; kind: string } }).GVK;
  const converter = (k8s as unknown as Record<string, unknown>)[`toJson_${name}Props`];
  if (gvk && typeof converter === 'function') CONVERTERS.set(`${gvk.apiVersion}/${gvk.kind}`, converter as Converter);
}

/**
 * The fields of `object` that Kubernetes 1.28's schema does not define (dotted paths), or undefined when 1.28 has no
 * such apiVersion/kind in the L1 (a custom resource). Scalars the converter reads as IntOrString or Quantity
 * (`{ value }`) are retried wrapped, so only true unknowns are reported.
 */
export function fieldsUnknownTo128(object: K8sObject): string[] | undefined {
  const convert = CONVERTERS.get(`${object.apiVersion}/${object.kind}`);
  if (!convert) return undefined;
  const { apiVersion: _apiVersion, kind: _kind, ...props } = object;
  let input: K8sObject = props;
  const unknown = new Set<string>();
  const jsonNames = new Map<string, string>();
  for (let attempt = 0; attempt < 200; attempt++) {
    const dropped = droppedPaths(input, convert(input), [], jsonNames).filter((path) => !unknown.has(path.join('.')));
    const next = dropped[0];
    if (!next) return [...unknown];
    const key = next[next.length - 1];
    const value = valueAt(input, next);
    if (typeof key === 'string' && l1Name(key) !== key) {
      jsonNames.set(l1Name(key), key);
      input = renamedAt(input, next, l1Name(key));
    }
    else if (isScalar(value)) input = withValueAt(input, next, { value, wrappedForTheConverter: true });
    else unknown.add(next.join('.'));
  }
  throw new Error(`too many IntOrString/Quantity fields in ${object.kind}/${object.metadata?.name}`);
}

/** Paths of `input` missing from the converter's `output`; `jsonNames` maps keys renamed to the L1's back. */
function droppedPaths(input: unknown, output: unknown, at: (string | number)[], jsonNames: ReadonlyMap<string, string>): (string | number)[][] {
  if (isWrapped(input)) return output === undefined ? [at] : [];
  if (Array.isArray(input)) {
    return input.flatMap((item, i) => (Array.isArray(output) && output[i] !== undefined
      ? droppedPaths(item, output[i], [...at, i], jsonNames) : [[...at, i]]));
  }
  if (typeof input !== 'object' || input === null) return [];
  const out = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  return Object.entries(input as Record<string, unknown>).flatMap(([key, value]) => {
    if (value === undefined) return [];
    const written = out[key] ?? out[jsonNames.get(key) ?? key];
    return written === undefined ? [[...at, key]] : droppedPaths(value, written, [...at, key], jsonNames);
  });
}

/** The L1's name of a JSON field: acronyms in camel case (`clusterIP` is `clusterIp`, `podCIDR` is `podCidr`). */
function l1Name(key: string): string {
  return key.replace(/([A-Z])([A-Z]+)(?=[A-Z][a-z]|$)/g, (_m, first: string, rest: string) => first + rest.toLowerCase());
}

/** The object with the key at `path` renamed (the output keeps the JSON name, so the path stays comparable). */
function renamedAt(root: any, path: readonly (string | number)[], name: string): any {
  const parent = path.slice(0, -1);
  const holder = { ...valueAt(root, parent) as Record<string, unknown> };
  const key = path[path.length - 1] as string;
  holder[name] = holder[key];
  delete holder[key];
  return parent.length === 0 ? holder : withValueAt(root, parent, holder);
}

function isWrapped(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { wrappedForTheConverter?: boolean }).wrappedForTheConverter === true;
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number';
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<any>((node, key) => node?.[key], root);
}

function withValueAt(root: any, path: readonly (string | number)[], value: unknown): any {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  const copy = Array.isArray(root) ? [...root] : { ...root };
  copy[head as any] = withValueAt(root[head as any], rest, value);
  return copy;
}
