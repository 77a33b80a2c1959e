// Workload footprints: what each workload may consume at its minimum and maximum scale.
import { IConstruct } from 'constructs';
import { INetworkPeer } from './network/wiring-graph';
import { checkInteger } from './private/prop-checks';
import { CpuQuantity, formatBytes, formatCpu, MemoryQuantity, parseBytes, parseCpu, ResolvedResources } from './pod/resources';

/** What one workload registers with its Platform, for the quota and the capacity report. */
export interface WorkloadFootprint {
  readonly workload: INetworkPeer;
  /** The object kind that runs the pods. */
  readonly kind: 'Deployment' | 'StatefulSet' | 'CronJob' | 'Rollout';
  /** Names of the objects that run its pods (both colours, stable and canary), for dashboards and alerts. */
  readonly controllers: readonly string[];
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Extra pods a rollout may add on top of maxReplicas (maxSurge). */
  readonly surge: number;
  /** Resources of each container of one pod that runs for the pod's life (the main one and its sidecars). */
  readonly containers: readonly ResolvedResources[];
  /**
   * Resources of each init container of one pod, which run one at a time before the others: the scheduler and the
   * quota charge the pod the larger of the sum of `containers` and the largest of these, per resource.
   * @default - none
   * @see https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#resource-sharing-within-containers
   */
  readonly initContainers?: readonly ResolvedResources[];
  /** Persistent storage per replica. */
  readonly storageBytesPerReplica: number;
  /** PersistentVolumeClaims per replica. */
  readonly claimsPerReplica: number;
}

/** Totals of a set of workloads at some scale. */
export interface CapacityTotals {
  readonly pods: number;
  readonly requestsCpuMillis: number;
  readonly requestsMemoryBytes: number;
  readonly limitsCpuMillis: number;
  readonly limitsMemoryBytes: number;
  readonly requestsEphemeralBytes: number;
  readonly limitsEphemeralBytes: number;
  readonly storageBytes: number;
  readonly claims: number;
}

/** A resource the namespace quota bounds, as the quota check and the capacity report both read it. */
export interface QuotaDimension {
  /** The Platform's `quota` prop. */
  readonly prop: string;
  /** The ResourceQuota's key. */
  readonly resource: string;
  readonly total: (t: CapacityTotals) => number;
  readonly format: (n: number) => string;
}

/** The dimensions checked against the quota, in report order; `limits.cpu` only where CPU limits are set. */
export function quotaDimensions(cpuLimits: boolean): readonly QuotaDimension[] {
  const all: (QuotaDimension | false)[] = [
    { prop: 'pods', resource: 'pods', total: (t) => t.pods, format: String },
    { prop: 'requestsCpu', resource: 'requests.cpu', total: (t) => t.requestsCpuMillis, format: formatCpu },
    { prop: 'requestsMemory', resource: 'requests.memory', total: (t) => t.requestsMemoryBytes, format: formatBytes },
    cpuLimits && { prop: 'limitsCpu', resource: 'limits.cpu', total: (t) => t.limitsCpuMillis, format: formatCpu },
    { prop: 'limitsMemory', resource: 'limits.memory', total: (t) => t.limitsMemoryBytes, format: formatBytes },
    { prop: 'storage', resource: 'requests.storage', total: (t) => t.storageBytes, format: formatBytes },
  ];
  return all.filter((d): d is QuotaDimension => d !== false);
}

/**
 * What one pod of a workload is charged, as the scheduler and the ResourceQuota count it: per resource, the larger of
 * the sum of its long-running containers and its largest init container (init containers run one at a time, before
 * the others start).
 */
export function podTotals(footprint: WorkloadFootprint): CapacityTotals {
  const running = sumOf(footprint.containers);
  const init = largestOf(footprint.initContainers ?? []);
  return {
    pods: 1,
    requestsCpuMillis: Math.max(running.requestsCpuMillis, init.requestsCpuMillis),
    requestsMemoryBytes: Math.max(running.requestsMemoryBytes, init.requestsMemoryBytes),
    limitsCpuMillis: Math.max(running.limitsCpuMillis, init.limitsCpuMillis),
    limitsMemoryBytes: Math.max(running.limitsMemoryBytes, init.limitsMemoryBytes),
    requestsEphemeralBytes: Math.max(running.requestsEphemeralBytes, init.requestsEphemeralBytes),
    limitsEphemeralBytes: Math.max(running.limitsEphemeralBytes, init.limitsEphemeralBytes),
    storageBytes: footprint.storageBytesPerReplica,
    claims: footprint.claimsPerReplica,
  };
}

/** The per-resource sum of containers that run side by side. */
function sumOf(containers: readonly ResolvedResources[]): CapacityTotals {
  return containers.map(containerTotals).reduce((a, b) => combine(a, b, (x, y) => x + y), ZERO);
}

/** The per-resource maximum of containers that run one after another. */
function largestOf(containers: readonly ResolvedResources[]): CapacityTotals {
  return containers.map(containerTotals).reduce((a, b) => combine(a, b, Math.max), ZERO);
}

