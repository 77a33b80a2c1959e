// Escape-hatch edits the output never shows: cdk8s-plus's typed classes (`k8s.Kube*`) re-serialize an object after
// its JSON patches, dropping fields their schema lacks and IntOrString/Quantity values given as bare strings or
// numbers (at patch time those fields hold `{ value: … }`). The edit vanishes silently; this finds it.
import { ApiObject } from 'cdk8s';
import { fieldPath } from './finding';

/** A patched value missing from the object's output. */
export interface DroppedEdit {
  /** Dotted path of the value that was set but is not in the output. */
  readonly fieldPath: string;
  readonly value: unknown;
}

/** The edits of `object`'s JSON patches that its output lost; empty for objects without patches. */
export function droppedEdits(object: ApiObject, output: Record<string, unknown>): DroppedEdit[] {
  // Private fields of cdk8s: read defensively, so a future cdk8s only turns the check off.
  const patches = (object as unknown as { patches?: { operation?: { op?: string; path?: string } }[] }).patches;
  if (!Array.isArray(patches) || patches.length === 0) return [];
  const prefixes = patches
    .filter((p) => p.operation?.op === 'add' || p.operation?.op === 'replace' || p.operation?.op === 'copy' || p.operation?.op === 'move')
    .map((p) => pointerToPath(String(p.operation?.path ?? '')));
  if (prefixes.length === 0 || Object.getPrototypeOf(object).toJson === ApiObject.prototype.toJson) return [];
  const patched = ApiObject.prototype.toJson.call(object) as Record<string, unknown>;
  const dropped: DroppedEdit[] = [];
  compare(patched, output, '', dropped);
  return dropped.filter((d) => prefixes.some((p) => d.fieldPath === p || d.fieldPath.startsWith(`${p}.`) || d.fieldPath.startsWith(`${p}[`)
    || p.startsWith(`${d.fieldPath}.`) || p.startsWith(`${d.fieldPath}[`)));
}

function compare(patched: unknown, output: unknown, path: string, dropped: DroppedEdit[]): void {
  if (isWrapped(patched)) {
    if (output === undefined) dropped.push({ fieldPath: path, value: patched.value });
    return;
  }
  if (Array.isArray(patched)) {
    patched.forEach((item, i) => {
      const out = Array.isArray(output) ? output[i] : undefined;
      if (out === undefined && item !== undefined) dropped.push({ fieldPath: fieldPath(path, i), value: unwrap(item) });
      else compare(item, out, fieldPath(path, i), dropped);
    });
    return;
  }
  if (typeof patched !== 'object' || patched === null) return;
  const out = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patched)) {
    if (value === undefined) continue;
    if (out[key] === undefined) dropped.push({ fieldPath: fieldPath(path, key), value: unwrap(value) });
    else compare(value, out[key], fieldPath(path, key), dropped);
  }
}

/** A resolved IntOrString or Quantity: `{ value: … }`, the only key. */
function isWrapped(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.keys(value).length === 1 && 'value' in value;
}

function unwrap(value: unknown): unknown {
  return isWrapped(value) ? value.value : value;
}

function pointerToPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    path = /^\d+$/.test(key) ? fieldPath(path, Number(key)) : key === '-' ? path : fieldPath(path, key);
  }
  return path;
}
