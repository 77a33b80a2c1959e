// Formats a validation report for people: grouped by construct path, one line per finding, what to fix.
import { Finding, ValidationReport } from './finding';

/** One finding on one line: `error policy/run-as-non-root Deployment/shop/api spec…runAsNonRoot: found false; expected true`. */
export function formatFinding(f: Finding): string {
  const field = f.fieldPath ? ` ${f.fieldPath}` : '';
  return `${f.severity} ${f.ruleId} ${f.object}${field}: found ${f.found}; expected ${f.expected}`;
}

/** Every finding of a report, grouped under the construct path that produced the object, errors first. */
export function formatReport(report: ValidationReport): string {
  const lines: string[] = [];
  const findings = [...report.errors, ...report.warnings];
  lines.push(`${report.errors.length} error(s), ${report.warnings.length} warning(s)`);
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.constructPath || f.object;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  for (const key of [...groups.keys()].sort()) {
    lines.push(`[${key}]`);
    for (const f of groups.get(key)!) lines.push(`  ${formatFinding(f)}`);
  }
  if (report.unchecked.length) lines.push(`not schema-checked (no schema known): ${report.unchecked.join(', ')}`);
  return lines.join('\n');
}

/** Each finding as `[construct path] …`, the form synthesis problems take. */
export function findingLines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `[${f.constructPath || f.object}] ${formatFinding(f)}`);
}
