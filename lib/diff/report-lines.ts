// The wording both diff reports share: summary, removal warning and one line per field change.
import { ManifestDiff } from './manifest-diff';
import { FieldChange } from './object-diff';

/** A line of a field change: `-` old value, `+` new value. */
export interface ChangeLine {
  readonly sign: '-' | '+';
  readonly text: string;
}

/** `- path: old` and/or `+ path: new` for one field change; values as compact JSON. */
export function changeLines(change: FieldChange): ChangeLine[] {
  const lines: ChangeLine[] = [];
  const path = change.path || '(object)';
  if (change.change !== 'added') lines.push({ sign: '-', text: `${path}: ${formatValue(change.before)}` });
  if (change.change !== 'removed') lines.push({ sign: '+', text: `${path}: ${formatValue(change.after)}` });
  return lines;
}

/** `2 added, 1 removed, 3 changed`, or `no changes (12 objects unchanged)`. */
export function summaryText(diff: ManifestDiff): string {
  if (!diff.hasChanges) return `no changes (${diff.unchanged} object(s) unchanged)`;
  return `${diff.added} added, ${diff.removed} removed, ${diff.changed} changed, ${diff.unchanged} unchanged`;
}

/** Why removals deserve attention, and what to do about them. */
export const REMOVAL_WARNING = '`kubectl apply` does not delete objects that left the manifests: '
  + 'delete them (`kubectl delete`) or let Argo CD / Flux prune them.';

/** Why an immutable-field change deserves attention. */
export function immutableWarning(ref: string, paths: readonly string[]): string {
  return `${ref} must be deleted and recreated: ${paths.join(', ')} cannot be changed in place (kubectl apply will fail)`;
}

/** A heading for a group: its name, marked when the whole platform/environment is new or gone. */
export function groupTitle(group: string, status: 'added' | 'removed' | 'changed'): string {
  return status === 'changed' ? group : `${group} (${status === 'added' ? 'new' : 'removed'})`;
}

function formatValue(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}
