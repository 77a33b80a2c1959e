// The standard Kubernetes labels every object of the kit carries.
/** @see https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/ */
export const LabelKeys = {
  NAME: 'app.kubernetes.io/name',
  INSTANCE: 'app.kubernetes.io/instance',
  COMPONENT: 'app.kubernetes.io/component',
  PART_OF: 'app.kubernetes.io/part-of',
  MANAGED_BY: 'app.kubernetes.io/managed-by',
  VERSION: 'app.kubernetes.io/version',
  ENVIRONMENT: 'environment',
} as const;

/** The value of `app.kubernetes.io/managed-by` on every object. */
export const MANAGED_BY = 'cdk8s-patterns';

/** The labels that identify one workload's pods; they are the selector of its Service, PDB and policies. */
export function selectorLabels(workloadName: string): Record<string, string> {
  return { [LabelKeys.NAME]: workloadName, [LabelKeys.INSTANCE]: workloadName };
}

/** The full label set of one workload's objects. */
export function workloadLabels(workloadName: string, component: string): Record<string, string> {
  return { ...selectorLabels(workloadName), [LabelKeys.COMPONENT]: component };
}
