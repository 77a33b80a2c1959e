// Turns a release plan and a pod template into objects: Deployments or a Rollout (the kit's one controller spec),
// their HPAs and PDBs, the Services, the variants' ConfigMaps and an nginx canary Ingress.
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { LabelKeys, mergeLabels, sharedLabels } from '../labels';
import { sharedPartOf } from '../pod/shared-parts';
import * as k8s from '../private/k8s';
import { disruptionBudget } from '../scaling/disruption-budget';
import { AutoscalingOptions, horizontalAutoscaler } from '../scaling/horizontal-autoscaler';
import { ControllerPlan, PodVariant, ReleaseIngress, ReleaseLabels, ReleasePlan, ReleaseRole } from './release-plan';

/** The Argo Rollouts API version the kit emits. */
export const ARGO_ROLLOUTS_API_VERSION = 'argoproj.io/v1alpha1';

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

/** What the objects of a plan are built from besides the plan. */
export interface ReleaseObjectsProps {
  readonly plan: ReleasePlan;
  /** Metadata labels of the workload's objects. */
  readonly labels: Readonly<Record<string, string>>;
  /** The ports of every Service. */
  readonly servicePorts: readonly k8s.ServicePort[];
  /** Builds the pod template of one variant. */
  readonly podTemplate: (variant: PodVariant) => k8s.PodTemplateSpec;
  /**
   * HPA settings for the controllers without fixed replicas.
   * @default - no HPA
   */
  readonly autoscaling?: AutoscalingOptions;
  /**
   * The Ingress a canary Ingress mirrors.
   * @default - none (a plan with a canary Ingress needs one)
   */
  readonly ingress?: ReleaseIngress;
  /**
   * The workload's pod selector and the one label that selects the same pods: the PDB of a controller that runs all
   * of the workload's pods selects by that label; a colour's or a track's PDB keeps its controller's selector.
   * @default - every PDB selects by its controller's selector
   */
  readonly singleLabelSelector?: { readonly podSelector: Readonly<Record<string, string>>; readonly label: Readonly<Record<string, string>> };
}

/** The objects of a release. */
export interface ReleaseObjects {
  /** The pod controllers, the one serving live traffic first. */
  readonly workloads: readonly ReleasedWorkload[];
  /** The Services, the main one first. */
  readonly services: readonly k8s.KubeService[];
  /** One HPA per autoscaled controller, the live one's first. */
  readonly hpas: readonly k8s.KubeHorizontalPodAutoscalerV2[];
  /** One PDB per controller, so a broken canary or preview colour never blocks drains of the live pods. */
  readonly pdbs: readonly k8s.KubePodDisruptionBudget[];
  readonly canaryIngress?: k8s.KubeIngress;
}

/** Construct ids of the scopes holding the HPA and PDB of controllers other than the stable one. */
const ROLE_SCOPES: Record<ReleaseRole, string> = { stable: 'Stable', canary: 'Canary', blue: 'Blue', green: 'Green' };

/** Creates every object of `props.plan` in `scope`. */
export function createReleaseObjects(scope: Construct, props: ReleaseObjectsProps): ReleaseObjects {
  const { plan, labels } = props;
  for (const configMap of plan.configMaps) {
    new k8s.KubeConfigMap(scope, configMap.id, {
      metadata: { name: configMap.name, labels: mergeLabels(labels, configMap.extraLabels) },
      data: { ...configMap.data },
    });
  }
  // A controller, its HPA and its PDB share one (frozen) metadata.
  const metadatas = plan.controllers.map((controller) => controllerMetadata(labels, controller));
  const workloads = plan.controllers.map((controller, i) => createController(scope, props, controller, metadatas[i]));
  const ports = Object.isFrozen(props.servicePorts) ? props.servicePorts as k8s.ServicePort[] : [...props.servicePorts];
  const services = plan.services.map((service) => new k8s.KubeService(scope, service.id, {
    metadata: { name: service.name, labels: sharedLabels(labels) },
    spec: { type: 'ClusterIP', selector: sharedLabels(service.selector), ports },
  }));
  // Lists the service keeps by map, which allocates what they hold (push, filter and spreads keep room for 17).
  const scaling = workloads.map((workload, i) => {
    // The stable controller keeps the ids `Hpa` and `Pdb`; the others get theirs under a scope named for their role.
    const owner = workload.role === 'stable' ? scope : new Construct(scope, ROLE_SCOPES[workload.role]);
    const metadata = metadatas[i];
    const hpa = props.autoscaling && workload.autoscaled ? horizontalAutoscaler(owner, {
      metadata,
      scaleTargetRef: { apiVersion: workload.apiVersion, kind: workload.kind, name: workload.name },
      minReplicas: workload.minReplicas,
      maxReplicas: workload.maxReplicas,
      options: props.autoscaling,
    }) : undefined;
    return { hpa, pdb: disruptionBudget(owner, { metadata, selector: pdbSelector(props, workload.selector) }) };
  });
  const hpas = scaling.filter((s) => s.hpa !== undefined).map((s) => s.hpa!);
  const canaryIngress = plan.canaryIngress && createCanaryIngress(scope, props);
  return { workloads, services, hpas, pdbs: scaling.map((s) => s.pdb), canaryIngress };
}

