// ResilientMicroservice: every resource and default asserted on the synthesized objects.
import { findObject, podSpecOf, synth, testPlatform } from './support/objects';
import { ResilientMicroservice } from '../lib';

describe('ResilientMicroservice defaults', () => {
  test('from image and port alone: Deployment without replicas, owned by an HPA', () => {
    // given
    const { platform } = testPlatform();
    new ResilientMicroservice(platform, 'orders', { image: 'shop/orders:1.2.0', port: 8080 });
    // when
    const objects = synth(platform);
    // then
    const deployment = findObject(objects, 'Deployment', 'orders');
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler', 'orders');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' });
    expect(podSpecOf(deployment).containers[0].ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
  });
});
