// Workload: what every workload construct shares — identity, ServiceAccount, hardening, NetworkPolicy, metrics,
// footprint and the wiring verbs. A workload kind extends it and builds only what is its own.
import { ApiObject } from 'cdk8s';
import type { INetworkPolicyPeer, IPodSelector, NetworkPolicyPeerConfig, PodSelectorConfig } from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { WorkloadFootprint } from './capacity';
import { PatternError } from './errors';
import { cdk8sPlus } from './private/cdk8s-plus';
import { LabelKeys, selectorLabels, workloadLabels } from './labels';
import { ExternalService } from './network/external-service';
import { EdgeKind, IConnectable, INetworkPeer, NetworkPort, WiringGraph } from './network/wiring-graph';
import { WorkloadNetworkPolicy } from './network/workload-network-policy';
import { Platform } from './platform';
import { addEnv, HardeningContext, RenderedContainer } from './pod/container';
import { hardeningContext } from './pod/hardening-context';
import { hasSleepAction, keepSleepActions, preStopPause } from './pod/lifecycle';
import { PodOptions, ResolvedPodOptions, resolvePodOptions } from './pod/pod-options';
import { PriorityTier } from './platform-priority';
import * as k8s from './private/k8s';
import { checkDnsLabel, checkEnvName, checkLabelValue } from './private/prop-checks';

/** What the base needs to know of a workload before it builds anything. */
export interface WorkloadIdentityProps {
  /** The workload's name: its objects' names and its DNS name. */
  readonly name: string;
  /**
   * The longest name the workload kind allows (suffixes of its own objects, or the CronJob controller's, need room).
   * @default 63
   */
  readonly maxNameLength?: number;
  /** The `app.kubernetes.io/component` label. */
  readonly component: string;
  /**
   * The uid and gid its pods run as.
   * @default - the compatibility profile's (10001)
   */
  readonly runAsUser?: number;
  /**
   * The hardening of another workload to reuse (a database's backup runs as the database does).
   * @default - derived from the Platform's profiles and `runAsUser`
   */
  readonly hardening?: HardeningContext;
  /**
   * The construct that bad identity props are reported on, when the workload is built on a parent's behalf.
   * @default - the workload itself
   */
  readonly reportOn?: IConstruct;
  /**
   * The ports clients reach it on; none for jobs.
   * @default - none
   */
  readonly connectionPorts?: readonly NetworkPort[];
  /**
   * What an edge to this workload stands for in diagrams and reports.
   * @default 'service'
   */
  readonly connectionKind?: EdgeKind;
  /**
   * The workload's pod options (placement, pull secrets, extra pod metadata, ServiceAccount annotations).
   * @default - none
   */
  readonly podOptions?: PodOptions;
  /**
   * The scheduling tier of its pods, which picks the Platform's PriorityClass unless `podOptions` name one.
   * @default 'service'
   */
  readonly priorityTier?: PriorityTier;
}

/** Options of `connectTo`. */
export interface ConnectOptions {
  /**
   * Prefix for the connection env vars, to tell two connections of the same kind apart.
   * @default - none
   */
  readonly envPrefix?: string;
}

/** Options of `allowTo` and `allowFrom` for a cdk8s-plus peer. */
export interface AllowOptions {
  /**
   * Why a peer that selects every pod of a namespace, every namespace or every address is needed; without it such
   * a peer is refused.
   * @default - wide peers are refused
   */
  readonly widePeerWaiver?: string;
}

/** A peer the wiring verbs accept: one of the kit's workloads, or a cdk8s-plus workload or pod selector. */
export type WorkloadPeer = INetworkPeer | INetworkPolicyPeer;

/**
 * The base of every workload construct. It owns the workload's identity (name, namespace, selector and labels),
 * its ServiceAccount (no token), the hardening of its containers, its one NetworkPolicy (derived from the wiring),
 * its Prometheus allowance and its footprint, and the verbs that wire it to others. It is also a cdk8s-plus
 * `INetworkPolicyPeer` and `IPodSelector`, so cdk8s-plus workloads can be wired to it.
 */
