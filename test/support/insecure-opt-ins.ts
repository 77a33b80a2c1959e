// Test helper: the insecure opt-in findings of an app, one line each, prefixed with the construct path.
import { App } from 'cdk8s';
import { validateApp } from '../../lib';
import { formatFinding, InsecureOptInRules } from '../../lib/validation';

/** `[path] <finding line>` of every `policy/insecure-opt-in` finding. */
export function optInFindings(app: App): string[] {
  const { report } = validateApp(app);
  return [...report.errors, ...report.warnings]
    .filter((f) => f.ruleId === InsecureOptInRules.INSECURE_OPT_IN)
    .map((f) => `[${f.constructPath}] ${formatFinding(f)}`);
}
