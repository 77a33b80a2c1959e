// The order objects are applied in: what others depend on comes first.
import { compareCodePoints } from '../private/ordering';

/** The order objects are applied in: what others depend on comes first. */
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'PriorityClass', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ServiceAccount',
  'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment', 'StatefulSet', 'CronJob', 'Job',
  'HorizontalPodAutoscaler', 'VerticalPodAutoscaler', 'PodDisruptionBudget', 'Ingress',
];

/** A kind's place in apply order (0 first); kinds the list does not name come last, all with the same rank. */
export function applyOrderRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

/** Sort keys of apply order, computed once per object: kind rank, then kind/namespace/name. */
export interface ApplyOrder {
  readonly rank: number;
  readonly key: string;
}

/** An object's sort keys of apply order. */
export function applyOrder(kind: string, namespace: string | undefined, name: string | undefined): ApplyOrder {
  return { rank: applyOrderRank(kind), key: `${kind}/${namespace ?? ''}/${name ?? ''}` };
}

/** Compares two objects' places in apply order. */
export function compareOrder(a: ApplyOrder, b: ApplyOrder): number {
  return a.rank - b.rank || compareCodePoints(a.key, b.key);
}

/**
 * A copy of `objects` in apply order (kind rank, then kind/namespace/name): the order synthesis writes them in,
 * whatever order the constructs were created in.
 */
export function inApplyOrder<T extends { kind?: string; metadata?: { namespace?: string; name?: string } }>(objects: readonly T[]): T[] {
  return objects
    .map((object) => ({ object, order: applyOrder(object.kind ?? '', object.metadata?.namespace, object.metadata?.name) }))
    .sort((a, b) => compareOrder(a.order, b.order))
    .map((entry) => entry.object);
}