export abstract class Workload extends Construct implements INetworkPeer, INetworkPolicyPeer, IPodSelector {
  public readonly workloadName: string;
  public readonly namespace: string;
  /** Labels that select exactly this workload's pods. */
  public readonly podSelector: Readonly<Record<string, string>>;
  /**
   * The one label (`app.kubernetes.io/instance`) that selects exactly this workload's pods, which its NetworkPolicy
   * and its whole-workload PDB select by: checkers that match a selector one label at a time (Polaris) then find
   * them. Services and controllers keep `podSelector`, whose change would replace their pods.
   */
  public readonly policySelector: Readonly<Record<string, string>>;
  /** Labels of every object of the workload: the selector labels and the component. */
  public readonly labels: Readonly<Record<string, string>>;
  /** The ports clients reach it on; empty for jobs. */
  public readonly connectionPorts: readonly NetworkPort[];
  /** What an edge to this workload stands for. */
  public readonly connectionKind: EdgeKind;
  /** Its own ServiceAccount, which mounts no token. */
  public readonly serviceAccount: k8s.KubeServiceAccount;
  /** Its one NetworkPolicy: ingress and egress exactly as wired. */
  public readonly networkPolicy: WorkloadNetworkPolicy;
  /**
   * The container that connection env vars go to, for adjustments the props do not foresee: its env and ports lists
   * are its own; its security context, resources, probes and lifecycle are shared with other workloads and frozen
   * (change those through the ApiObject's `addJsonPatch`).
   */
  public abstract readonly mainContainer: RenderedContainer;
  /** The Platform it belongs to. */
  protected readonly platform: Platform;
  /** What the Platform's profiles decide for its containers. */
  protected readonly hardening: HardeningContext;
  /** Its checked pod options, for its pod templates. */
  protected readonly podOptions: ResolvedPodOptions;
  /** The Role of the workload's API access (`podOptions.apiAccess`), if any. */
  public apiRole?: k8s.KubeRole;
  /** Binds `apiRole` to the workload's ServiceAccount. */
  public apiRoleBinding?: k8s.KubeRoleBinding;
  /** The metadata of the objects named after the workload, shared by them (frozen). */
  private readonly ownMetadata: { readonly name: string; readonly labels: Record<string, string> };
  /** Whether a container of the workload pauses with the `sleep` action, which its pod controllers must keep. */
  private sleepActions = false;

