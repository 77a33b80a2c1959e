// What a release strategy builds on (the service's pod template, labels, ports) and what it hands back.
import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
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

/** What the ResilientMicroservice gives its release strategy. */
export interface ReleaseTarget {
  /** The microservice; every object is created in it, so errors name its path. */
  readonly scope: Construct;
  readonly workloadName: string;
  /** Labels that select every pod of the service, whatever its track or colour. */
  readonly podSelector: Readonly<Record<string, string>>;
  /** Metadata labels of the service's objects. */
  readonly labels: Readonly<Record<string, string>>;
  /** The service's `image` prop. */
  readonly image: string;
  /** The fixed replica count; undefined when an HPA owns it. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The service's shared config content, if any. */
  readonly config?: Readonly<Record<string, string>>;
  /** The Ingress that exposes the service, if any. */
  readonly ingress?: ReleaseIngress;
  /** Builds the pod template of one variant. */
  podTemplate(variant: PodVariant): k8s.PodTemplateSpec;
  /** Builds a Service named `name` selecting `selector`, on the service's ports. */
  service(id: string, name: string, selector: Readonly<Record<string, string>>): k8s.KubeService;
}

/** One pod controller a release created: a Deployment or an Argo Rollout. */
export interface ReleasedWorkload {
  readonly role: ReleaseRole;
  /** The object's name. */
  readonly name: string;
  readonly apiObject: ApiObject;
  /** The object's apiVersion and kind, e.g. for an HPA's scaleTargetRef. */
  readonly apiVersion: string;
  readonly kind: 'Deployment' | 'Rollout';
  /** Labels that select exactly this controller's pods. */
  readonly selector: Readonly<Record<string, string>>;
  /** Whether an HPA scales it (between the service's min and max replicas). */
  readonly autoscaled: boolean;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Extra pods its rollouts add on top of maxReplicas. */
  readonly surge: number;
}

/** What a release strategy built. */
export interface ReleaseResult {
  /** The pod controllers, the one serving live traffic first (stable or active colour). */
  readonly workloads: readonly ReleasedWorkload[];
  /** The main Service `<name>`. */
  readonly service: k8s.KubeService;
  /** Services besides the main one (`<name>-preview`, `<name>-canary`). */
  readonly extraServices: readonly k8s.KubeService[];
  /** Ingresses the release added (an nginx canary Ingress). */
  readonly ingresses: readonly k8s.KubeIngress[];
}

/** A release strategy: how a ResilientMicroservice turns its pod template into running, serving pods. */
export interface IRelease {
  /** The strategy's name, e.g. `blue-green`. */
  readonly kind: string;
  /** @internal Creates the pod controllers and Services in `target.scope`. */
  _apply(target: ReleaseTarget): ReleaseResult;
}

/** Options of one Deployment a release creates. */
export interface ReleaseDeploymentOptions {
  readonly id: string;
  readonly name: string;
  readonly role: ReleaseRole;
  readonly variant: PodVariant;
  readonly strategy: DeploymentStrategy;
  /** Fixed replicas; undefined when an HPA owns the count. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Extra metadata labels (track or colour). */
  readonly extraLabels: Readonly<Record<string, string>>;
}

/** Creates one hardened Deployment of a release; the common shape of every Deployment the kit emits. */
export function releaseDeployment(target: ReleaseTarget, options: ReleaseDeploymentOptions): ReleasedWorkload {
  const deployment = new k8s.KubeDeployment(target.scope, options.id, {
    metadata: { name: options.name, labels: { ...target.labels, ...options.extraLabels } },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: 5,
      progressDeadlineSeconds: 600,
      minReadySeconds: 5,
      selector: { matchLabels: { ...options.variant.selector } },
      strategy: options.strategy.render(target.scope, 'release.strategy'),
      template: target.podTemplate(options.variant),
    },
  });
  return {
    role: options.role,
    name: options.name,
    apiObject: deployment,
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    selector: options.variant.selector,
    autoscaled: options.replicas === undefined,
    minReplicas: options.minReplicas,
    maxReplicas: options.maxReplicas,
    surge: options.strategy.surgePods(options.maxReplicas),
  };
}

/** The selector of one track or colour: the service's selector plus one release label. */
export function variantSelector(target: ReleaseTarget, key: string, value: string): Record<string, string> {
  return { ...target.podSelector, [key]: value };
}
