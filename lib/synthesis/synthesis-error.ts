// The one error synthesis raises: every problem found, each with its construct path.
import { formatReport } from '../validation/report';
import { ValidationReport } from '../validation/finding';

/** Raised when synthesis finds problems; lists them all, each with its construct path. */
export class SynthesisError extends Error {
  constructor(
    public readonly problems: readonly string[],
    /** The validation report, when validation found the problems; its findings are grouped by construct path. */
    public readonly report?: ValidationReport,
  ) {
    super(report
      ? `Synthesis failed; nothing was written. ${formatReport(report)}`
      : `Synthesis failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
  }
}