  protected constructor(scope: Construct, id: string, identity: WorkloadIdentityProps) {
    super(scope, id);
    this.platform = Platform.of(this);
    const reportOn = identity.reportOn ?? this;
    checkDnsLabel(reportOn, 'name', identity.name, identity.maxNameLength ?? 63);
    checkLabelValue(reportOn, 'component', identity.component);
    this.workloadName = identity.name;
    this.namespace = this.platform.namespaceName;
    // Frozen, so that the workload's objects share them instead of holding copies (see sharedLabels).
    this.podSelector = Object.freeze(selectorLabels(this.workloadName));
    this.policySelector = Object.freeze({ [LabelKeys.INSTANCE]: this.workloadName });
    this.labels = Object.freeze(workloadLabels(this.workloadName, identity.component));
    this.ownMetadata = Object.freeze({ name: this.workloadName, labels: this.labels as Record<string, string> });
    this.connectionPorts = identity.connectionPorts ?? [];
    this.connectionKind = identity.connectionKind ?? 'service';
    this.hardening = identity.hardening ?? hardeningContext(this, {
      compatibility: this.platform.compatibility, environment: this.platform.environment, runAsUser: identity.runAsUser,
      kubernetesVersion: this.platform.kubernetesVersion,
    });
    this.podOptions = resolvePodOptions(reportOn, identity.podOptions ?? {},
      this.platform.priorityClassFor(identity.priorityTier ?? 'service'));
    const serviceAccountAnnotations = this.podOptions.serviceAccountAnnotations;
    const hasAnnotations = Object.keys(serviceAccountAnnotations).length > 0;
    this.serviceAccount = new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: hasAnnotations
        ? { name: this.workloadName, labels: this.labels as Record<string, string>, annotations: { ...serviceAccountAnnotations } }
        : this.ownMetadata,
      automountServiceAccountToken: false,
    });
    this.networkPolicy = new WorkloadNetworkPolicy(this, 'NetworkPolicy', {
      peer: this, metadata: this.metadata(), selector: this.policySelector, dns: this.platform.dns,
    });
    if (this.podOptions.apiAccess) this.grantApiAccess(reportOn, this.podOptions.apiAccess);
  }

  /** The Role and RoleBinding of the workload's API access, and egress to the API server's endpoints. */
  private grantApiAccess(reportOn: IConstruct, rules: k8s.PolicyRule[]): void {
    const endpoints = this.platform.apiServer;
    if (!endpoints) {
      throw PatternError.invalidProp(reportOn, 'apiAccess', rules.length,
        'needs the API server\'s endpoints to allow egress to: set the Platform\'s apiServer: { cidrs, port }');
    }
    this.apiRole = new k8s.KubeRole(this, 'ApiRole', { metadata: this.metadata(), rules });
    this.apiRoleBinding = new k8s.KubeRoleBinding(this, 'ApiRoleBinding', {
      metadata: this.metadata(),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.workloadName },
      subjects: [{ kind: 'ServiceAccount', name: this.workloadName, namespace: this.namespace }],
    });
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'egress', ports: [{ port: endpoints.port }], description: 'kubernetes API server',
      others: endpoints.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
    });
  }

  /**
   * Lets this workload open connections to `target`: egress here, ingress there, on the target's ports, and the
   * connection settings as env vars of the main container. Returns the env vars added.
   */
  public connectTo(target: IConnectable | ExternalService, options: ConnectOptions = {}): k8s.EnvVar[] {
    const external = ExternalService.isExternalService(target) ? target : undefined;
    if (!external) {
      checkTarget(this, 'connectTo', target);
      if (typeof (target as IConnectable).connectionEnv !== 'function') {
        throw PatternError.invalidProp(this, 'connectTo', (target as IConnectable).node.path, 'serves no clients: use allowTo for a flow without env vars');
      }
    }
    if (options.envPrefix !== undefined) checkEnvName(this, 'connectTo.envPrefix', options.envPrefix);
    if (external) this.reachExternal('connectTo', external);
    else this.allowTo(target as IConnectable);
    const vars = external ? external.connectionEnv(options.envPrefix) : (target as IConnectable).connectionEnv(options.envPrefix, this);
    for (const variable of vars) addEnv(this, this.mainContainer, variable);
    return vars;
  }

  /**
   * Lets this workload open connections to `target` on its ports, without connection env vars (the app finds
   * the target by other means). A cdk8s-plus peer has no ports the kit knows: name them.
   */
  public allowTo(target: IConnectable | INetworkPolicyPeer | ExternalService, ports?: readonly NetworkPort[], options: AllowOptions = {}): void {
    if (ExternalService.isExternalService(target)) {
      this.reachExternal('allowTo', target);
      return;
    }
    checkTarget(this, 'allowTo', target);
    const reached = ports ?? (isKitPeer(target) ? (target as IConnectable).connectionPorts : undefined);
    if (!reached || reached.length === 0) {
      throw PatternError.invalidProp(this, 'allowTo', target.node.path,
        'needs the ports to allow: the target serves none the kit knows (pass them, e.g. [{ port: 8080 }])');
    }
    if (isKitPeer(target)) {
      const connectable = target as IConnectable;
      WiringGraph.of(this).connect({ from: this, to: connectable, ports: reached, kind: connectable.connectionKind ?? 'service' });
      return;
    }
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'egress', ports: reached, description: target.node.path,
      others: [narrowPeer(this, 'allowTo', target, options)],
    });
  }

  /** Lets `peer` (another workload, a migration Job, an admin tool, a cdk8s-plus workload) reach this one's ports. */
  public allowFrom(peer: WorkloadPeer, options: AllowOptions = {}): void {
    checkTarget(this, 'allowFrom', peer);
    if (this.connectionPorts.length === 0) {
      throw PatternError.invalidProp(this, 'allowFrom', peer.node.path, 'cannot reach this workload: it serves no ports');
    }
    if (isKitPeer(peer)) {
      WiringGraph.of(this).connect({ from: peer, to: this, ports: this.connectionPorts, kind: this.connectionKind });
      return;
    }
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'ingress', ports: this.connectionPorts, description: peer.node.path,
      others: [narrowPeer(this, 'allowFrom', peer, options)],
    });
  }

  /** cdk8s-plus: this workload as a NetworkPolicy peer (its pods, in its namespace). */
  public toNetworkPolicyPeerConfig(): NetworkPolicyPeerConfig {
    return { podSelector: this.toPodSelectorConfig() };
  }

  /** cdk8s-plus: the selector of this workload's pods. */
  public toPodSelector(): IPodSelector {
    return this;
  }

  /** cdk8s-plus: the labels of this workload's pods, in its namespace. */
  public toPodSelectorConfig(): PodSelectorConfig {
    return { labelSelector: cdk8sPlus().LabelSelector.of({ labels: { ...this.podSelector } }), namespaces: { names: [this.namespace] } };
  }

  /** Egress to an ExternalService's blocks, the cluster's own, link-local and metadata ranges excepted. */
  private reachExternal(verb: string, target: ExternalService): void {
    const network = this.platform.clusterNetwork;
    const others = [...new Set(target.cidrs)].sort().map((cidr) => network.ipBlock(this, `${verb}(${target.name}).cidrs`, cidr));
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'egress', ports: target.ports, description: `external ${target.name}`, others,
    });
  }

  /**
   * The pause of a container before SIGTERM, as the Platform's Kubernetes minor runs it: the `sleep` action from 1.34
   * (no `sleep` binary needed in the image), an exec of `sleep` before; none for 0 seconds.
   */
  protected preStopPause(seconds: number): k8s.Lifecycle | undefined {
    const lifecycle = preStopPause(seconds, this.hardening.kubernetesVersion);
    this.sleepActions = this.sleepActions || hasSleepAction(lifecycle);
    return lifecycle;
  }

  /** Declares the workload's pod controllers, once built, so that fields newer than cdk8s-plus-28's L1 reach the output. */
  protected adoptPodControllers(objects: readonly ApiObject[]): void {
    if (this.sleepActions) objects.forEach(keepSleepActions);
  }

  /**
   * Metadata of one of the workload's objects: `name` (the workload's by default) and its labels. The labels are the
   * frozen `labels` themselves: cdk8s copies them into each object's own metadata (which its escape hatches change),
   * and never reads the props' copy again, so the objects need no copy each.
   */
  protected metadata(name: string = this.workloadName): { name: string; labels: Record<string, string> } {
    return name === this.workloadName ? this.ownMetadata : { name, labels: this.labels as Record<string, string> };
  }

  /**
   * Opens `port` to the Prometheus pods of the platform's monitoring namespace and returns the scrape annotations of the
   * pods, for scrapers that read them.
   */
  protected exposeMetrics(port: number, path: string): Record<string, string> {
    WiringGraph.of(this).addExternal({
      peer: this, direction: 'ingress', ports: [{ port }], description: 'prometheus',
      others: [this.platform.prometheusPeer()],
    });
    return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': path };
  }

  /** Records what the workload's pods may consume, for the quota and the capacity report. */
  protected declareFootprint(footprint: Omit<WorkloadFootprint, 'workload'>): void {
    this.platform.registerFootprint({ workload: this, ...footprint });
  }
}

