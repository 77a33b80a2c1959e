// What a change of manifests will do to the cluster: objects added, removed and changed, per platform/environment.
import { isImmutableField } from './immutable-fields';
import { diffObjects, FieldChange } from './object-diff';
import { compareStrings, ManifestEntry, ManifestSet, readManifestDirectory } from './manifest-set';

/** One object that was changed, with its fields. */
export interface ChangedObject {
  readonly ref: string;
  /** The file it is in now. */
  readonly file: string;
  readonly changes: readonly FieldChange[];
  /**
   * Changed fields the API server will not update in place (e.g. a Deployment's `spec.selector`):
   * `kubectl apply` fails until the object is deleted and recreated.
   */
  readonly immutableChanges: readonly string[];
}

/** The differences within one platform/environment. */
export interface GroupDiff {
  /** E.g. `blog/production`. */
  readonly group: string;
  /** `added`/`removed` when the whole platform/environment is new or gone. */
  readonly status: 'added' | 'removed' | 'changed';
  /** Refs of new objects, in apply order. */
  readonly added: readonly string[];
  /** Refs of objects that are gone: `kubectl apply` leaves them in the cluster. */
  readonly removed: readonly string[];
  readonly changed: readonly ChangedObject[];
}

/** The differences between two manifest sets. */
export interface ManifestDiff {
  /** Only the groups that differ, by name. */
  readonly groups: readonly GroupDiff[];
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** Objects in the new set that did not change. */
  readonly unchanged: number;
  readonly hasChanges: boolean;
}

/** Compares two directories of synthesized YAML. */
export function diffDirectories(beforeDir: string, afterDir: string): ManifestDiff {
  return diffManifests(readManifestDirectory(beforeDir), readManifestDirectory(afterDir));
}

/** Compares two manifest sets, group by group. */
export function diffManifests(before: ManifestSet, after: ManifestSet): ManifestDiff {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareStrings);
  const groups: GroupDiff[] = [];
  let unchanged = 0;
  for (const group of names) {
    const result = diffGroup(group, before.get(group), after.get(group));
    unchanged += result.unchanged;
    if (result.diff) groups.push(result.diff);
  }
  const added = sum(groups, (g) => g.added.length);
  const removed = sum(groups, (g) => g.removed.length);
  const changed = sum(groups, (g) => g.changed.length);
  return { groups, added, removed, changed, unchanged, hasChanges: groups.length > 0 };
}

function diffGroup(group: string, before: readonly ManifestEntry[] | undefined, after: readonly ManifestEntry[] | undefined):
  { diff?: GroupDiff; unchanged: number } {
  const beforeByKey = new Map((before ?? []).map((e) => [e.key, e]));
  const afterKeys = new Set((after ?? []).map((e) => e.key));
  const added: string[] = [];
  const changed: ChangedObject[] = [];
  let unchanged = 0;
  for (const entry of after ?? []) {
    const previous = beforeByKey.get(entry.key);
    if (!previous) {
      added.push(entry.ref);
      continue;
    }
    const changes = diffObjects(previous.object, entry.object);
    if (changes.length) changed.push({ ref: entry.ref, file: entry.file, changes, immutableChanges: immutablePaths(previous.object, changes) });
    else unchanged++;
  }
  const removed = (before ?? []).filter((e) => !afterKeys.has(e.key)).map((e) => e.ref);
  if (!added.length && !removed.length && !changed.length) return { unchanged };
  const status = !before ? 'added' : !after ? 'removed' : 'changed';
  return { diff: { group, status, added, removed, changed }, unchanged };
}

function immutablePaths(before: Record<string, any>, changes: readonly FieldChange[]): string[] {
  return changes.map((c) => c.path).filter((path) => isImmutableField(before.kind, path, before));
}

function sum<T>(items: readonly T[], count: (item: T) => number): number {
  return items.reduce((total, item) => total + count(item), 0);
}
