// Canary on plain Kubernetes: a small Deployment `<name>-canary` beside the stable one, split by replicas, by the
// weighted backends of the service's HTTPRoute, or by nginx.
import { IConstruct } from 'constructs';
import { DeploymentStrategy } from '../deployment-strategy';
import { PatternError } from '../errors';
import { checkInteger, checkPinnedImage } from '../private/prop-checks';
import { addWarning } from '../warnings';
import { ControllerPlan, IRelease, ReleaseContext, ReleaseLabels, ReleasePlan, variantSelector } from './release-plan';

/** How requests are split between the stable and the canary pods. */
export type CanaryTrafficSplit = 'replica-ratio' | 'gateway-api' | 'nginx-ingress';

/** Options of `Release.canary()`. */
export interface CanaryOptions {
  /** The canary's image, pinned by tag or digest; the stable pods keep the service's `image`. */
  readonly image: string;
  /** The share of requests, in percent (0–100), the canary should get. */
  readonly weight: number;
  /**
   * `replica-ratio`: one Service over both Deployments, so the share follows the pod counts (coarse, no ingress
   * needed). `gateway-api`: the service's HTTPRoute sends exactly `weight` percent of the edge's requests to a
   * `<name>-canary` Service by weighted backendRefs, no controller annotation (the service needs `expose` on a
   * Gateway API edge). `nginx-ingress`: a second Ingress with ingress-nginx's `canary-weight` annotation (the
   * service needs the `ingress` prop of old).
   * @default 'replica-ratio'
   * @see https://gateway-api.sigs.k8s.io/guides/traffic-splitting/
   */
  readonly split?: CanaryTrafficSplit;
  /**
   * The canary's fixed replica count.
   * @default - replica-ratio: the count closest to `weight` beside the stable minReplicas (at least 1);
   *   gateway-api and nginx-ingress: enough for `weight` percent of maxReplicas (at least 1)
   */
  readonly replicas?: number;
  /**
   * How both Deployments replace their own pods.
   * @default DeploymentStrategy.rollingUpdate()
   */
  readonly strategy?: DeploymentStrategy;
}

/**
 * A stable Deployment `<name>` (autoscaled as usual) and a canary Deployment `<name>-canary` with a fixed count.
 * Removing the canary (back to `Release.rollingUpdate()`) leaves the stable Deployment's selector unchanged.
 * @see https://kubernetes.io/docs/concepts/workloads/management/#canary-deployments
 */
export class CanaryRelease implements IRelease {
  public readonly kind = 'canary';
  public readonly image: string;
  public readonly weight: number;
  public readonly split: CanaryTrafficSplit;
  public readonly strategy: DeploymentStrategy;

  constructor(private readonly options: CanaryOptions) {
    this.image = options.image;
    this.weight = options.weight;
    this.split = options.split ?? 'replica-ratio';
    this.strategy = options.strategy ?? DeploymentStrategy.rollingUpdate();
  }

