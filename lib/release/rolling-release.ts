// The plain release: one Deployment `<name>` replacing its pods by a rolling update or a recreate.
import { DeploymentStrategy } from '../deployment-strategy';
import { IRelease, ReleaseContext, ReleaseLabels, ReleasePlan, singleDeploymentPlan, variantSelector } from './release-plan';

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
  public _plan(context: ReleaseContext): ReleasePlan {
    return singleDeploymentPlan(context, this.strategy, variantSelector(context, ReleaseLabels.TRACK, 'stable'));
  }
}
