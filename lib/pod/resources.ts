// Resource quantities: typed CPU and memory props, parsed once, rendered canonically, scaled by the environment.
import { Size } from 'cdk8s';
import type { Cpu } from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';
import { cdk8sPlus } from '../private/cdk8s-plus';
import * as k8s from '../private/k8s';
import { sharedPart } from './shared-parts';

/** CPU as `Cpu.millis(250)` or a Kubernetes quantity string (`"250m"`, `"0.5"`, `"2"`). */
export type CpuQuantity = Cpu | string;
/** Memory or storage as `Size.mebibytes(256)` or a Kubernetes quantity string (`"256Mi"`, `"1Gi"`). */
export type MemoryQuantity = Size | string;

/** One set of sizes (requests or limits) of a container. */
export interface ResourceSizes {
  /** CPU. */
  readonly cpu?: CpuQuantity;
  /** Memory. */
  readonly memory?: MemoryQuantity;
  /** Ephemeral storage: logs, emptyDirs and the writable layer. */
  readonly ephemeralStorage?: MemoryQuantity;
}

/**
 * What a container asks for and may use.
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/
 */
export interface ContainerResources {
  /**
   * What the scheduler reserves.
   * @default - 100m CPU, 128Mi memory, 64Mi ephemeral storage
   */
  readonly requests?: ResourceSizes;
  /**
   * The ceiling.
   * @default - twice the requests for CPU and memory, 256Mi ephemeral storage
   */
  readonly limits?: ResourceSizes;
}

/** Resources in numbers, after defaults and the environment's scale. */
export interface ResolvedResources {
  readonly requests: { readonly cpuMillis: number; readonly memoryBytes: number; readonly ephemeralBytes: number };
  /** `cpuMillis` is undefined when the compatibility profile drops CPU limits. */
  readonly limits: { readonly cpuMillis?: number; readonly memoryBytes: number; readonly ephemeralBytes: number };
}

const MI = 1024 * 1024;
const BINARY_SUFFIX: Record<string, number> = { Ki: 1024, Mi: MI, Gi: 1024 * MI, Ti: 1024 * 1024 * MI };
const DECIMAL_SUFFIX: Record<string, number> = { '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12 };

/** The default requests of a container when its props give none. */
export const DEFAULT_REQUESTS = { cpu: '100m', memory: '128Mi', ephemeralStorage: '64Mi' } as const;

/** Parses a CPU quantity to millicores, or throws naming the prop. */
export function parseCpu(scope: IConstruct, prop: string, value: CpuQuantity): number {
  const text = typeof value === 'object' && value !== null && value instanceof cdk8sPlus().Cpu ? value.amount : value;
  const match = typeof text === 'string' ? /^(\d+(?:\.\d+)?)(m?)$/.exec(text) : null;
  const millis = match ? (match[2] === 'm' ? Number(match[1]) : Number(match[1]) * 1000) : NaN;
  if (!Number.isFinite(millis) || millis <= 0 || !Number.isInteger(Math.round(millis * 1000) / 1000)) {
    throw PatternError.invalidProp(scope, prop, text, 'must be a positive CPU quantity such as "250m", "0.5" or "2"');
  }
  return Math.ceil(millis);
}

/** Parses a memory or storage quantity to bytes, or throws naming the prop. */
export function parseBytes(scope: IConstruct, prop: string, value: MemoryQuantity): number {
  const text = value instanceof Size ? value.asString() : value;
  const match = typeof text === 'string' ? /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|)$/.exec(text) : null;
  const bytes = match ? Number(match[1]) * (BINARY_SUFFIX[match[2]] ?? DECIMAL_SUFFIX[match[2]]) : NaN;
  if (!Number.isFinite(bytes) || bytes <= 0) {
    throw PatternError.invalidProp(scope, prop, text, 'must be a positive size such as "256Mi", "1Gi" or "500M"');
  }
  return Math.ceil(bytes);
}

