// The hardening context of a workload: what its Platform's profiles decide for every container, plus its uid.
import { IConstruct } from 'constructs';
import { Compatibility } from '../compatibility';
import { Environment } from '../environment';
import { KubernetesVersion } from '../kubernetes-version';
import { checkInteger } from '../private/prop-checks';
import { HardeningContext } from './container';
import { sharedPart } from './shared-parts';

/** What a workload's context is derived from. */
export interface HardeningContextProps {
  readonly compatibility: Compatibility;
  readonly environment: Environment;
  /** The Platform's target Kubernetes minor. */
  readonly kubernetesVersion: KubernetesVersion;
  /** The workload's `runAsUser` prop, if any; the compatibility profile's uid otherwise. */
  readonly runAsUser?: number;
}

/** The context for a workload's containers; the uid is also the gid and the volumes' fsGroup. */
export function hardeningContext(scope: IConstruct, props: HardeningContextProps): HardeningContext {
  const uid = props.runAsUser ?? props.compatibility.runAsUser;
  checkInteger(scope, 'runAsUser', uid, 1, 2_147_483_647);
  const { imagePullPolicy, cpuLimits } = props.compatibility;
  const { resourceScale } = props.environment;
  // The workloads of a platform mostly run as one uid: they share one context (see sharedPart).
  return sharedPart(`hardening:${uid}/${imagePullPolicy}/${cpuLimits}/${resourceScale}/${props.kubernetesVersion}`, () => ({
    identity: { runAsUser: uid, runAsGroup: uid, fsGroup: uid },
    imagePullPolicy,
    cpuLimits,
    resourceScale,
    readOnlyRootFilesystem: true,
    kubernetesVersion: props.kubernetesVersion,
  }));
}