  /** @internal */
  public _plan(context: ReleaseContext): ReleasePlan {
    const canaryReplicas = this.checkOptions(context);
    const stableCount = context.replicas ?? context.minReplicas;
    const stableSelector = variantSelector(context, ReleaseLabels.TRACK, 'stable');
    const canarySelector = variantSelector(context, ReleaseLabels.TRACK, 'canary');
    const stable: ControllerPlan = {
      id: 'Deployment', name: context.workloadName, role: 'stable', kind: 'Deployment',
      variant: { image: context.image, selector: stableSelector }, extraLabels: {},
      strategy: this.strategy, replicas: context.replicas, minReplicas: context.minReplicas, maxReplicas: context.maxReplicas,
    };
    const canary: ControllerPlan = {
      id: 'CanaryDeployment', name: `${context.workloadName}-canary`, role: 'canary', kind: 'Deployment',
      variant: { image: this.image, selector: canarySelector }, extraLabels: { [ReleaseLabels.TRACK]: 'canary' },
      strategy: this.strategy, replicas: canaryReplicas, minReplicas: canaryReplicas, maxReplicas: canaryReplicas,
    };
    if (this.split === 'replica-ratio') {
      const effective = Math.round((100 * canaryReplicas) / (canaryReplicas + stableCount));
      if (Math.abs(effective - this.weight) > 5) {
        addWarning(context.scope, `release.weight (${this.weight}) is split by replicas: ${canaryReplicas} canary beside ${stableCount} stable pod(s) gives about ${effective} % of requests to the canary; use split "gateway-api" for an exact share`);
      }
      return {
        controllers: [stable, canary], configMaps: [],
        services: [{ id: 'Service', name: context.workloadName, selector: context.podSelector }],
      };
    }
    const canaryService = `${context.workloadName}-canary`;
    const services = [
      { id: 'Service', name: context.workloadName, selector: stableSelector },
      { id: 'CanaryService', name: canaryService, selector: canarySelector },
    ];
    if (this.split === 'gateway-api') {
      const backends = [{ serviceName: context.workloadName, weight: 100 - this.weight }, { serviceName: canaryService, weight: this.weight }];
      return { controllers: [stable, canary], configMaps: [], services, routes: [{ id: 'Route', name: context.route!.name, backends }] };
    }
    return { controllers: [stable, canary], configMaps: [], services, canaryIngress: { weight: this.weight, serviceName: canaryService } };
  }

  /** Checks the options against the service; returns the canary's replica count. */
  private checkOptions(context: ReleaseContext): number {
    const scope = context.scope;
    checkPinnedImage(scope, 'release.image', this.image);
    checkWeight(scope, 'release.weight', this.weight);
    if (this.split !== 'replica-ratio' && this.split !== 'gateway-api' && this.split !== 'nginx-ingress') {
      throw PatternError.invalidProp(scope, 'release.split', this.split, 'must be "replica-ratio", "gateway-api" or "nginx-ingress"');
    }
    if (this.split === 'gateway-api') checkGatewayRoute(scope, 'release.split', this.split, context);
    if (this.split === 'nginx-ingress' && !context.ingress) {
      throw PatternError.invalidProp(scope, 'release.split', this.split,
        'needs an ingress: give the service an `ingress` (host) to split ingress traffic, or use split "replica-ratio"');
    }
    if (this.split === 'replica-ratio' && (this.weight === 0 || this.weight === 100)) {
      throw PatternError.invalidProp(scope, 'release.weight', this.weight,
        'must be from 1 to 99 with a replica-ratio split: 0 or 100 leaves one side without pods (use Release.rollingUpdate() instead)');
    }
    const stableCount = context.replicas ?? context.minReplicas;
    const canaryReplicas = this.options.replicas ?? this.defaultReplicas(context, stableCount);
    checkInteger(scope, 'release.replicas', canaryReplicas, 1, 10_000);
    return canaryReplicas;
  }

  private defaultReplicas(context: ReleaseContext, stableCount: number): number {
    if (this.split !== 'replica-ratio') return Math.max(1, Math.ceil((this.weight * context.maxReplicas) / 100));
    return Math.max(1, Math.round((this.weight * stableCount) / (100 - this.weight)));
  }
}

/** A traffic weight in percent. */
export function checkWeight(scope: IConstruct, prop: string, weight: number): void {
  if (typeof weight !== 'number' || !Number.isInteger(weight) || weight < 0 || weight > 100) {
    throw PatternError.invalidProp(scope, prop, weight, 'must be a whole percentage from 0 to 100');
  }
}

/** A split by route weights needs the service exposed on a Gateway API edge. */
export function checkGatewayRoute(scope: IConstruct, prop: string, value: string, context: ReleaseContext): void {
  if (!context.route) {
    throw PatternError.invalidProp(scope, prop, value,
      'needs the service exposed: give it `expose: { host }` so its HTTPRoute can split requests by weight, or use "replica-ratio"');
  }
  if (!context.route.gatewayApi) {
    throw PatternError.invalidProp(scope, prop, value,
      'needs the Gateway API edge: an Ingress cannot split requests by weight (the Platform\'s edge is PlatformEdge.ingress)');
  }
}
