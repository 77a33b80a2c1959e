// The one error synthesis raises: every problem found, each with its construct path.
import { shortenStack } from '../concise-stack';
import { formatReport } from '../validation/report';
import { ValidationReport } from '../validation/finding';

/** Raised when synthesis finds problems; lists them all, each with its construct path. */
export class SynthesisError extends Error {
  /** Every problem on one line, `[construct path] …`. */
  declare public readonly problems: readonly string[];
  /** The validation report, when validation found the problems; its findings are grouped by construct path. */
  declare public readonly report?: ValidationReport;

  constructor(problems: readonly string[], report?: ValidationReport) {
    super(report
      ? `Synthesis failed; nothing was written. ${formatReport(report)}`
      : `Synthesis failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
    // Not enumerable, so that Node printing an uncaught one shows the report once, not three times.
    Object.defineProperties(this, { problems: { value: problems }, report: { value: report } });
    shortenStack(this);
  }
}
