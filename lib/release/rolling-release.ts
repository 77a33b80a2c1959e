// The plain release: one Deployment `<name>` replacing its pods by a rolling update or a recreate.
import { DeploymentStrategy } from '../deployment-strategy';
import { IRelease, ReleaseLabels, ReleaseResult, ReleaseTarget, releaseDeployment, variantSelector } from './release-target';

/**
 * One Deployment, updated in place. Its selector carries `cdk8s-patterns.io/track: stable` from the start, so
 * that adding a canary later does not change it (a Deployment's selector is immutable).
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class RollingRelease implements IRelease {
  public readonly kind: string;

  constructor(public readonly strategy: DeploymentStrategy) {
    this.kind = strategy.type === 'Recreate' ? 'recreate' : 'rolling-update';
  }

  /** @internal */
  public _apply(target: ReleaseTarget): ReleaseResult {
    const selector = variantSelector(target, ReleaseLabels.TRACK, 'stable');
    const workload = releaseDeployment(target, {
      id: 'Deployment',
      name: target.workloadName,
      role: 'stable',
      variant: { image: target.image, selector },
      strategy: this.strategy,
      replicas: target.replicas,
      minReplicas: target.minReplicas,
      maxReplicas: target.maxReplicas,
      extraLabels: {},
    });
    const service = target.service('Service', target.workloadName, target.podSelector);
    return { workloads: [workload], service, extraServices: [], ingresses: [] };
  }
}
