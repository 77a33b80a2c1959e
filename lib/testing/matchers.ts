// Jest matchers for users' tests: `toHaveResource(kind, partial)` and `toPassPolicies(profile)`.
import { App, Chart } from 'cdk8s';
import { dump } from 'js-yaml';
import { IConstruct } from 'constructs';
import { listObjects } from './find-resource';
import { Mismatch, partialMismatches, printable, printValue } from './partial-match';
import { findingLines } from '../validation';
import { kitPolicyCheck, PolicyCheck, validationSubject } from './policy-check';
import { describeObject, ManifestSource, objectsOf } from './subject';

/** What a Jest matcher returns. */
export interface MatcherResult {
  readonly pass: boolean;
  readonly message: () => string;
}

/** Options of `toPassPolicies`. */
export interface PassPoliciesOptions {
  /**
   * Count warnings as failures too.
   * @default false
   */
  readonly strictWarnings?: boolean;
}

/** Options of `createMatchers`. */
export interface MatchersOptions {
  /**
   * The check behind `toPassPolicies`.
   * @default - the kit's synth-time validation (schema, references, policy profile)
   */
  readonly policyCheck?: PolicyCheck;
}

/** The matchers, for `expect.extend(...)` (a type alias, so it fits Jest's string-indexed map). */
export type Cdk8sMatchers = {
  toHaveResource(received: ManifestSource, kind: string, partial?: Record<string, unknown>): MatcherResult;
  toPassPolicies(received: ManifestSource, profile?: string, options?: PassPoliciesOptions): MatcherResult;
};

/** Matchers with a chosen policy check (tests of the matchers, or a stricter in-house profile). */
export function createMatchers(options: MatchersOptions = {}): Cdk8sMatchers {
  const policyCheck = options.policyCheck ?? kitPolicyCheck;
  return {
    toHaveResource: (received, kind, partial = {}) => toHaveResource(received, kind, partial),
    toPassPolicies: (received, profile = 'restricted', passOptions = {}) =>
      toPassPolicies(policyCheck, received, profile, passOptions),
  };
}

/** The matchers with the kit's validation: `expect.extend(matchers)`. */
export const matchers: Cdk8sMatchers = createMatchers();

function toHaveResource(received: ManifestSource, kind: string, partial: Record<string, unknown>): MatcherResult {
  const objects = objectsOf(received);
  const candidates = objects.filter((o) => o.kind === kind);
  const results = candidates.map((object) => ({ object, mismatches: partialMismatches(object, partial) }));
  const match = results.find((r) => r.mismatches.length === 0);
  const wanted = `${kind} matching:\n${indent(dump(printable(partial), { lineWidth: -1 }).trimEnd(), 4)}`;
  if (match) {
    return { pass: true, message: () => `expected no ${wanted}\n  but ${describeObject(match.object)} does` };
  }
  return {
    pass: false,
    message: () => {
      if (candidates.length === 0) return `expected a ${wanted}\n  but there is no ${kind}; the objects are: ${listObjects(objects)}`;
      const lines = results.map((r) => `  ${describeObject(r.object)}:\n${r.mismatches.map(formatMismatch).join('\n')}`);
      return `expected a ${wanted}\n  but none of the ${candidates.length} ${kind} object(s) does:\n${lines.join('\n')}`;
    },
  };
}

function toPassPolicies(check: PolicyCheck, received: ManifestSource, profile: string, options: PassPoliciesOptions): MatcherResult {
  const constructProblems = constructValidationErrors(received);
  const { inputs, policy } = validationSubject(received);
  const outcome = check(inputs, profile, policy);
  const failures = [
    ...constructProblems,
    ...findingLines(outcome.errors),
    ...(options.strictWarnings ? findingLines(outcome.warnings) : []),
  ];
  const counted = options.strictWarnings ? 'error(s) and warning(s)' : 'error(s)';
  if (failures.length === 0) {
    return {
      pass: true,
      message: () => `expected the objects to fail the "${profile}" profile, but they pass it (${outcome.warnings.length} warning(s))`,
    };
  }
  return {
    pass: false,
    message: () => `expected the objects to pass the "${profile}" profile, but validation found ${failures.length} ${counted}:\n`
      + failures.map((line) => `  - ${line}`).join('\n'),
  };
}

/** The messages of the construct tree's own validations (`node.addValidation`), which synth would also run. */
function constructValidationErrors(received: ManifestSource): string[] {
  if (Array.isArray(received)) return [];
  const root = received as Chart | App as IConstruct;
  return root.node.findAll().flatMap((construct) =>
    construct.node.validate().map((message) => `[${construct.node.path}] ${message}`));
}

function formatMismatch(mismatch: Mismatch): string {
  return `    ${mismatch.path || '(object)'}: expected ${printValue(mismatch.expected)}, received ${printValue(mismatch.received)}`;
}

function indent(text: string, spaces: number): string {
  return text.split('\n').map((line) => ' '.repeat(spaces) + line).join('\n');
}

