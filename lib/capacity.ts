// Workload footprints: what each workload may consume at its minimum and maximum scale.
import { INetworkPeer } from './network/wiring-graph';
import { formatBytes, formatCpu, ResolvedResources } from './pod/resources';

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
  /** Resources of each container of one pod (sidecars included, init containers excluded). */
  readonly containers: readonly ResolvedResources[];
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

/** Per-pod sums of one workload. */
export function podTotals(footprint: WorkloadFootprint): CapacityTotals {
  return footprint.containers.reduce<CapacityTotals>((sum, c) => ({
    pods: 1,
    requestsCpuMillis: sum.requestsCpuMillis + c.requests.cpuMillis,
    requestsMemoryBytes: sum.requestsMemoryBytes + c.requests.memoryBytes,
    limitsCpuMillis: sum.limitsCpuMillis + (c.limits.cpuMillis ?? c.requests.cpuMillis),
    limitsMemoryBytes: sum.limitsMemoryBytes + c.limits.memoryBytes,
    requestsEphemeralBytes: sum.requestsEphemeralBytes + c.requests.ephemeralBytes,
    limitsEphemeralBytes: sum.limitsEphemeralBytes + c.limits.ephemeralBytes,
    storageBytes: footprint.storageBytesPerReplica,
    claims: footprint.claimsPerReplica,
  }), { ...ZERO, pods: 1 });
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
