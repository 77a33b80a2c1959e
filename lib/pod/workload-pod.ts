// Assembles the pod template every workload shares: hardened containers, identity, spreading, shutdown.
import { mergeLabels } from '../labels';
import * as k8s from '../private/k8s';
import { RenderedContainer } from './container';
import { ResolvedPodOptions } from './pod-options';
import { PodIdentity, restrictedPodSecurityContext } from './security';
import { nodeAntiAffinity, topologySpread } from './spreading';

/** The parts of a workload's pod. */
export interface WorkloadPodProps {
  /** Pod labels; they include the workload's selector labels. */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod annotations (config hash, scrape settings). */
  readonly annotations: Readonly<Record<string, string>>;
  /** The workload's own ServiceAccount. */
  readonly serviceAccountName: string;
  /** Containers, the main one first. */
  readonly containers: readonly RenderedContainer[];
  /** Init containers, run in order before the others. */
  readonly initContainers?: readonly RenderedContainer[];
  /** Volumes beyond the containers' writable paths (config, secrets, data). */
  readonly volumes?: readonly k8s.Volume[];
  readonly identity: PodIdentity;
  readonly terminationGracePeriodSeconds: number;
  /** When set, replicas are spread over zones and nodes by these labels. */
  readonly spreadSelector?: Readonly<Record<string, string>>;
  /** Pod restart policy (Jobs need `OnFailure` or `Never`). */
  readonly restartPolicy?: string;
  /** The workload's pod options (placement, pull secrets, extra labels and annotations); the kit's own win. */
  readonly options?: ResolvedPodOptions;
}

/** The pod template of a Deployment, StatefulSet or Job. */
export function workloadPodTemplate(props: WorkloadPodProps): k8s.PodTemplateSpec {
  const initContainers = props.initContainers ?? [];
  // concat allocates what the list holds; a spread literal keeps room for 17 (the template keeps the list).
  const volumes = (props.volumes ?? []).concat(...props.containers.map((c) => c.volumes), ...initContainers.map((c) => c.volumes));
  const options = props.options;
  const podAntiAffinity = props.spreadSelector ? nodeAntiAffinity(props.spreadSelector).podAntiAffinity : undefined;
  const affinity = options?.nodeAffinity || podAntiAffinity ? { nodeAffinity: options?.nodeAffinity, podAntiAffinity } : undefined;
  return {
    metadata: {
      labels: mergeLabels(options?.labels, props.labels),
      annotations: mergeLabels(options?.annotations, props.annotations),
    },
    spec: {
      serviceAccountName: props.serviceAccountName,
      // A token only for pods granted API access (their Role is bound to the ServiceAccount).
      automountServiceAccountToken: options?.apiAccess !== undefined,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(props.identity),
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds,
      priorityClassName: options?.priorityClassName,
      runtimeClassName: options?.runtimeClassName,
      restartPolicy: props.restartPolicy,
      imagePullSecrets: options?.imagePullSecrets,
      nodeSelector: options?.nodeSelector,
      tolerations: options?.tolerations,
      initContainers: initContainers.length ? initContainers.map((c) => c.container) : undefined,
      containers: props.containers.map((c) => c.container),
      volumes: volumes.length ? volumes : undefined,
      topologySpreadConstraints: props.spreadSelector ? topologySpread(props.spreadSelector) : undefined,
      affinity,
    },
  };
}
