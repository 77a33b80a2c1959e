// The check behind `toPassPolicies`: the kit's synth-time validation, or one injected by the caller.
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Finding, ValidationInput, ValidationOptions, Validation, validateObjects } from '../validation';
import { ManifestSource } from './subject';

/** What a policy check reports: the errors and warnings of the kit's validation report. */
export interface PolicyOutcome {
  readonly errors: readonly Finding[];
  readonly warnings: readonly Finding[];
}

/** A policy check over a complete object set, for a named profile, with the user's rules and waivers. */
export type PolicyCheck = (inputs: readonly ValidationInput[], profile: string, policy: ValidationOptions) => PolicyOutcome;

/** The policy profiles the kit checks. */
export const POLICY_PROFILES: readonly string[] = ['restricted'];

/**
 * The kit's validation: schema, references and policy (Pod Security Standards "restricted" plus the kit's best
 * practices), then the user's rules and waivers; exactly what synthesis runs.
 */
export const kitPolicyCheck: PolicyCheck = (inputs, profile, policy) => {
  if (!POLICY_PROFILES.includes(profile)) {
    throw new Error(`toPassPolicies: unknown profile "${profile}"; the kit checks ${POLICY_PROFILES.map((p) => `"${p}"`).join(', ')} `
      + '(Pod Security Standards restricted plus best practices)');
  }
  return validateObjects(inputs, policy);
};

/**
 * The objects of a source with the construct path of each (empty for plain objects), and the validation
 * settings registered in the tree: rules, waivers and external objects.
 */
export function validationSubject(source: ManifestSource): { inputs: ValidationInput[]; policy: ValidationOptions } {
  if (Array.isArray(source)) return { inputs: source.map((object) => ({ object, constructPath: '' })), policy: {} };
  const charts = source instanceof App ? source.charts : [source as Chart];
  const inputs = charts.flatMap(chartInputs);
  return { inputs, policy: collectPolicy(source as IConstruct) };
}

function chartInputs(chart: Chart): ValidationInput[] {
  return chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o) => ({ object: o.toJson() as Record<string, any>, constructPath: o.node.path }));
}

/** The settings under `root`, plus the app-wide ones when `root` is a chart. */
function collectPolicy(root: IConstruct): ValidationOptions {
  const own = Validation.collect(root);
  const appRoot = root.node.root;
  if (appRoot === root) return own;
  const app = Validation.of(appRoot);
  return {
    ...own,
    rules: [...app.rules.map((rule) => ({ rule, scopePath: appRoot.node.path })), ...own.rules],
    waivers: [...app.waivers, ...own.waivers],
    externals: [...app.externals, ...own.externals],
    kinds: [...app.kinds, ...own.kinds],
  };
}
