// Pod hardening: the security contexts every pod of the kit gets (Pod Security Standards "restricted").
import * as k8s from '../private/k8s';
import { sharedPartOf } from './shared-parts';

/** The user and group a pod runs as. */
export interface PodIdentity {
  /** uid of every container. */
  readonly runAsUser: number;
  /** gid of every container. */
  readonly runAsGroup: number;
  /** Group that owns mounted volumes. */
  readonly fsGroup: number;
}

/**
 * Pod-level context (one per identity object, shared: see sharedPartOf): non-root with a fixed uid/gid, volumes owned
 * by fsGroup, seccomp RuntimeDefault.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */
export function restrictedPodSecurityContext(identity: PodIdentity): k8s.PodSecurityContext {
  return sharedPartOf(identity, 'pod', () => ({
    runAsNonRoot: true,
    runAsUser: identity.runAsUser,
    runAsGroup: identity.runAsGroup,
    fsGroup: identity.fsGroup,
    fsGroupChangePolicy: 'OnRootMismatch',
    seccompProfile: { type: 'RuntimeDefault' },
  }));
}

/**
 * Container-level context: repeated from the pod so that every checker sees it on each container, with all
 * capabilities dropped and no privilege escalation.
 */
export function restrictedContainerSecurityContext(identity: PodIdentity, readOnlyRootFilesystem: boolean): k8s.SecurityContext {
  return sharedPartOf(identity, readOnlyRootFilesystem ? 'container' : 'container-writable-root', () => ({
    runAsNonRoot: true,
    runAsUser: identity.runAsUser,
    runAsGroup: identity.runAsGroup,
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  }));
}
