// How a Deployment replaces its pods: rolling (zero downtime) or recreate.
import { IConstruct } from 'constructs';
import { PatternError } from './errors';
import * as k8s from './private/k8s';

/** Options of a rolling update. */
export interface RollingUpdateOptions {
  /**
   * Pods added above the desired count during a rollout: a number or a percentage such as "25%".
   * @default '25%'
   */
  readonly maxSurge?: number | string;
  /**
   * Pods that may be unavailable during a rollout. 0 keeps full capacity throughout.
   * @default 0
   */
  readonly maxUnavailable?: number | string;
}

/**
 * The Deployment strategy.
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy
 */
export class DeploymentStrategy {
  /** New pods come up before old ones go: no capacity is lost (the default). */
  public static rollingUpdate(options: RollingUpdateOptions = {}): DeploymentStrategy {
    return new DeploymentStrategy('RollingUpdate', options.maxSurge ?? '25%', options.maxUnavailable ?? 0);
  }

  /** All old pods stop before new ones start: for apps that cannot run two versions at once. */
  public static recreate(): DeploymentStrategy {
    return new DeploymentStrategy('Recreate');
  }

  private constructor(
    public readonly type: 'RollingUpdate' | 'Recreate',
    public readonly maxSurge?: number | string,
    public readonly maxUnavailable?: number | string,
  ) {}

  /** Extra pods a rollout adds on top of `replicas` at most. */
  public surgePods(replicas: number): number {
    if (this.type === 'Recreate' || this.maxSurge === undefined) return 0;
    if (typeof this.maxSurge === 'number') return this.maxSurge;
    return Math.ceil((replicas * Number(this.maxSurge.replace('%', ''))) / 100);
  }

  /** Renders the strategy, checking its values. */
  public render(scope: IConstruct, prop: string): k8s.DeploymentStrategy {
    if (this.type === 'Recreate') return { type: 'Recreate' };
    const surge = checkAmount(scope, `${prop}.maxSurge`, this.maxSurge!);
    const unavailable = checkAmount(scope, `${prop}.maxUnavailable`, this.maxUnavailable!);
    if (isZero(this.maxSurge!) && isZero(this.maxUnavailable!)) {
      throw PatternError.invalidProp(scope, `${prop}.maxSurge`, this.maxSurge, 'and maxUnavailable must not both be zero, or a rollout can never progress');
    }
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } };
  }
}

function isZero(amount: number | string): boolean {
  return amount === 0 || amount === '0%';
}

function checkAmount(scope: IConstruct, prop: string, amount: number | string): k8s.IntOrString {
  if (typeof amount === 'number' && Number.isInteger(amount) && amount >= 0) return k8s.IntOrString.fromNumber(amount);
  if (typeof amount === 'string' && /^(100|[1-9]?\d)%$/.test(amount)) return k8s.IntOrString.fromString(amount);
  throw PatternError.invalidProp(scope, prop, amount, 'must be a whole number of pods (0 or more) or a percentage from "0%" to "100%"');
}
