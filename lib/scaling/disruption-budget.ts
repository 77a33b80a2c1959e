// The PodDisruptionBudget every replicated workload gets: voluntary disruptions take one pod at a time.
import { Construct } from 'constructs';
import { sharedLabels } from '../labels';
import * as k8s from '../private/k8s';

/** `maxUnavailable: 1`; an IntOrString never changes, so every budget shares it. */
const ONE_POD = k8s.IntOrString.fromNumber(1);

/** The pods a disruption budget protects. */
export interface DisruptionBudgetProps {
  /** Metadata of the PDB object (name, labels). */
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  /** Labels that select exactly the workload's pods. */
  readonly selector: Readonly<Record<string, string>>;
}

/**
 * A policy/v1 PDB created as `<scope>/Pdb`: `maxUnavailable: 1`, so a node drain always progresses and with
 * 2+ replicas one stays up; `AlwaysAllow` lets crash-looping pods be evicted, so they never block a drain.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export function disruptionBudget(scope: Construct, props: DisruptionBudgetProps): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'Pdb', {
    metadata: props.metadata,
    spec: {
      maxUnavailable: ONE_POD,
      selector: { matchLabels: sharedLabels(props.selector) },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}
