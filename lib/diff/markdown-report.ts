// The manifest diff as Markdown for a pull-request comment: removals first and loud, field diffs folded.
import { ManifestDiff } from './manifest-diff';
import { changeLines, groupTitle, immutableWarning, REMOVAL_WARNING, summaryText } from './report-lines';

/** The diff as GitHub-flavoured Markdown. */
export function markdownReport(diff: ManifestDiff): string {
  const lines: string[] = [`### Manifest diff: ${summaryText(diff)}`, ''];
  if (diff.removed > 0) {
    lines.push('> [!WARNING]', `> ${diff.removed} object(s) removed. ${REMOVAL_WARNING}`);
    for (const group of diff.groups) {
      for (const ref of group.removed) lines.push(`> - ${code(ref)} in ${code(group.group)}`);
    }
    lines.push('');
  }
  const recreated = diff.groups.flatMap((g) => g.changed.filter((o) => o.immutableChanges.length).map((o) => ({ group: g.group, object: o })));
  if (recreated.length) {
    lines.push('> [!CAUTION]');
    for (const { group, object } of recreated) lines.push(`> - ${code(group)}: ${immutableWarning(object.ref, object.immutableChanges)}`);
    lines.push('');
  }
  for (const group of diff.groups) {
    lines.push(`#### ${groupTitle(group.group, group.status)}`, '');
    if (group.added.length) lines.push('**Added**', '', ...group.added.map((ref) => `- ${code(ref)}`), '');
    if (group.removed.length) lines.push('**Removed**', '', ...group.removed.map((ref) => `- ${code(ref)}`), '');
    if (group.changed.length) {
      lines.push('**Changed**', '');
      for (const object of group.changed) {
        const body = object.changes.flatMap(changeLines).map((line) => `${line.sign} ${line.text}`);
        const fence = fenceFor(body);
        lines.push(
          `<details><summary><code>${escapeHtml(object.ref)}</code>: ${object.changes.length} field(s)</summary>`, '',
          `${fence}diff`, ...body, fence, '', '</details>', '');
      }
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Inline code that survives backticks in the text. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return longest ? `${ticks} ${text} ${ticks}` : `${ticks}${text}${ticks}`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code fence longer than any run of backticks in the body. */
function fenceFor(body: readonly string[]): string {
  const longest = Math.max(0, ...body.flatMap((line) => [...line.matchAll(/`+/g)].map((m) => m[0].length)));
  return '`'.repeat(Math.max(3, longest + 1));
}