/** Renders millicores canonically: whole cores as "2", the rest as "250m". */
export function formatCpu(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Renders bytes canonically in the largest binary unit that divides them. */
export function formatBytes(bytes: number): string {
  if (bytes === 0) return '0';
  for (const suffix of ['Ti', 'Gi', 'Mi', 'Ki']) {
    const unit = BINARY_SUFFIX[suffix];
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  }
  return String(bytes);
}

/**
 * Applies defaults and the environment's scale, and checks that no limit is below its request.
 * Scaling rounds CPU up to whole millicores and memory up to whole MiB, so output stays readable.
 */
export function resolveResources(scope: IConstruct, props: ContainerResources | undefined, options: {
  readonly scale: number;
  readonly cpuLimits: boolean;
  readonly prop?: string;
}): ResolvedResources {
  const prop = options.prop ?? 'resources';
  const req = props?.requests ?? {};
  const lim = props?.limits ?? {};
  const scaleMillis = (m: number) => Math.max(1, Math.ceil(m * options.scale));
  const scaleBytes = (b: number) => Math.max(MI, Math.ceil((b * options.scale) / MI) * MI);

  const requests = {
    cpuMillis: scaleMillis(parseCpu(scope, `${prop}.requests.cpu`, req.cpu ?? DEFAULT_REQUESTS.cpu)),
    memoryBytes: scaleBytes(parseBytes(scope, `${prop}.requests.memory`, req.memory ?? DEFAULT_REQUESTS.memory)),
    ephemeralBytes: parseBytes(scope, `${prop}.requests.ephemeralStorage`, req.ephemeralStorage ?? DEFAULT_REQUESTS.ephemeralStorage),
  };
  const limits = {
    cpuMillis: lim.cpu !== undefined ? scaleMillis(parseCpu(scope, `${prop}.limits.cpu`, lim.cpu)) : requests.cpuMillis * 2,
    memoryBytes: lim.memory !== undefined ? scaleBytes(parseBytes(scope, `${prop}.limits.memory`, lim.memory)) : requests.memoryBytes * 2,
    ephemeralBytes: lim.ephemeralStorage !== undefined
      ? parseBytes(scope, `${prop}.limits.ephemeralStorage`, lim.ephemeralStorage)
      : Math.max(requests.ephemeralBytes, 256 * MI),
  };
  checkNotBelow(scope, `${prop}.limits.cpu`, limits.cpuMillis, requests.cpuMillis, formatCpu);
  checkNotBelow(scope, `${prop}.limits.memory`, limits.memoryBytes, requests.memoryBytes, formatBytes);
  checkNotBelow(scope, `${prop}.limits.ephemeralStorage`, limits.ephemeralBytes, requests.ephemeralBytes, formatBytes);
  return { requests, limits: { ...limits, cpuMillis: options.cpuLimits ? limits.cpuMillis : undefined } };
}

function checkNotBelow(scope: IConstruct, prop: string, limit: number, request: number, format: (n: number) => string): void {
  if (limit < request) {
    throw PatternError.invalidProp(scope, prop, format(limit), `must not be below the request (${format(request)})`);
  }
}

/** The `resources` field of a container; containers of the same resources share one (see sharedPart). */
export function renderResources(resources: ResolvedResources): k8s.ResourceRequirements {
  const { requests: r, limits: l } = resources;
  const key = `resources:${r.cpuMillis}/${r.memoryBytes}/${r.ephemeralBytes}/${l.cpuMillis}/${l.memoryBytes}/${l.ephemeralBytes}`;
  return sharedPart(key, () => buildResources(resources));
}

function buildResources(resources: ResolvedResources): k8s.ResourceRequirements {
  const limits: Record<string, k8s.Quantity> = {};
  if (resources.limits.cpuMillis !== undefined) limits.cpu = k8s.Quantity.fromString(formatCpu(resources.limits.cpuMillis));
  limits.memory = k8s.Quantity.fromString(formatBytes(resources.limits.memoryBytes));
  limits['ephemeral-storage'] = k8s.Quantity.fromString(formatBytes(resources.limits.ephemeralBytes));
  return {
    requests: {
      'cpu': k8s.Quantity.fromString(formatCpu(resources.requests.cpuMillis)),
      'memory': k8s.Quantity.fromString(formatBytes(resources.requests.memoryBytes)),
      'ephemeral-storage': k8s.Quantity.fromString(formatBytes(resources.requests.ephemeralBytes)),
    },
    limits,
  };
}
