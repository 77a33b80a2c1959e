// Argo Rollouts: a `Rollout` custom resource with canary steps replaces the Deployment.
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { DeploymentStrategy, RollingUpdateOptions } from '../deployment-strategy';
import { PatternError } from '../errors';
import { checkDnsLabel, checkPinnedImage } from '../private/prop-checks';
import { checkGatewayRoute, checkWeight } from './canary';
import { IRelease, ReleaseContext, ReleasePlan, RoutePlan, ServicePlan } from './release-plan';

/** An analysis run: AnalysisTemplates (created outside the kit) that decide whether the rollout may go on. */
export interface RolloutAnalysisOptions {
  /** Names of AnalysisTemplates in the service's namespace. */
  readonly templates: readonly string[];
  /**
   * Arguments passed to the templates.
   * @default - none
   */
  readonly args?: Readonly<Record<string, string>>;
}

/**
 * One step of a canary rollout.
 * @see https://argoproj.github.io/argo-rollouts/features/canary/
 */
export class RolloutStep {
  /** Sends `percent` of the traffic (or of the pods, without traffic routing) to the new version. */
  public static setWeight(percent: number): RolloutStep {
    return new RolloutStep({ setWeight: percent });
  }

  /** Waits `duration`, or until someone promotes the rollout when no duration is given. */
  public static pause(duration?: Duration): RolloutStep {
    return new RolloutStep({ pause: { duration } });
  }

  /** Runs an analysis and aborts the rollout when it fails. */
  public static analysis(options: RolloutAnalysisOptions): RolloutStep {
    return new RolloutStep({ analysis: options });
  }

  private constructor(private readonly step: {
    readonly setWeight?: number;
    readonly pause?: { readonly duration?: Duration };
    readonly analysis?: RolloutAnalysisOptions;
  }) {}

  /** The step's weight, if it sets one. */
  public get weight(): number | undefined {
    return this.step.setWeight;
  }

  /** @internal Renders the step as Argo reads it, checking its values. */
  public _render(scope: Construct, prop: string): Record<string, unknown> {
    if (this.step.setWeight !== undefined) {
      checkWeight(scope, `${prop}.setWeight`, this.step.setWeight);
      return { setWeight: this.step.setWeight };
    }
    if (this.step.pause !== undefined) {
      if (this.step.pause.duration === undefined) return { pause: {} };
      const duration = this.step.pause.duration.toMilliseconds() / 1000;
      if (!Number.isInteger(duration) || duration < 1) {
        throw PatternError.invalidProp(scope, `${prop}.pause.duration`, `${duration}s`, 'must be a whole number of seconds, 1 or more (omit it to wait for a manual promotion)');
      }
      return { pause: { duration: `${duration}s` } };
    }
    return { analysis: renderAnalysis(scope, `${prop}.analysis`, this.step.analysis!) };
  }
}

/** Options of `Release.argoRollout()`. */
export interface ArgoRolloutOptions {
  /**
   * The canary steps, run in order on every change of the pod template.
   * @default - 20 %, pause 5 min, 50 %, pause 5 min, 80 %, pause 5 min
   */
  readonly steps?: readonly RolloutStep[];
  /**
   * An analysis running in the background from `startingStep` on; a failure aborts the rollout.
   * @default - none
   */
  readonly backgroundAnalysis?: RolloutAnalysisOptions & {
    /** @default - the first step */
    readonly startingStep?: number;
  };
  /**
   * Surge and unavailability while pods are replaced.
   * @default - maxSurge 25 %, maxUnavailable 0
   */
  readonly rollingUpdate?: RollingUpdateOptions;
  /**
   * `replica-ratio`: weights are reached by scaling the canary ReplicaSet. `gateway-api`: Argo Rollouts' Gateway
   * API traffic-router plugin (`argoproj-labs/gatewayAPI`, installed with the controller) moves exactly
   * `setWeight` percent by the weights of the service's HTTPRoute, which holds the stable and `<name>-canary`
   * Services (all to stable until Argo changes it); the service needs `expose` on a Gateway API edge. Argo edits
   * the weights live: GitOps tools should ignore `spec.rules[*].backendRefs[*].weight` of that route.
   * `nginx-ingress`: Argo writes an ingress-nginx canary Ingress beside the `ingress` of old.
   * @default 'replica-ratio'
   * @see https://rollouts-plugin-trafficrouter-gatewayapi.readthedocs.io/
   */
  readonly trafficRouting?: ArgoTrafficRouting;
}

/** How an Argo Rollout moves traffic to the canary. */
export type ArgoTrafficRouting = 'replica-ratio' | 'gateway-api' | 'nginx-ingress';

/** The name Argo Rollouts' Gateway API plugin is registered under. */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

const DEFAULT_STEPS = [
  RolloutStep.setWeight(20), RolloutStep.pause(Duration.minutes(5)),
  RolloutStep.setWeight(50), RolloutStep.pause(Duration.minutes(5)),
  RolloutStep.setWeight(80), RolloutStep.pause(Duration.minutes(5)),
];

/**
 * A Rollout `<name>` in place of the Deployment, carrying the same hardened pod template; an HPA targets it.
 * Requires the Argo Rollouts controller and CRDs in the cluster.
 * @see https://argoproj.github.io/argo-rollouts/
 */
