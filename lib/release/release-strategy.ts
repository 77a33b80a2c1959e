// The one `release` prop of a ResilientMicroservice: rolling, recreate, blue/green, canary or Argo Rollouts.
import { DeploymentStrategy, RollingUpdateOptions } from '../deployment-strategy';
import { ArgoRolloutOptions, ArgoRolloutRelease } from './argo-rollout';
import { BlueGreenOptions, BlueGreenRelease } from './blue-green';
import { CanaryOptions, CanaryRelease } from './canary';
import { IRelease } from './release-plan';
import { RollingRelease } from './rolling-release';

/**
 * How a service ships a new version. Kubernetes itself only rolls or recreates a Deployment; blue/green and canary
 * are built from Deployments, Services and Ingresses, or handed to Argo Rollouts.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class Release {
  /** One Deployment whose new pods come up before old ones go (the default). */
  public static rollingUpdate(options: RollingUpdateOptions = {}): IRelease {
    return new RollingRelease(DeploymentStrategy.rollingUpdate(options));
  }

  /** One Deployment whose old pods all stop before new ones start: for apps that cannot run two versions. */
  public static recreate(): IRelease {
    return new RollingRelease(DeploymentStrategy.recreate());
  }

  /** One Deployment with the given pod-replacement strategy. */
  public static fromDeploymentStrategy(strategy: DeploymentStrategy): IRelease {
    return new RollingRelease(strategy);
  }

  /** Two full Deployments (`-blue`, `-green`); the Service selects the active one, `<name>-preview` the other. */
  public static blueGreen(options: BlueGreenOptions): BlueGreenRelease {
    return new BlueGreenRelease(options);
  }

  /** A small `<name>-canary` Deployment beside the stable one, split by replicas or an nginx canary Ingress. */
  public static canary(options: CanaryOptions): CanaryRelease {
    return new CanaryRelease(options);
  }

  /** An Argo Rollouts `Rollout` with canary steps in place of the Deployment. */
  public static argoRollout(options: ArgoRolloutOptions = {}): ArgoRolloutRelease {
    return new ArgoRolloutRelease(options);
  }

  private constructor() {}
}