/** Whether a peer is one of the kit's (it has a workload name and a pod selector) rather than a cdk8s-plus one. */
function isKitPeer(peer: WorkloadPeer): peer is INetworkPeer {
  return typeof (peer as INetworkPeer).workloadName === 'string' && typeof (peer as INetworkPeer).podSelector === 'object';
}

/** Refuses what is no peer at all (a JavaScript caller's string or plain object) with the verb that got it. */
function checkTarget(scope: IConstruct, verb: string, peer: unknown): void {
  const isConstruct = typeof peer === 'object' && peer !== null && 'node' in peer;
  const isPeer = isConstruct && (isKitPeer(peer as WorkloadPeer) || typeof (peer as INetworkPolicyPeer).toNetworkPolicyPeerConfig === 'function');
  if (!isPeer) {
    throw PatternError.invalidProp(scope, verb, peer,
      'must be a workload of the kit (ResilientMicroservice, StatefulDatabase, …) or a cdk8s-plus workload');
  }
}

/**
 * A cdk8s-plus peer as a NetworkPolicy peer, refused when it would open the workload to a whole namespace (an
 * empty pod selector), to every namespace or to every address, unless waived with a reason.
 */
function narrowPeer(scope: IConstruct, verb: string, peer: INetworkPolicyPeer, options: AllowOptions): k8s.NetworkPolicyPeer {
  const rendered = plusPeer(peer);
  const isEmpty = (selector?: k8s.LabelSelector) => selector !== undefined
    && Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const wide = rendered.ipBlock ? (rendered.ipBlock.cidr.endsWith('/0') ? `every address (${rendered.ipBlock.cidr})` : undefined)
    : isEmpty(rendered.podSelector) ? 'every pod of a namespace (an empty pod selector)'
      : isEmpty(rendered.namespaceSelector) ? 'pods of every namespace (an empty namespace selector)' : undefined;
  if (wide === undefined) return rendered;
  const waiver = options.widePeerWaiver;
  if (typeof waiver === 'string' && waiver.trim().length >= 10) return rendered;
  throw PatternError.invalidProp(scope, verb, peer.node.path,
    `selects ${wide}: select the peer's pods by label, or pass { widePeerWaiver: '<reason, 10 characters or more>' }`);
}

/**
 * The NetworkPolicy peer of a cdk8s-plus workload or pod selector. cdk8s-plus offers its selectors only in its
 * own types; `LabelSelector._toKube()` is how its own NetworkPolicy renders them (the gap: no public accessor).
 */
function plusPeer(peer: INetworkPolicyPeer): k8s.NetworkPolicyPeer {
  const config = peer.toNetworkPolicyPeerConfig();
  if (config.ipBlock) return { ipBlock: { cidr: config.ipBlock.cidr, except: config.ipBlock.except } };
  const podSelector = config.podSelector!.labelSelector._toKube();
  const names = config.podSelector!.namespaces?.names;
  const namespaceLabels = config.podSelector!.namespaces?.labelSelector?._toKube();
  if (names && names.length === 1) {
    return { podSelector, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': names[0] } } };
  }
  return namespaceLabels ? { podSelector, namespaceSelector: namespaceLabels } : { podSelector };
}
