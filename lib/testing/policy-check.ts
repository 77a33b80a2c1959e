// The check behind `toPassPolicies`: the kit's synth-time validation, or one injected by the caller.
import { ManifestObject } from './subject';

/** One problem found by a policy check. */
export interface PolicyFinding {
  /** The rule's id, e.g. `pss-run-as-non-root`. @default - none shown */
  readonly rule?: string;
  /** The object, e.g. `Deployment/shop/web`. @default - none shown */
  readonly object?: string;
  /** The field path within the object. @default - none shown */
  readonly path?: string;
  /** What was found and what would pass. */
  readonly message: string;
}

/** What a policy check reports. */
export interface PolicyOutcome {
  readonly errors: readonly PolicyFinding[];
  readonly warnings: readonly PolicyFinding[];
}

/** A policy check over a complete object set, for a named profile (e.g. `restricted`). */
export type PolicyCheck = (objects: readonly ManifestObject[], profile: string) => PolicyOutcome;

/** `[rule] object path: message`, leaving out what the finding does not say. */
export function formatFinding(finding: PolicyFinding): string {
  const rule = finding.rule ? `[${finding.rule}] ` : '';
  const where = [finding.object, finding.path].filter(Boolean).join(' ');
  return `${rule}${where ? `${where}: ` : ''}${finding.message}`;
}

/** The kit's validation as a PolicyCheck. */
export const kitPolicyCheck: PolicyCheck = () => {
  throw new Error('toPassPolicies: the kit validation (lib/validation) is not available yet; pass createMatchers({ policyCheck })');
};
