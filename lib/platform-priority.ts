// The PriorityClasses of a Platform: one per tier, so that under pressure the scheduler evicts batch before services
// and services before the gateway and the data stores, and every pod names one (Polaris `priorityClassNotSet`).
import { JsonPatch } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PatternError } from './errors';
import * as k8s from './private/k8s';

/** The tier a workload's pods are scheduled in: what the scheduler preempts last to first. */
export type PriorityTier = 'data' | 'edge' | 'service' | 'batch';

/**
 * Whether the Platform emits its PriorityClasses or expects them on the cluster. They are cluster-scoped: where one
 * team owns them (or several platforms of one name share a cluster), emit them once and declare them elsewhere.
 */
export type PriorityClassProvision = 'emit' | 'prerequisite';

interface TierSpec {
  readonly value: number;
  readonly preemptionPolicy: 'PreemptLowerPriority' | 'Never';
}

/**
 * Values well below the system classes (2 000 000 000 and up) and above the default of pods that name none (0).
 * Batch never preempts: a report job waits for room instead of evicting a service's pod.
 */
const TIERS: Readonly<Record<PriorityTier, TierSpec>> = {
  data: { value: 400_000, preemptionPolicy: 'PreemptLowerPriority' },
  edge: { value: 300_000, preemptionPolicy: 'PreemptLowerPriority' },
  service: { value: 200_000, preemptionPolicy: 'PreemptLowerPriority' },
  batch: { value: 100_000, preemptionPolicy: 'Never' },
};

/** The tiers, highest first. */
export const PRIORITY_TIERS: readonly PriorityTier[] = ['data', 'edge', 'service', 'batch'];

/** The name of a platform's PriorityClass of one tier. */
export function priorityClassName(platformName: string, tier: PriorityTier): string {
  return `${platformName}-${tier}`;
}

/** Refuses a provision that is neither of the two. */
export function checkPriorityClassProvision(scope: IConstruct, value: PriorityClassProvision): void {
  if (value !== 'emit' && value !== 'prerequisite') {
    throw PatternError.invalidProp(scope, 'priorityClasses', value, "must be 'emit' or 'prerequisite'");
  }
}

/** The PriorityClass objects of every tier, cluster-scoped, in `scope` (a Platform). */
export function createPriorityClasses(scope: Construct, platformName: string, labels: Record<string, string>): k8s.KubePriorityClass[] {
  return PRIORITY_TIERS.map((tier) => {
    const spec = TIERS[tier];
    const id = `PriorityClass${tier[0].toUpperCase()}${tier.slice(1)}`;
    const priorityClass = new k8s.KubePriorityClass(scope, id, {
      metadata: { name: priorityClassName(platformName, tier), labels: { ...labels } },
      value: spec.value,
      globalDefault: false,
      preemptionPolicy: spec.preemptionPolicy,
      // No `description`: the kubernetes-models validator the schema check runs never reads that field (its
      // PriorityClass schema lacks it), so the check would refuse it as unknown.
    });
    // A Chart puts its namespace on every object it holds; a PriorityClass is cluster-scoped and must not have one.
    priorityClass.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return priorityClass;
  });
}
