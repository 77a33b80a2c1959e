// Field-level differences between two versions of one Kubernetes object.
import { isDeepStrictEqual } from 'util';
import { compareStrings, ManifestObject } from './manifest-set';

/** One field that differs. */
export interface FieldChange {
  /**
   * Dotted path; list items with a unique `name` (containers, env, ports, volumes) are addressed by it:
   * `spec.template.spec.containers[name=app].image`; other list items by index.
   */
  readonly path: string;
  readonly change: 'added' | 'removed' | 'changed';
  /** The old value; absent when added. */
  readonly before?: unknown;
  /** The new value; absent when removed. */
  readonly after?: unknown;
}

/** Stands in for Secret values, so a diff posted to a pull request never shows them. */
export const HIDDEN_VALUE = '<hidden>';

/** Every field that differs between `before` and `after`, in key order. Secret data values are hidden. */
export function diffObjects(before: ManifestObject, after: ManifestObject): FieldChange[] {
  const changes: FieldChange[] = [];
  diffValues(before, after, '', changes);
  return after.kind === 'Secret' || before.kind === 'Secret' ? changes.map(hideSecretValue) : changes;
}

function diffValues(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    diffRecords(before, after, path, out);
  } else if (Array.isArray(before) && Array.isArray(after)) {
    diffArrays(before, after, path, out);
  } else {
    out.push({ path, change: 'changed', before, after });
  }
}

function diffRecords(before: Record<string, unknown>, after: Record<string, unknown>, path: string, out: FieldChange[]): void {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort(compareStrings);
  for (const key of keys) {
    const child = join(path, key);
    if (!(key in before)) out.push({ path: child, change: 'added', after: after[key] });
    else if (!(key in after)) out.push({ path: child, change: 'removed', before: before[key] });
    else diffValues(before[key], after[key], child, out);
  }
}

function diffArrays(before: unknown[], after: unknown[], path: string, out: FieldChange[]): void {
  const beforeNames = itemNames(before);
  const afterNames = itemNames(after);
  if (beforeNames && afterNames && sameOrderOfCommonNames(beforeNames, afterNames)) {
    const beforeByName = new Map(beforeNames.map((name, i) => [name, before[i]]));
    const afterByName = new Map(afterNames.map((name, i) => [name, after[i]]));
    for (const name of beforeNames) {
      const child = `${path}[name=${name}]`;
      if (!afterByName.has(name)) out.push({ path: child, change: 'removed', before: beforeByName.get(name) });
      else diffValues(beforeByName.get(name), afterByName.get(name), child, out);
    }
    for (const name of afterNames) {
      if (!beforeByName.has(name)) out.push({ path: `${path}[name=${name}]`, change: 'added', after: afterByName.get(name) });
    }
    return;
  }
  for (let i = 0; i < Math.max(before.length, after.length); i++) {
    const child = `${path}[${i}]`;
    if (i >= before.length) out.push({ path: child, change: 'added', after: after[i] });
    else if (i >= after.length) out.push({ path: child, change: 'removed', before: before[i] });
    else diffValues(before[i], after[i], child, out);
  }
}

/** The `name` of every item, when every item is an object with a distinct string name; else undefined. */
function itemNames(items: unknown[]): string[] | undefined {
  const names = items.map((item) => (isRecord(item) && typeof item.name === 'string' ? item.name : undefined));
  if (names.length === 0 || names.some((n) => n === undefined) || new Set(names).size !== names.length) return undefined;
  return names as string[];
}

/** Matching by name is only honest when the items both lists share keep their order (a reorder is a change). */
function sameOrderOfCommonNames(before: string[], after: string[]): boolean {
  const common = before.filter((name) => after.includes(name));
  return isDeepStrictEqual(common, after.filter((name) => before.includes(name)));
}

function hideSecretValue(change: FieldChange): FieldChange {
  if (!/^(data|stringData)(\.|\[|$)/.test(change.path)) return change;
  const hide = (value: unknown) => (isRecord(value) ? Object.fromEntries(Object.keys(value).map((k) => [k, HIDDEN_VALUE])) : HIDDEN_VALUE);
  return {
    ...change,
    ...('before' in change ? { before: hide(change.before) } : {}),
    ...('after' in change ? { after: hide(change.after) } : {}),
  };
}

function join(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
