// Spreading: replicas across zones and nodes, by topology spread constraints and preferred anti-affinity.
import { sharedLabels } from '../labels';
import * as k8s from '../private/k8s';

const ZONE = 'topology.kubernetes.io/zone';
const HOSTNAME = 'kubernetes.io/hostname';

/**
 * Spread over zones and nodes with skew 1. `ScheduleAnyway` keeps pods schedulable on small clusters, where a
 * hard constraint would leave replicas pending.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
 */
export function topologySpread(selector: Readonly<Record<string, string>>): k8s.TopologySpreadConstraint[] {
  const labelSelector = { matchLabels: sharedLabels(selector) };
  return [ZONE, HOSTNAME].map((topologyKey) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector }));
}

/**
 * Preferred anti-affinity per node: the checkers that look for anti-affinity (kube-score, kube-linter) do not read
 * spread constraints, so both are emitted.
 */
export function nodeAntiAffinity(selector: Readonly<Record<string, string>>): k8s.Affinity {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: { matchLabels: sharedLabels(selector) } },
      }],
    },
  };
}
