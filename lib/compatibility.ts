// Compatibility profiles settle the points where the public checkers disagree, by name.
/** What a compatibility profile decides. */
export interface CompatibilityProfileProps {
  /** The profile's name, for documentation and reports. */
  readonly name: string;
  /** Whether containers get a CPU limit (kube-score wants one; many teams drop it to avoid throttling). */
  readonly cpuLimits: boolean;
  /** The image pull policy (Polaris and kube-score want `Always`). */
  readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  /** The uid and gid pods run as when a workload does not say (kube-score wants above 10000). */
  readonly runAsUser: number;
}

/**
 * Named answers to the checkers' conflicts (CPU limits, pull policy, uid ranges).
 * @see ../shared/CHECKERS.md "Where the checkers conflict"
 */
export class Compatibility {
  /** Zero findings from Polaris, kube-score, kube-linter and PSS restricted: CPU limits, `Always`, uid 10001. */
  public static readonly ALL_CHECKERS = new Compatibility({
    name: 'all-checkers', cpuLimits: true, imagePullPolicy: 'Always', runAsUser: 10001,
  });
  /** As ALL_CHECKERS but without CPU limits (no CFS throttling); kube-score's container-resources then reports. */
  public static readonly NO_CPU_LIMITS = new Compatibility({
    name: 'no-cpu-limits', cpuLimits: false, imagePullPolicy: 'Always', runAsUser: 10001,
  });

  /** A profile of your own. */
  public static custom(props: CompatibilityProfileProps): Compatibility {
    return new Compatibility(props);
  }

  public readonly name: string;
  public readonly cpuLimits: boolean;
  public readonly imagePullPolicy: 'Always' | 'IfNotPresent';
  public readonly runAsUser: number;

  private constructor(props: CompatibilityProfileProps) {
    this.name = props.name;
    this.cpuLimits = props.cpuLimits;
    this.imagePullPolicy = props.imagePullPolicy;
    this.runAsUser = props.runAsUser;
  }
}
