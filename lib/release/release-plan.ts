// What a release strategy decides, as plain data: the pod controllers, their variants, Services and ConfigMaps.
// `release-objects.ts` turns a plan into objects; strategies never build objects themselves.
import { IConstruct } from 'constructs';
import { DeploymentStrategy } from '../deployment-strategy';

/** Label keys that tell the pod controllers of one service apart. */
export const ReleaseLabels = {
  /** `stable` or `canary`. */
  TRACK: 'cdk8s-patterns.io/track',
  /** `blue` or `green`. */
  COLOR: 'cdk8s-patterns.io/color',
} as const;

/** The role of one pod controller within a service's release. */
export type ReleaseRole = 'stable' | 'canary' | 'blue' | 'green';

/** A blue/green colour. */
export type ReleaseColor = 'blue' | 'green';

/** Ingress exposure of a service, as far as a release needs to know it. */
export interface ReleaseIngress {
  /** The stable Ingress's name. */
  readonly name: string;
  readonly host: string;
  readonly path: string;
  readonly className: string;
  readonly tlsSecretName: string;
}

/** Exposure of a service through the Platform's edge (`expose`), as far as a release needs to know it. */
export interface ReleaseRoute {
  /** The main route's (or Ingress's) name. */
  readonly name: string;
  readonly namespace: string;
  /** Whether the edge is Gateway API (weighted backends, HTTPRoutes) rather than Ingress. */
  readonly gatewayApi: boolean;
}

/** What a release plans from: the service's identity, image, replica bounds and config, as values. */
export interface ReleaseContext {
  /** The service; only for error paths and warnings. */
  readonly scope: IConstruct;
  readonly workloadName: string;
  /** Labels that select every pod of the service, whatever its track or colour. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** The service's `image` prop. */
  readonly image: string;
  /** The fixed replica count; undefined when an HPA owns it. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The service's shared config content, if any. */
  readonly config?: Readonly<Record<string, string>>;
  /** The Ingress that exposes the service, if any (the `ingress` prop of old). */
  readonly ingress?: ReleaseIngress;
  /** The service's exposure through the edge, if any (`expose`). */
  readonly route?: ReleaseRoute;
}

/** One variant of the service's pods: an image, the labels that select it, and optionally its own config. */
export interface PodVariant {
  readonly image: string;
  /** The variant's selector labels (the service's selector plus a track or colour). */
  readonly selector: Readonly<Record<string, string>>;
  /**
   * A ConfigMap of the variant's own, replacing the service's for `envFrom`.
   * @default - the service's ConfigMap
   */
  readonly configMapName?: string;
  /** The variant's config content, for its config hash. @default - the service's config */
  readonly config?: Readonly<Record<string, string>>;
}

/** One pod controller to create: a Deployment, or an Argo Rollout in its place. */
export interface ControllerPlan {
  /** The construct id (`Deployment`, `CanaryDeployment`, `BlueDeployment`, `Rollout`). */
  readonly id: string;
  readonly name: string;
  readonly role: ReleaseRole;
  readonly kind: 'Deployment' | 'Rollout';
  readonly variant: PodVariant;
  /** Metadata labels beyond the service's (track or colour). */
  readonly extraLabels: Readonly<Record<string, string>>;
  /** Fixed replicas; undefined when an HPA owns the count. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** How its pods are replaced; for a Rollout, the surge and unavailability of its canary. */
  readonly strategy: DeploymentStrategy;
  /** A Rollout's `spec.strategy`, as Argo reads it. */
  readonly rolloutStrategy?: Readonly<Record<string, unknown>>;
}

/** A ConfigMap of one variant's own. */
export interface ConfigMapPlan {
  readonly id: string;
  readonly name: string;
  readonly extraLabels: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

/** A Service on the service's ports selecting some of its pods. */
export interface ServicePlan {
  readonly id: string;
  readonly name: string;
  readonly selector: Readonly<Record<string, string>>;
}

/** An nginx canary Ingress beside the service's own, sending `weight` percent to `serviceName`. */
export interface CanaryIngressPlan {
  readonly weight: number;
  readonly serviceName: string;
}

/** One Service a route sends requests to, with its share. */
export interface RouteBackendPlan {
  readonly serviceName: string;
  /** @default - the only backend, no weight */
  readonly weight?: number;
}

/** A route of the exposed service through the edge: its hosts' requests to weighted Services. */
export interface RoutePlan {
  /** The construct id (`Route`, `PreviewRoute`). */
  readonly id: string;
  readonly name: string;
  /** @default - the service's `expose.host` */
  readonly host?: string;
  readonly backends: readonly RouteBackendPlan[];
}

/** Everything a release strategy decided. */
export interface ReleasePlan {
  /** The pod controllers, the one serving live traffic first (stable or active colour). */
  readonly controllers: readonly ControllerPlan[];
  /** The Services, the main one `<name>` first. */
  readonly services: readonly ServicePlan[];
  readonly configMaps: readonly ConfigMapPlan[];
  readonly canaryIngress?: CanaryIngressPlan;
  /**
   * The routes of an exposed service, the main one first.
   * @default - one route `<name>` to Service `<name>`
   */
  readonly routes?: readonly RoutePlan[];
}

/** A release strategy: how a ResilientMicroservice's pods are run and served across versions. */
export interface IRelease {
  /** The strategy's name, e.g. `blue-green`. */
  readonly kind: string;
  /** @internal Plans the pod controllers and Services, checking the strategy's options. */
  _plan(context: ReleaseContext): ReleasePlan;
}

/** No extra labels; one frozen map for every plan. */
const NO_LABELS: Readonly<Record<string, string>> = Object.freeze({});
/** No ConfigMaps of a variant's own; one frozen list for every plan. */
const NO_CONFIG_MAPS: readonly ConfigMapPlan[] = Object.freeze([]);

/**
 * The selector of one track or colour: the service's selector plus one release label. Frozen: the controller, its
 * Services and its budget share it.
 */
export function variantSelector(context: ReleaseContext, key: string, value: string): Readonly<Record<string, string>> {
  const selector: Record<string, string> = Object.assign({}, context.podSelector);
  selector[key] = value;
  return Object.freeze(selector);
}

/** The plan of one Deployment `<name>` serving every pod through Service `<name>`. */
export function singleDeploymentPlan(context: ReleaseContext, strategy: DeploymentStrategy,
  selector: Readonly<Record<string, string>>): ReleasePlan {
  return {
    controllers: [{
      id: 'Deployment', name: context.workloadName, role: 'stable', kind: 'Deployment',
      variant: { image: context.image, selector }, extraLabels: NO_LABELS, strategy,
      replicas: context.replicas, minReplicas: context.minReplicas, maxReplicas: context.maxReplicas,
    }],
    services: [{ id: 'Service', name: context.workloadName, selector: context.podSelector }],
    configMaps: NO_CONFIG_MAPS,
  };
}
