// The manifest diff for a terminal: one block per platform/environment, `+`/`-`/`~` per object.
import { ManifestDiff } from './manifest-diff';
import { changeLines, groupTitle, immutableWarning, REMOVAL_WARNING, summaryText } from './report-lines';

/** Options of `terminalReport`. */
export interface TerminalReportOptions {
  /**
   * ANSI colours: green additions, red removals, yellow changes.
   * @default false
   */
  readonly color?: boolean;
}

/** The diff as plain text lines for a terminal. */
export function terminalReport(diff: ManifestDiff, options: TerminalReportOptions = {}): string {
  const paint = (code: number, text: string) => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const green = (t: string) => paint(32, t);
  const red = (t: string) => paint(31, t);
  const yellow = (t: string) => paint(33, t);
  const lines: string[] = [];
  for (const group of diff.groups) {
    lines.push(paint(1, groupTitle(group.group, group.status)));
    for (const ref of group.added) lines.push(green(`  + ${ref}`));
    for (const ref of group.removed) lines.push(red(`  - ${ref}  (removed: prune it, kubectl apply will not)`));
    for (const object of group.changed) {
      lines.push(yellow(`  ~ ${object.ref}`));
      if (object.immutableChanges.length) lines.push(red(`      ! ${immutableWarning(object.ref, object.immutableChanges)}`));
      for (const change of object.changes) {
        for (const line of changeLines(change)) {
          lines.push((line.sign === '+' ? green : red)(`      ${line.sign} ${line.text}`));
        }
      }
    }
    lines.push('');
  }
  lines.push(`Manifest diff: ${summaryText(diff)}.`);
  if (diff.removed > 0) lines.push(red(`${diff.removed} object(s) removed. ${REMOVAL_WARNING}`));
  return `${lines.join('\n')}\n`;
}