export class ArgoRolloutRelease implements IRelease {
  public readonly kind = 'argo-rollout';
  public readonly steps: readonly RolloutStep[];
  public readonly trafficRouting: ArgoTrafficRouting;
  private readonly rolling: DeploymentStrategy;

  constructor(private readonly options: ArgoRolloutOptions = {}) {
    this.steps = options.steps ?? DEFAULT_STEPS;
    this.trafficRouting = options.trafficRouting ?? 'replica-ratio';
    this.rolling = DeploymentStrategy.rollingUpdate(options.rollingUpdate);
  }

  /** @internal */
  public _plan(context: ReleaseContext): ReleasePlan {
    const scope = context.scope;
    checkPinnedImage(scope, 'image', context.image);
    const steps = this.renderSteps(scope);
    if (!['replica-ratio', 'gateway-api', 'nginx-ingress'].includes(this.trafficRouting)) {
      throw PatternError.invalidProp(scope, 'release.trafficRouting', this.trafficRouting, 'must be "replica-ratio", "gateway-api" or "nginx-ingress"');
    }
    if (this.trafficRouting === 'gateway-api') checkGatewayRoute(scope, 'release.trafficRouting', this.trafficRouting, context);
    if (this.trafficRouting === 'nginx-ingress' && !context.ingress) {
      throw PatternError.invalidProp(scope, 'release.trafficRouting', this.trafficRouting,
        'needs an ingress: give the service an `ingress` (host) for Argo to split ingress traffic, or use "replica-ratio"');
    }
    this.rolling.render(scope, 'release.rollingUpdate');
    const canary: Record<string, unknown> = { maxSurge: this.rolling.maxSurge, maxUnavailable: this.rolling.maxUnavailable, steps };
    const background = this.options.backgroundAnalysis;
    if (background) canary.analysis = renderBackgroundAnalysis(scope, background, steps.length);
    const services: ServicePlan[] = [{ id: 'Service', name: context.workloadName, selector: context.podSelector }];
    const canaryService = `${context.workloadName}-canary`;
    let routes: RoutePlan[] | undefined;
    if (this.trafficRouting !== 'replica-ratio') {
      // Argo adds the pod-template hash to both Services' selectors and sets the split itself.
      services.push({ id: 'CanaryService', name: canaryService, selector: context.podSelector });
      canary.stableService = context.workloadName;
      canary.canaryService = canaryService;
    }
    if (this.trafficRouting === 'nginx-ingress') canary.trafficRouting = { nginx: { stableIngress: context.ingress!.name } };
    if (this.trafficRouting === 'gateway-api') {
      const route = context.route!;
      canary.trafficRouting = { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: route.name, namespace: route.namespace } } };
      routes = [{ id: 'Route', name: route.name, backends: [{ serviceName: context.workloadName, weight: 100 }, { serviceName: canaryService, weight: 0 }] }];
    }
    return {
      controllers: [{
        id: 'Rollout', name: context.workloadName, role: 'stable', kind: 'Rollout',
        variant: { image: context.image, selector: context.podSelector }, extraLabels: {},
        replicas: context.replicas, minReplicas: context.minReplicas, maxReplicas: context.maxReplicas,
        strategy: this.rolling, rolloutStrategy: { canary },
      }],
      services,
      configMaps: [],
      routes,
    };
  }

  /** Steps in order; weights must rise from step to step, or the rollout would move traffic back. */
  private renderSteps(scope: Construct): Record<string, unknown>[] {
    let previous: { index: number; weight: number } | undefined;
    return this.steps.map((step, i) => {
      const rendered = step._render(scope, `release.steps[${i}]`);
      const weight = step.weight;
      if (weight !== undefined) {
        if (previous && weight <= previous.weight) {
          throw PatternError.invalidProp(scope, `release.steps[${i}].setWeight`, weight,
            `must be greater than the weight of steps[${previous.index}] (${previous.weight}): weights must increase from step to step`);
        }
        previous = { index: i, weight };
      }
      return rendered;
    });
  }
}

function renderBackgroundAnalysis(scope: Construct, background: NonNullable<ArgoRolloutOptions['backgroundAnalysis']>,
  stepCount: number): Record<string, unknown> {
  const rendered = renderAnalysis(scope, 'release.backgroundAnalysis', background);
  if (background.startingStep !== undefined) {
    if (!Number.isInteger(background.startingStep) || background.startingStep < 0 || background.startingStep >= stepCount) {
      throw PatternError.invalidProp(scope, 'release.backgroundAnalysis.startingStep', background.startingStep,
        `must be the index of a step, from 0 to ${stepCount - 1}`);
    }
    rendered.startingStep = background.startingStep;
  }
  return rendered;
}

function renderAnalysis(scope: Construct, prop: string, options: RolloutAnalysisOptions): Record<string, unknown> {
  if (options.templates.length === 0) {
    throw PatternError.invalidProp(scope, `${prop}.templates`, [], 'must name at least one AnalysisTemplate');
  }
  options.templates.forEach((name, i) => checkDnsLabel(scope, `${prop}.templates[${i}]`, name, 253));
  const rendered: Record<string, unknown> = { templates: options.templates.map((templateName) => ({ templateName })) };
  const names = Object.keys(options.args ?? {}).sort();
  if (names.length) rendered.args = names.map((name) => ({ name, value: options.args![name] }));
  return rendered;
}
