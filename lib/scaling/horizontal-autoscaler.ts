// Horizontal autoscaling shared by every Deployment-backed workload: replica bounds and the HPA that holds them.
import { Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Environment } from '../environment';
import { PatternError } from '../errors';
import * as k8s from '../private/k8s';
import { checkInteger, checkWholeSeconds } from '../private/prop-checks';
import { sharedPart } from '../pod/shared-parts';

/** Horizontal autoscaling bounds and targets. */
export interface AutoscalingOptions {
  /** @default - the environment's minReplicas */
  readonly minReplicas?: number;
  /** @default - the environment's maxReplicas */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilization (percent of requests) to hold.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
  /**
   * Average memory utilization (percent of requests) to hold.
   * @default 80
   */
  readonly targetMemoryUtilization?: number;
  /**
   * How long load must stay low before scaling down, so that brief dips do not cause flapping.
   * @default Duration.minutes(5)
   */
  readonly scaleDownStabilization?: Duration;
}

/** A workload's effective replica counts. */
export interface ReplicaBounds {
  /** The fixed count when autoscaling is off; undefined when an HPA owns it. */
  readonly replicas?: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** The autoscaling options, or undefined for a fixed count. */
  readonly autoscaling?: AutoscalingOptions;
}

/**
 * Resolves `autoscaling` and `replicas` props against the environment: an HPA between the bounds, or a fixed
 * count. Setting both is an error, since the HPA would fight the fixed count.
 */
export function resolveReplicaBounds(scope: IConstruct, autoscaling: AutoscalingOptions | false | undefined,
  replicas: number | undefined, environment: Environment): ReplicaBounds {
  if (autoscaling !== false && replicas !== undefined) {
    throw PatternError.invalidProp(scope, 'replicas', replicas,
      'must not be set while autoscaling is on: the HPA owns the count (set autoscaling: false for a fixed count)');
  }
  if (autoscaling === false) {
    const fixed = replicas ?? environment.minReplicas;
    checkInteger(scope, 'replicas', fixed, 1, 10_000);
    return { replicas: fixed, minReplicas: fixed, maxReplicas: fixed };
  }
  const options = autoscaling ?? {};
  const minReplicas = options.minReplicas ?? environment.minReplicas;
  const maxReplicas = options.maxReplicas ?? Math.max(environment.maxReplicas, minReplicas);
  checkInteger(scope, 'autoscaling.minReplicas', minReplicas, 1, 10_000);
  checkInteger(scope, 'autoscaling.maxReplicas', maxReplicas, 1, 10_000);
  if (minReplicas > maxReplicas) {
    throw PatternError.invalidProp(scope, 'autoscaling.minReplicas', minReplicas, `must not exceed maxReplicas (${maxReplicas})`);
  }
  return { minReplicas, maxReplicas, autoscaling: options };
}

/** What the HPA scales and between which bounds. */
export interface HorizontalAutoscalerProps {
  /** Metadata of the HPA object (name, labels). */
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  /** The Deployment (or other scalable object) the HPA sizes. */
  readonly scaleTargetRef: k8s.CrossVersionObjectReferenceV2;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly options: AutoscalingOptions;
}

/**
 * An autoscaling/v2 HPA on CPU and memory utilization, created as `<scope>/Hpa`. Scale-up is fast (double or
 * +4 pods per 30 s); scale-down waits for the stabilization window and halves at most once a minute.
 * @see https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/
 */
export function horizontalAutoscaler(scope: Construct, props: HorizontalAutoscalerProps): k8s.KubeHorizontalPodAutoscalerV2 {
  const cpu = props.options.targetCpuUtilization ?? 70;
  const memory = props.options.targetMemoryUtilization ?? 80;
  checkInteger(scope, 'autoscaling.targetCpuUtilization', cpu, 1, 100);
  checkInteger(scope, 'autoscaling.targetMemoryUtilization', memory, 1, 100);
  const stabilization = checkWholeSeconds(scope, 'autoscaling.scaleDownStabilization',
    props.options.scaleDownStabilization ?? Duration.minutes(5));
  if (stabilization > 3600) {
    throw PatternError.invalidProp(scope, 'autoscaling.scaleDownStabilization', `${stabilization}s`, 'must be at most one hour (3600 s), the HPA\'s limit');
  }
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'Hpa', {
    metadata: props.metadata,
    spec: {
      scaleTargetRef: props.scaleTargetRef,
      minReplicas: props.minReplicas,
      maxReplicas: props.maxReplicas,
      metrics: utilizationMetrics(cpu, memory),
      behavior: scalingBehavior(stabilization),
    },
  });
}

/** The CPU and memory targets, shared by every HPA with the same (see sharedPart). */
function utilizationMetrics(cpu: number, memory: number): k8s.MetricSpecV2[] {
  const utilization = (name: string, averageUtilization: number): k8s.MetricSpecV2 => ({
    type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } },
  });
  return sharedPart(`hpa-metrics:${cpu}/${memory}`, () => [utilization('cpu', cpu), utilization('memory', memory)]);
}

/** Scaling behaviour, shared by every HPA with the same stabilization window (see sharedPart). */
function scalingBehavior(stabilization: number): k8s.HorizontalPodAutoscalerBehaviorV2 {
  return sharedPart(`hpa-behavior:${stabilization}`, () => ({
    scaleDown: {
      stabilizationWindowSeconds: stabilization,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }],
    },
    scaleUp: {
      stabilizationWindowSeconds: 0,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 4, periodSeconds: 30 }],
    },
  }));
}