/** A controller's PDB selector: the workload's one label where the controller runs all the workload's pods. */
function pdbSelector(props: ReleaseObjectsProps, selector: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const single = props.singleLabelSelector;
  return single && sameLabels(selector, single.podSelector) ? single.label : selector;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/**
 * The metadata of a controller and of its HPA and PDB. Each controller's instance label is its own name (a colour or
 * track is an instance of the workload); its pods keep the workload's, which Services, policies and budgets select by.
 */
function controllerMetadata(labels: Readonly<Record<string, string>>, plan: ControllerPlan): ControllerMetadata {
  const own = Object.keys(plan.extraLabels).length === 0 && labels[LabelKeys.INSTANCE] === plan.name;
  const merged = own ? sharedLabels(labels) : mergeLabels(labels, plan.extraLabels, { [LabelKeys.INSTANCE]: plan.name });
  return Object.freeze({ name: plan.name, labels: merged });
}

type ControllerMetadata = { readonly name: string; readonly labels: Record<string, string> };

/** One controller on the kit's one spec: bounded history, a progress deadline, a short readiness soak. */
function createController(scope: Construct, props: ReleaseObjectsProps, plan: ControllerPlan, metadata: ControllerMetadata): ReleasedWorkload {
  const template = props.podTemplate(plan.variant);
  const apiObject = plan.kind === 'Rollout'
    ? new RolloutObject(scope, plan.id, {
      apiVersion: ARGO_ROLLOUTS_API_VERSION, kind: 'Rollout', metadata, spec: controllerSpec(plan, template, plan.rolloutStrategy),
    })
    : new k8s.KubeDeployment(scope, plan.id, {
      // A strategy never changes: the services that share one share its rendering (see sharedPartOf).
      metadata, spec: controllerSpec(plan, template, sharedPartOf(plan.strategy, 'rendered', () => plan.strategy.render(scope, 'release.strategy'))),
    });
  return {
    role: plan.role,
    name: plan.name,
    apiObject,
    apiVersion: plan.kind === 'Rollout' ? ARGO_ROLLOUTS_API_VERSION : 'apps/v1',
    kind: plan.kind,
    selector: plan.variant.selector,
    autoscaled: plan.replicas === undefined,
    minReplicas: plan.minReplicas,
    maxReplicas: plan.maxReplicas,
    surge: plan.strategy.surgePods(plan.maxReplicas),
  };
}

/** The spec of a Deployment or Rollout, one literal (see mergeLabels on spreads and V8's hidden classes). */
function controllerSpec<S>(plan: ControllerPlan, template: k8s.PodTemplateSpec, strategy: S) {
  return {
    replicas: plan.replicas,
    revisionHistoryLimit: 5,
    progressDeadlineSeconds: 600,
    minReadySeconds: 5,
    selector: { matchLabels: sharedLabels(plan.variant.selector) },
    strategy,
    template,
  };
}

/** The nginx canary Ingress: same host and path as the stable one, a weight, the canary Service as backend. */
function createCanaryIngress(scope: Construct, props: ReleaseObjectsProps): k8s.KubeIngress {
  const ingress = props.ingress!;
  const canary = props.plan.canaryIngress!;
  return new k8s.KubeIngress(scope, 'CanaryIngress', {
    metadata: {
      name: `${ingress.name}-canary`,
      labels: mergeLabels(props.labels, { [ReleaseLabels.TRACK]: 'canary' }),
      annotations: {
        'nginx.ingress.kubernetes.io/canary': 'true',
        'nginx.ingress.kubernetes.io/canary-weight': String(canary.weight),
      },
    },
    spec: {
      ingressClassName: ingress.className,
      tls: [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }],
      rules: [{
        host: ingress.host,
        http: {
          paths: [{
            path: ingress.path,
            pathType: 'Prefix',
            backend: { service: { name: canary.serviceName, port: { name: 'http' } } },
          }],
        },
      }],
    },
  });
}

/** The Rollout object; its pod template holds typed k8s structs that are converted like a Deployment's. */
class RolloutObject extends ApiObject {
  public toJson(): any {
    const resolved = super.toJson();
    return { ...resolved, spec: { ...resolved.spec, template: k8s.toJson_PodTemplateSpec(resolved.spec.template) } };
  }
}
