// Sidecars every workload kind takes: containers beside the main one (plain or native) and emptyDirs they share
// with it, rendered and hardened as the main container is, and the resources the scheduler charges for them.
import { IConstruct } from 'constructs';
import * as k8s from '../private/k8s';
import { ContainerSpec, HardeningContext, renderContainer, RenderedContainer } from './container';
import { ContainerResources, formatBytes, parseBytes, ResolvedResources } from './resources';
import { kubernetesFeatures } from '../kubernetes-version';
import { PatternError } from '../errors';
import { checkAbsolutePath, checkDnsLabel, checkUnique } from '../private/prop-checks';
import { addSecretEnv, mountSecretFiles, SecretFileMount, SecretKeyRef } from './secret-refs';

/** A sidecar: a container beside the main one. */
export interface SidecarSpec extends ContainerSpec {
  /**
   * Run it as a native sidecar (an init container with `restartPolicy: Always`; GA in Kubernetes 1.33, beta and on
   * by default since 1.29): it starts before the init containers and the main container, and stops after them. A
   * ScheduledJob's sidecars are always native, so that its runs complete.
   * @default - true where the Platform's kubernetesVersion has native sidecars GA (1.33 and later), false on 1.32
   * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
   */
  readonly native?: boolean;
  /**
   * Environment variables read from existing Secrets.
   * @default - none
   */
  readonly secretEnv?: Readonly<Record<string, SecretKeyRef>>;
  /**
   * Existing Secrets (or some of their keys) mounted into this sidecar only, read-only, files mode 0440 (readable
   * through the pod's fsGroup).
   * @default - none
   * @see https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod
   */
  readonly secretFiles?: readonly SecretFileMount[];
}

/** An emptyDir shared by the main container and the sidecars. */
export interface SharedVolume {
  /** The volume's name: a DNS label. */
  readonly name: string;
  /** Where every container mounts it. */
  readonly mountPath: string;
  /**
   * Its size limit.
   * @default '64Mi'
   */
  readonly sizeLimit?: string;
}

/** Rendered sidecars and the shared volumes, with the mount the main container must add. */
export interface RenderedSidecars {
  /** Sidecars beside the main container. */
  readonly plain: readonly RenderedContainer[];
  /** Native sidecars: the first init containers of the pod. */
  readonly native: readonly RenderedContainer[];
  readonly volumes: readonly k8s.Volume[];
  /** The shared volumes' mounts, for the main container. */
  readonly mounts: readonly k8s.VolumeMount[];
}

/** Default resources of sidecars and init containers. */
export const SMALL_CONTAINER: ContainerResources = { requests: { cpu: '50m', memory: '64Mi' } };

/** Checks and renders sidecars and shared volumes; `forceNative` for pods that run to completion. */
export function renderSidecars(scope: IConstruct, specs: readonly SidecarSpec[], shared: readonly SharedVolume[],
  hardening: HardeningContext, forceNative = false): RenderedSidecars {
  shared.forEach((v, i) => {
    checkDnsLabel(scope, `sharedVolumes[${i}].name`, v.name);
    checkAbsolutePath(scope, `sharedVolumes[${i}].mountPath`, v.mountPath, '/var/run/app');
  });
  checkUnique(scope, 'sharedVolumes', shared.map((v) => v.name));
  const volumes: k8s.Volume[] = shared.map((v, i) => ({
    name: `shared-${v.name}`,
    emptyDir: { sizeLimit: k8s.Quantity.fromString(formatBytes(parseBytes(scope, `sharedVolumes[${i}].sizeLimit`, v.sizeLimit ?? '64Mi'))) },
  }));
  const mounts = shared.map((v) => ({ name: `shared-${v.name}`, mountPath: v.mountPath }));
  const plain: RenderedContainer[] = [];
  const native: RenderedContainer[] = [];
  const nativeByDefault = kubernetesFeatures(hardening.kubernetesVersion).nativeSidecars;
  specs.forEach((spec, i) => {
    if (spec.native !== undefined && typeof spec.native !== 'boolean') {
      throw PatternError.invalidProp(scope, `sidecars[${i}].native`, spec.native, 'must be true or false');
    }
    const rendered = renderContainer(scope, `sidecars[${i}]`, spec, hardening, SMALL_CONTAINER, { volumeMounts: [...mounts] });
    addSecretEnv(scope, rendered, spec.secretEnv);
    const secretVolumes = mountSecretFiles(scope, `sidecars[${i}].secretFiles`, rendered, spec.secretFiles, `sidecar-${i}-secret-`);
    volumes.push(...secretVolumes);
    if (forceNative || (spec.native ?? nativeByDefault)) native.push({ ...rendered, container: { ...rendered.container, restartPolicy: 'Always' } });
    else plain.push(rendered);
  });
  return { plain, native, volumes, mounts };
}

/**
 * What init containers cost while native sidecars run: each init container plus every native sidecar (they start
 * first), as the scheduler and the quota charge them.
 */
export function initContainerCharges(initContainers: readonly ResolvedResources[], native: readonly ResolvedResources[]): ResolvedResources[] {
  return initContainers.map((c) => addResources([c, ...native]));
}

function addResources(all: readonly ResolvedResources[]): ResolvedResources {
  const total = (pick: (r: ResolvedResources) => number | undefined) => all.reduce((sum, r) => sum + (pick(r) ?? 0), 0);
  return {
    requests: { cpuMillis: total((r) => r.requests.cpuMillis), memoryBytes: total((r) => r.requests.memoryBytes), ephemeralBytes: total((r) => r.requests.ephemeralBytes) },
    limits: {
      cpuMillis: all.every((r) => r.limits.cpuMillis !== undefined) ? total((r) => r.limits.cpuMillis) : undefined,
      memoryBytes: total((r) => r.limits.memoryBytes), ephemeralBytes: total((r) => r.limits.ephemeralBytes),
    },
  };
}
