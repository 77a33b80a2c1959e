// The Kubernetes minors the kit targets, and what each has that the output depends on (docs/adr/0013).
import { IConstruct } from 'constructs';
import { PatternError } from './errors';

/** A Kubernetes minor the kit targets: those that managed clusters run today. */
export type KubernetesVersion = '1.32' | '1.33' | '1.34' | '1.35';

/** Every minor the kit targets, oldest first. */
export const KUBERNETES_VERSIONS: readonly KubernetesVersion[] = ['1.32', '1.33', '1.34', '1.35'];

/** The minor a Platform targets unless told: the one whose schemas the kit validates with (kubernetes-models 5.1). */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.34';

/**
 * What the output uses of a target minor. The kit relies by default only on what is GA there: a beta feature, even
 * one on by default, can be switched off by a cluster's operator, and its pods would then fail or misbehave.
 */
export interface KubernetesFeatures {
  /** Init containers with `restartPolicy: Always` run as sidecars (SidecarContainers: GA in 1.33, beta on since 1.29). */
  readonly nativeSidecars: boolean;
  /** `lifecycle.preStop.sleep`: the kubelet pauses, no `sleep` binary needed (PodLifecycleSleepAction: GA in 1.34). */
  readonly sleepAction: boolean;
}

/** The minor number of a version: 34 for '1.34'. */
export function kubernetesMinor(version: KubernetesVersion): number {
  return Number(version.slice(2));
}

/** What the output uses of `version`. */
export function kubernetesFeatures(version: KubernetesVersion): KubernetesFeatures {
  const minor = kubernetesMinor(version);
  return { nativeSidecars: minor >= 33, sleepAction: minor >= 34 };
}

/** The Pod Security Standards version of the namespace labels: `v1.34`. */
export function podSecurityVersion(version: KubernetesVersion): string {
  return `v${version}`;
}

/** Checks a version prop (JavaScript callers may pass anything) and returns it. */
export function checkKubernetesVersion(scope: IConstruct, prop: string, value: unknown): KubernetesVersion {
  if (typeof value === 'string' && (KUBERNETES_VERSIONS as readonly string[]).includes(value)) return value as KubernetesVersion;
  throw PatternError.invalidProp(scope, prop, value,
    `must be a Kubernetes minor the kit targets, as a string: ${KUBERNETES_VERSIONS.map((v) => `'${v}'`).join(', ')} (1.32–1.35)`);
}
