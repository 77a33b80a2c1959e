// Replica bounds and the HPA shared by every Deployment-backed workload.
import { Duration, Testing } from 'cdk8s';
import { Environment } from '../../lib';
import { horizontalAutoscaler, resolveReplicaBounds } from '../../lib/scaling/horizontal-autoscaler';

const TARGET = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' };
const METADATA = { name: 'orders', labels: { 'app.kubernetes.io/name': 'orders' } };

describe('resolveReplicaBounds', () => {
  test('defaults to the environment\'s bounds with autoscaling on', () => {
    const bounds = resolveReplicaBounds(Testing.chart(), undefined, undefined, Environment.STAGING);
    expect(bounds).toEqual({ minReplicas: 2, maxReplicas: 5, autoscaling: {} });
  });

  test('a minReplicas above the environment\'s max raises the max with it', () => {
    const bounds = resolveReplicaBounds(Testing.chart(), { minReplicas: 7 }, undefined, Environment.DEVELOPMENT);
    expect([bounds.minReplicas, bounds.maxReplicas]).toEqual([7, 7]);
  });

  test('autoscaling false: a fixed count, the environment\'s minimum unless given', () => {
    expect(resolveReplicaBounds(Testing.chart(), false, undefined, Environment.PRODUCTION))
      .toEqual({ replicas: 2, minReplicas: 2, maxReplicas: 2 });
    expect(resolveReplicaBounds(Testing.chart(), false, 4, Environment.PRODUCTION).replicas).toBe(4);
  });

  test('errors name the prop', () => {
    const chart = Testing.chart();
    expect(() => resolveReplicaBounds(chart, undefined, 3, Environment.PRODUCTION)).toThrow(/replicas \(3\) must not be set while autoscaling is on/);
    expect(() => resolveReplicaBounds(chart, { minReplicas: 5, maxReplicas: 3 }, undefined, Environment.PRODUCTION))
      .toThrow(/autoscaling.minReplicas \(5\) must not exceed maxReplicas \(3\)/);
    expect(() => resolveReplicaBounds(chart, { maxReplicas: 0 }, undefined, Environment.PRODUCTION))
      .toThrow(/autoscaling.maxReplicas \(0\) must be an integer from 1 to 10000/);
    expect(() => resolveReplicaBounds(chart, false, 0, Environment.PRODUCTION)).toThrow(/replicas \(0\) must be an integer from 1 to 10000/);
  });
});

describe('horizontalAutoscaler', () => {
  test('CPU 70 % and memory 80 % by default, fast scale-up, stabilized scale-down', () => {
    // given
    const chart = Testing.chart();
    // when
    horizontalAutoscaler(chart, { metadata: METADATA, scaleTargetRef: TARGET, minReplicas: 2, maxReplicas: 6, options: {} });
    const hpa = Testing.synth(chart)[0];
    // then
    expect(hpa.kind).toBe('HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual(TARGET);
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 6]);
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 70], ['memory', 80]]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
    expect(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds).toBe(0);
  });

  test('targets and stabilization from the options, each checked', () => {
    // given
    const chart = Testing.chart();
    // when
    horizontalAutoscaler(chart, { metadata: METADATA, scaleTargetRef: TARGET, minReplicas: 2, maxReplicas: 6,
      options: { targetCpuUtilization: 50, targetMemoryUtilization: 60, scaleDownStabilization: Duration.minutes(1) } });
    const hpa = Testing.synth(chart)[0];
    // then
    expect(hpa.spec.metrics.map((m: any) => m.resource.target.averageUtilization)).toEqual([50, 60]);
    expect(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(60);
    const bad = (options: object) => () => horizontalAutoscaler(Testing.chart(), { metadata: METADATA, scaleTargetRef: TARGET, minReplicas: 2, maxReplicas: 6, options });
    expect(bad({ targetCpuUtilization: 0 })).toThrow(/autoscaling.targetCpuUtilization \(0\) must be an integer from 1 to 100/);
    expect(bad({ targetMemoryUtilization: 101 })).toThrow(/autoscaling.targetMemoryUtilization \(101\) must be an integer from 1 to 100/);
    expect(bad({ scaleDownStabilization: Duration.millis(500) })).toThrow(/autoscaling.scaleDownStabilization \("0.5s"\) must be a whole number of seconds/);
  });
});
