// Platform: the Chart that owns a namespace, its quota, limits and default-deny network, and every workload in it.
import { Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { CapacityTotals, checkQuotaProps, maximumScale, quotaDimensions, QuotaProps, WorkloadFootprint } from './capacity';
import { Compatibility } from './compatibility';
import { Environment } from './environment';
import { PatternError } from './errors';
import { checkKubernetesVersion, DEFAULT_KUBERNETES_VERSION, KubernetesVersion, podSecurityVersion } from './kubernetes-version';
import { LabelKeys, MANAGED_BY } from './labels';
import { Edge } from './edge/edge';
import { PlatformEdge } from './edge/platform-edge';
import { ClusterDns } from './network/cluster-dns';
import { ApiServerEndpoints, checkApiServer } from './network/api-server';
import { ClusterNetwork } from './network/cluster-network';
import * as k8s from './private/k8s';
import { checkStore, SecretStoreRef } from './secret-source';
import { checkPriorityClassProvision, createPriorityClasses, priorityClassName, PriorityClassProvision, PriorityTier } from './platform-priority';
import { MonitoringProps, monitorSelectorRule, resolveMonitorSelectorLabels, resolvePrometheusPodLabels } from './platform-monitoring';
import { ContainerResources, formatBytes, formatCpu, parseBytes, parseCpu, resolveResources } from './pod/resources';
import { routeAppSynth } from './private/app-synth-hook';
import { checkPlusUsesSameCdk8s, checkSameCopies } from './private/peer-copies';
import { checkDnsLabel, checkValueOf } from './private/prop-checks';
import { Validation } from './validation/rule';

/** Props of a Platform. */
export interface PlatformProps {
  /**
   * The namespace every object goes into; the Namespace object is emitted.
   * @default - the construct id
   */
  readonly namespace?: string;
  /**
   * The platform's name: `app.kubernetes.io/part-of` on every object and the folder of its output.
   * @default - the namespace
   */
  readonly name?: string;
  /**
   * The environment profile: replicas, autoscaling bounds, resource sizes, optional sidecars.
   * @default Environment.PRODUCTION
   */
  readonly environment?: Environment;
  /**
   * How the checkers' conflicts are settled (CPU limits, pull policy, uid).
   * @default Compatibility.ALL_CHECKERS
   */
  readonly compatibility?: Compatibility;
  /**
   * The namespace's ResourceQuota.
   * @default - derived from the workloads at maximum scale, plus 25 % headroom
   * @see https://kubernetes.io/docs/concepts/policy/resource-quotas/
   */
  readonly quota?: QuotaProps;
  /**
   * The LimitRange's defaults for containers that set no resources of their own (the kit's never do).
   * @default - requests 100m CPU / 128Mi memory, limits twice that
   * @see https://kubernetes.io/docs/concepts/policy/limit-range/
   */
  readonly containerDefaults?: ContainerResources;
  /**
   * The namespace Prometheus scrapes from; metrics ports allow ingress from it.
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * The labels the platform's Prometheus selects monitors and rules by.
   * @default - `release: kube-prometheus-stack` on every ServiceMonitor, PodMonitor and PrometheusRule
   */
  readonly monitoring?: MonitoringProps;
  /**
   * How the platform is reached from outside: HTTPRoutes on a Gateway, or Ingresses of one class.
   * @default PlatformEdge.gatewayApi(): a Gateway of class `eg` (Envoy Gateway) created in the namespace
   */
  readonly edge?: PlatformEdge;
  /**
   * Where the platform's pods resolve names: the DNS egress every NetworkPolicy allows.
   * @default ClusterDns.kubeDns(): pods `k8s-app: kube-dns` in `kube-system` (CoreDNS keeps that label), port 53
   */
  readonly dns?: ClusterDns;
  /**
   * The cluster's own address ranges, which egress to the outside (ipBlocks) always excepts, with the link-local
   * and metadata ranges.
   * @default ClusterNetwork.privateRanges(): every private range counts as the cluster's
   */
  readonly clusterNetwork?: ClusterNetwork;
  /**
   * The External Secrets Operator store that PlatformSecrets and ExternalSecret credentials read from, unless
   * they name their own.
   * @default - none: each names its store
   */
  readonly secretStore?: SecretStoreRef;
  /**
   * The API server's endpoint addresses (`kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes`)
   * and port, which workloads granted `apiAccess` may reach; NetworkPolicies match the endpoints, not the Service IP.
   * @default - none: a workload with apiAccess is refused until they are declared
   */
  readonly apiServer?: ApiServerEndpoints;
  /**
   * The PriorityClasses its pods name by tier (`<name>-data` > `-edge` > `-service` > `-batch`, batch never
   * preempting): `'emit'` puts them in the output (cluster-scoped, applied before the workloads); `'prerequisite'`
   * leaves them out, for a cluster where they exist already (one Platform of that name emits them, or the cluster
   * team does).
   * @default 'emit'
   * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
   */
  readonly priorityClasses?: PriorityClassProvision;
  /**
   * The Kubernetes minor of the target clusters: the Pod Security version the namespace pins, the features the pods
   * use (native sidecars from 1.33, the `sleep` preStop action from 1.34, each where GA), and the API versions
   * validation accepts.
   * @default '1.34'
   * @see https://kubernetes.io/releases/
   */
  readonly kubernetesVersion?: KubernetesVersion;
}

const QUOTA_HEADROOM = 1.25;
const PLATFORM_SYMBOL = Symbol.for('cdk8s-patterns.Platform');

/**
 * A namespace with everything a hardened platform needs around its workloads: the Namespace (Pod Security
 * "restricted" enforced), standard labels on every object, a ResourceQuota and LimitRange, a default-deny
 * NetworkPolicy and an allow for DNS.
 */
export class Platform extends Chart {
  /** The Platform that `scope` is defined in; throws a clear error outside one. */
  public static of(scope: IConstruct): Platform {
    for (let node: IConstruct | undefined = scope; node; node = node.node.scope) {
      if (Platform.isPlatform(node)) return node;
    }
    throw new PatternError(scope, 'must be defined inside a Platform: create it with a Platform (or a construct within one) as its scope');
  }

  /**
   * Whether `x` is a Platform. (`instanceof` cannot tell: cdk8s makes it true for every Chart.)
   */
  public static isPlatform(x: unknown): x is Platform {
    return typeof x === 'object' && x !== null && PLATFORM_SYMBOL in x;
  }

  public readonly namespaceName: string;
  public readonly platformName: string;
  public readonly environment: Environment;
  public readonly compatibility: Compatibility;
  /** The Kubernetes minor of the target clusters. */
  public readonly kubernetesVersion: KubernetesVersion;
  public readonly monitoringNamespace: string;
  /** Labels on every ServiceMonitor, PodMonitor and PrometheusRule, checked by rule `monitoring/selector-labels`. */
  public readonly monitorSelectorLabels: Readonly<Record<string, string>>;
  /** Labels of the Prometheus pods in the monitoring namespace, the only pods metrics ports admit. */
  public readonly prometheusPodLabels: Readonly<Record<string, string>>;
  /** The Namespace object. */
  public readonly namespaceObject: k8s.KubeNamespace;
  public readonly resourceQuota: k8s.KubeResourceQuota;
  public readonly limitRange: k8s.KubeLimitRange;
  /** Denies all ingress and egress to every pod not allowed by a workload's own policy. */
  public readonly defaultDenyPolicy: k8s.KubeNetworkPolicy;
  /** Allows every pod to reach cluster DNS. */
  public readonly dnsPolicy: k8s.KubeNetworkPolicy;
  /** The way in: every route, Ingress and edge certificate of the platform goes through it. */
  public readonly edge: Edge;
  /** Where the platform's pods resolve names. */
  public readonly dns: ClusterDns;
  /** The cluster's own ranges, excepted from every egress to the outside. */
  public readonly clusterNetwork: ClusterNetwork;
  /** The platform's default External Secrets Operator store, if any. */
  public readonly secretStore?: SecretStoreRef;
  /** The API server's endpoints, when declared. */
  public readonly apiServer?: { readonly cidrs: readonly string[]; readonly port: number };
  private readonly secretSources = new Map<string, string>();
  /** Whether the PriorityClasses are emitted or expected on the cluster. */
  public readonly priorityClassProvision: PriorityClassProvision;
  /** The PriorityClass objects, highest tier first; empty when they are a prerequisite. */
  public readonly priorityClasses: readonly k8s.KubePriorityClass[];
  private readonly footprints: WorkloadFootprint[] = [];
  private readonly quotaProps: QuotaProps;

  constructor(scope: Construct, id: string, props: PlatformProps = {}) {
    checkSameCopies(scope);
    const namespace = props.namespace ?? id;
    const name = props.name ?? namespace;
    const environment = props.environment ?? Environment.PRODUCTION;
    super(scope, id, {
      namespace,
      labels: { [LabelKeys.PART_OF]: name, [LabelKeys.MANAGED_BY]: MANAGED_BY, [LabelKeys.ENVIRONMENT]: environment.name },
    });
    Object.defineProperty(this, PLATFORM_SYMBOL, { value: true });
    checkDnsLabel(this, 'namespace', namespace);
    checkDnsLabel(this, 'name', name);
    environment.validate(this);
    this.namespaceName = namespace;
    this.platformName = name;
    this.environment = environment;
    this.compatibility = props.compatibility ?? Compatibility.ALL_CHECKERS;
    this.kubernetesVersion = checkKubernetesVersion(this, 'kubernetesVersion', props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
    Validation.of(this).targetKubernetes(this.kubernetesVersion);
    this.monitoringNamespace = props.monitoringNamespace ?? 'monitoring';
    checkDnsLabel(this, 'monitoringNamespace', this.monitoringNamespace);
    this.monitorSelectorLabels = resolveMonitorSelectorLabels(this, props.monitoring);
    this.prometheusPodLabels = resolvePrometheusPodLabels(this, props.monitoring);
    Validation.of(this).addRule(monitorSelectorRule(this.monitorSelectorLabels));
    this.dns = checkValueOf(this, 'dns', props.dns, ClusterDns, 'ClusterDns.kubeDns(), .nodeLocal(), .gkeCloudDns(), .openShift() or .custom()') ?? ClusterDns.kubeDns();
    this.clusterNetwork = checkValueOf(this, 'clusterNetwork', props.clusterNetwork, ClusterNetwork, 'ClusterNetwork.privateRanges() or ClusterNetwork.of({ internalCidrs })')
      ?? ClusterNetwork.privateRanges();
    if (props.secretStore !== undefined) checkStore(this.node.path, 'secretStore', props.secretStore);
    this.secretStore = props.secretStore;
    this.apiServer = props.apiServer === undefined ? undefined : checkApiServer(this, props.apiServer);
    this.quotaProps = props.quota ?? {};
    checkQuotaProps(this, this.quotaProps);

    this.priorityClassProvision = props.priorityClasses ?? 'emit';
    checkPriorityClassProvision(this, this.priorityClassProvision);

    this.namespaceObject = this.createNamespace();
    checkPlusUsesSameCdk8s(this.namespaceObject);
    routeAppSynth(this);

    this.resourceQuota = new k8s.KubeResourceQuota(this, 'ResourceQuota', {
      metadata: { name: 'platform-quota', labels: this.platformLabels('quota') },
      spec: { hard: Lazy.any({ produce: () => this.renderQuota() }) },
    });
    this.limitRange = this.createLimitRange(props.containerDefaults);
    this.defaultDenyPolicy = new k8s.KubeNetworkPolicy(this, 'DefaultDeny', {
      metadata: { name: 'default-deny', labels: this.platformLabels('network-policy') },
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    this.dnsPolicy = new k8s.KubeNetworkPolicy(this, 'AllowDns', {
      metadata: { name: 'allow-dns', labels: this.platformLabels('network-policy') },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [this.dns.egressRule()] },
    });
    this.priorityClasses = this.priorityClassProvision === 'emit'
      ? createPriorityClasses(this, this.platformName, this.platformLabels('priority-class')) : [];
    this.edge = this.createEdge(props.edge ?? PlatformEdge.gatewayApi());
    this.node.addValidation({ validate: () => this.validateQuotaFits() });
  }

  /** The NetworkPolicy peer of the platform's Prometheus: its pods, in the monitoring namespace. */
  public prometheusPeer(): k8s.NetworkPolicyPeer {
    return {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': this.monitoringNamespace } },
      podSelector: { matchLabels: { ...this.prometheusPodLabels } },
    };
  }

  /** Labels of the platform's own objects. */
  public platformLabels(component: string): Record<string, string> {
    return {
      [LabelKeys.NAME]: this.platformName,
      [LabelKeys.INSTANCE]: this.platformName,
      [LabelKeys.COMPONENT]: component,
    };
  }

  /** Records a Secret the platform produces (or expects) and how; two PlatformSecrets of one name are refused. */
  public registerSecret(secretName: string, source: string): void {
    if (this.secretSources.has(secretName)) {
      throw PatternError.invalidProp(this, 'PlatformSecret.name', secretName, 'is produced twice in this Platform: each Secret has one source');
    }
    this.secretSources.set(secretName, source);
  }

  /** The platform's Secrets by name, with their source kind (store, generated, sealed, existing). */
  public get platformSecrets(): ReadonlyMap<string, string> {
    return this.secretSources;
  }

  /** The name of the platform's PriorityClass of `tier`, whether emitted or a prerequisite. */
  public priorityClassFor(tier: PriorityTier): string {
    return priorityClassName(this.platformName, tier);
  }

  /** Registers a workload's footprint; the quota and the capacity report are derived from these. */
  public registerFootprint(footprint: WorkloadFootprint): void {
    this.footprints.push(footprint);
  }

  /** Every registered workload footprint, in declaration order. */
  public get workloadFootprints(): readonly WorkloadFootprint[] {
    return this.footprints;
  }

  /** The platform's totals with every workload at maxReplicas plus its rollout surge. */
  public maximumScale(): CapacityTotals {
    return maximumScale(this.footprints);
  }

  /** The quota's hard limits in numbers: explicit props, or derived from maximum scale plus headroom. */
  public effectiveQuota(): CapacityTotals {
    const max = this.maximumScale();
    const derive = (n: number) => Math.ceil(n * QUOTA_HEADROOM);
    const q = this.quotaProps;
    const mib = 1024 * 1024;
    const roundMi = (bytes: number) => Math.ceil(bytes / mib) * mib;
    return {
      pods: q.pods ?? Math.max(1, derive(max.pods)),
      requestsCpuMillis: q.requestsCpu !== undefined ? parseCpu(this, 'quota.requestsCpu', q.requestsCpu) : Math.max(100, derive(max.requestsCpuMillis)),
      requestsMemoryBytes: q.requestsMemory !== undefined ? parseBytes(this, 'quota.requestsMemory', q.requestsMemory) : roundMi(Math.max(128 * mib, derive(max.requestsMemoryBytes))),
      limitsCpuMillis: q.limitsCpu !== undefined ? parseCpu(this, 'quota.limitsCpu', q.limitsCpu) : Math.max(200, derive(max.limitsCpuMillis)),
      limitsMemoryBytes: q.limitsMemory !== undefined ? parseBytes(this, 'quota.limitsMemory', q.limitsMemory) : roundMi(Math.max(256 * mib, derive(max.limitsMemoryBytes))),
      requestsEphemeralBytes: roundMi(Math.max(mib, derive(max.requestsEphemeralBytes))),
      limitsEphemeralBytes: roundMi(Math.max(mib, derive(max.limitsEphemeralBytes))),
      storageBytes: q.storage !== undefined ? parseBytes(this, 'quota.storage', q.storage) : roundMi(derive(max.storageBytes)),
      claims: derive(max.claims),
    };
  }

  private renderQuota(): Record<string, k8s.Quantity> {
    const quota = this.effectiveQuota();
    const hard: Record<string, string> = {
      'pods': String(quota.pods),
      'requests.cpu': formatCpu(quota.requestsCpuMillis),
      'requests.memory': formatBytes(quota.requestsMemoryBytes),
      'limits.memory': formatBytes(quota.limitsMemoryBytes),
      'requests.ephemeral-storage': formatBytes(quota.requestsEphemeralBytes),
      'limits.ephemeral-storage': formatBytes(quota.limitsEphemeralBytes),
      'persistentvolumeclaims': String(quota.claims),
      'requests.storage': quota.storageBytes > 0 ? formatBytes(quota.storageBytes) : '0',
    };
    if (this.compatibility.cpuLimits) hard['limits.cpu'] = formatCpu(quota.limitsCpuMillis);
    const rendered: Record<string, k8s.Quantity> = {};
    for (const key of Object.keys(hard).sort()) rendered[key] = k8s.Quantity.fromString(hard[key]);
    return rendered;
  }

  /** The namespace, Pod Security "restricted" enforced, audited and warned, pinned to the target minor's version. */
  private createNamespace(): k8s.KubeNamespace {
    const version = podSecurityVersion(this.kubernetesVersion);
    const namespace = new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: this.namespaceName,
        labels: {
          ...this.platformLabels('namespace'),
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': version,
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/audit-version': version,
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': version,
        },
      },
    });
    // A Chart puts its namespace on every object it holds; a Namespace is cluster-scoped and must not have one.
    namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return namespace;
  }

  private createEdge(edge: PlatformEdge): Edge {
    if (!(edge instanceof PlatformEdge)) {
      throw PatternError.invalidProp(this, 'edge', edge, 'must be PlatformEdge.gatewayApi({...}) or PlatformEdge.ingress({...})');
    }
    return new Edge(this, 'Edge', {
      spec: edge._resolve(this, this.namespaceName, this.platformName), namespace: this.namespaceName,
      platformName: this.platformName, labels: this.platformLabels('edge'),
    });
  }

  private createLimitRange(defaults: ContainerResources | undefined): k8s.KubeLimitRange {
    const resolved = resolveResources(this, defaults, {
      scale: 1, cpuLimits: this.compatibility.cpuLimits, prop: 'containerDefaults',
    });
    const q = (s: string) => k8s.Quantity.fromString(s);
    const defaultLimits: Record<string, k8s.Quantity> = { memory: q(formatBytes(resolved.limits.memoryBytes)) };
    if (resolved.limits.cpuMillis !== undefined) defaultLimits.cpu = q(formatCpu(resolved.limits.cpuMillis));
    return new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: 'container-defaults', labels: this.platformLabels('limit-range') },
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: {
            cpu: q(formatCpu(resolved.requests.cpuMillis)),
            memory: q(formatBytes(resolved.requests.memoryBytes)),
          },
          default: defaultLimits,
        }],
      },
    });
  }

  /** Synth fails when the platform at maximum scale cannot fit its own quota. */
  private validateQuotaFits(): string[] {
    const max = this.maximumScale();
    const quota = this.effectiveQuota();
    const errors: string[] = [];
    for (const d of quotaDimensions(this.compatibility.cpuLimits)) {
      const need = d.total(max);
      const have = d.total(quota);
      if (need > have) {
        errors.push(`quota.${d.prop} (${d.format(have)}) is below what the platform needs at maximum scale (${d.format(need)}): raise the quota or lower maxReplicas or resources`);
      }
    }
    return errors;
  }
}

