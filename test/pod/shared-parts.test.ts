// Shared parts: built once per value, deep-frozen, and never a path by which one workload's change reaches another.
import { ApiObject, JsonPatch } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { ResilientMicroservice } from '../../lib';
import { deepFreeze, sharedPart } from '../../lib/pod/shared-parts';
import { findObject, podSpecOf, synth, testPlatform } from '../support/objects';

describe('sharedPart', () => {
  test('builds a part once per key and freezes it, with everything it holds', () => {
    const build = jest.fn(() => ({ list: [{ port: k8s.IntOrString.fromNumber(1) }] }));
    const first = sharedPart('test-part:1', build);
    expect(sharedPart('test-part:1', build)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.list)).toBe(true);
    expect(Object.isFrozen(first.list[0].port)).toBe(true);
    expect(() => (first.list as unknown[]).push(1)).toThrow(TypeError);
  });

  test('deepFreeze leaves primitives alone', () => {
    expect(deepFreeze(3)).toBe(3);
    expect(deepFreeze(undefined)).toBeUndefined();
  });
});

describe('parts shared between workloads', () => {
  function twoServices() {
    const { platform } = testPlatform();
    const a = new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0' });
    const b = new ResilientMicroservice(platform, 'billing', { image: 'shop/billing:1.2.0' });
    return { platform, a, b };
  }

  test('two services share their security context, resources and default probes, frozen', () => {
    const { a, b } = twoServices();
    const [ca, cb] = [a.mainContainer.container, b.mainContainer.container];
    expect(ca.securityContext).toBe(cb.securityContext);
    expect(ca.resources).toBe(cb.resources);
    expect(ca.livenessProbe).toBe(cb.livenessProbe);
    expect(Object.isFrozen(ca.securityContext)).toBe(true);
    expect(() => { (ca.securityContext as { privileged: boolean }).privileged = true; }).toThrow(TypeError);
  });

  test('escape hatches on one service\'s objects leave the other\'s output alone', () => {
    const { platform, a } = twoServices();
    a.deployment.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/runAsUser', 4242));
    a.deployment.metadata.addLabel('team', 'orders');
    ApiObject.of(a.networkPolicy).metadata.addLabel('team', 'orders');
    a.hpa!.addJsonPatch(JsonPatch.replace('/spec/behavior/scaleDown/stabilizationWindowSeconds', 60));
    const objects = synth(platform);
    expect(podSpecOf(findObject(objects, 'Deployment', 'orders')).containers[0].securityContext.runAsUser).toBe(4242);
    expect(podSpecOf(findObject(objects, 'Deployment', 'billing')).containers[0].securityContext.runAsUser).toBe(10001);
    expect(findObject(objects, 'Deployment', 'orders').metadata.labels.team).toBe('orders');
    expect(findObject(objects, 'Deployment', 'billing').metadata.labels.team).toBeUndefined();
    expect(findObject(objects, 'ServiceAccount', 'orders').metadata.labels.team).toBeUndefined();
    expect(findObject(objects, 'NetworkPolicy', 'billing').metadata.labels.team).toBeUndefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'billing').spec.behavior.scaleDown.stabilizationWindowSeconds).toBe(300);
  });
});