/** One container's resources; with CPU limits dropped, its CPU request stands in for the limit. */
function containerTotals(c: ResolvedResources): CapacityTotals {
  return {
    ...ZERO,
    requestsCpuMillis: c.requests.cpuMillis,
    requestsMemoryBytes: c.requests.memoryBytes,
    limitsCpuMillis: c.limits.cpuMillis ?? c.requests.cpuMillis,
    limitsMemoryBytes: c.limits.memoryBytes,
    requestsEphemeralBytes: c.requests.ephemeralBytes,
    limitsEphemeralBytes: c.limits.ephemeralBytes,
  };
}

function combine(a: CapacityTotals, b: CapacityTotals, op: (x: number, y: number) => number): CapacityTotals {
  return {
    pods: op(a.pods, b.pods),
    requestsCpuMillis: op(a.requestsCpuMillis, b.requestsCpuMillis),
    requestsMemoryBytes: op(a.requestsMemoryBytes, b.requestsMemoryBytes),
    limitsCpuMillis: op(a.limitsCpuMillis, b.limitsCpuMillis),
    limitsMemoryBytes: op(a.limitsMemoryBytes, b.limitsMemoryBytes),
    requestsEphemeralBytes: op(a.requestsEphemeralBytes, b.requestsEphemeralBytes),
    limitsEphemeralBytes: op(a.limitsEphemeralBytes, b.limitsEphemeralBytes),
    storageBytes: op(a.storageBytes, b.storageBytes),
    claims: op(a.claims, b.claims),
  };
}

/** Sums of all workloads, each at `replicas(footprint)` pods. */
export function totalsAt(footprints: readonly WorkloadFootprint[], replicas: (f: WorkloadFootprint) => number): CapacityTotals {
  let total: CapacityTotals = ZERO;
  for (const f of footprints) {
    const pod = podTotals(f);
    const n = replicas(f);
    total = {
      pods: total.pods + n,
      requestsCpuMillis: total.requestsCpuMillis + n * pod.requestsCpuMillis,
      requestsMemoryBytes: total.requestsMemoryBytes + n * pod.requestsMemoryBytes,
      limitsCpuMillis: total.limitsCpuMillis + n * pod.limitsCpuMillis,
      limitsMemoryBytes: total.limitsMemoryBytes + n * pod.limitsMemoryBytes,
      requestsEphemeralBytes: total.requestsEphemeralBytes + n * pod.requestsEphemeralBytes,
      limitsEphemeralBytes: total.limitsEphemeralBytes + n * pod.limitsEphemeralBytes,
      storageBytes: total.storageBytes + n * pod.storageBytes,
      claims: total.claims + n * pod.claims,
    };
  }
  return total;
}

/** Maximum scale: every workload at maxReplicas plus its rollout surge. */
export function maximumScale(footprints: readonly WorkloadFootprint[]): CapacityTotals {
  return totalsAt(footprints, (f) => f.maxReplicas + f.surge);
}

const ZERO: CapacityTotals = {
  pods: 0, requestsCpuMillis: 0, requestsMemoryBytes: 0, limitsCpuMillis: 0, limitsMemoryBytes: 0,
  requestsEphemeralBytes: 0, limitsEphemeralBytes: 0, storageBytes: 0, claims: 0,
};

/** Hard limits of the namespace's ResourceQuota. Unset fields are derived from the workloads. */
export interface QuotaProps {
  /** Sum of CPU requests. @default - the platform at maximum scale, plus 25 % */
  readonly requestsCpu?: CpuQuantity;
  /** Sum of memory requests. @default - the platform at maximum scale, plus 25 % */
  readonly requestsMemory?: MemoryQuantity;
  /** Sum of CPU limits. @default - the platform at maximum scale, plus 25 % */
  readonly limitsCpu?: CpuQuantity;
  /** Sum of memory limits. @default - the platform at maximum scale, plus 25 % */
  readonly limitsMemory?: MemoryQuantity;
  /** Number of pods. @default - the platform at maximum scale, plus 25 % */
  readonly pods?: number;
  /** Sum of persistent storage requests. @default - the platform at maximum scale, plus 25 % */
  readonly storage?: MemoryQuantity;
}

/** Checks the quantities of a Platform's `quota` prop. */
export function checkQuotaProps(scope: IConstruct, q: QuotaProps): void {
  if (q.pods !== undefined) checkInteger(scope, 'quota.pods', q.pods, 1, 1_000_000);
  if (q.requestsCpu !== undefined) parseCpu(scope, 'quota.requestsCpu', q.requestsCpu);
  if (q.requestsMemory !== undefined) parseBytes(scope, 'quota.requestsMemory', q.requestsMemory);
  if (q.limitsCpu !== undefined) parseCpu(scope, 'quota.limitsCpu', q.limitsCpu);
  if (q.limitsMemory !== undefined) parseBytes(scope, 'quota.limitsMemory', q.limitsMemory);
  if (q.storage !== undefined) parseBytes(scope, 'quota.storage', q.storage);
}
