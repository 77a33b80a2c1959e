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
  return { [LabelKeys.NAME]: workloadName, [LabelKeys.INSTANCE]: workloadName, [LabelKeys.COMPONENT]: component };
}

/**
 * Label maps merged into one new object, later maps winning. Object.assign rather than `{ ...a, ...b }`: V8 (Node 20)
 * gives every object that a spread literal adds keys to a hidden class of its own, some 200 bytes each and slow to
 * build; objects built by assignment share theirs.
 */
export function mergeLabels(...maps: ReadonlyArray<Readonly<Record<string, string>> | undefined>): Record<string, string> {
  return Object.assign({}, ...maps);
}

/**
 * A label map to hand to an object's props: a frozen one as it is (it can never change, so every object of a workload
 * may share it), any other copied, so that a later change by its owner never reaches the object.
 */
export function sharedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.isFrozen(labels) ? labels as Record<string, string> : { ...labels };
}
