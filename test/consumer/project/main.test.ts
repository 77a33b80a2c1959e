// The README's test example: the kit's matchers, findResource and the YAML snapshot serializer.
import { Testing } from 'cdk8s';
import { Environment } from 'cdk8s-patterns';
import { findResource, matchers, yamlSnapshotSerializer } from 'cdk8s-patterns/testing';
import { shopPlatform } from './shop';

expect.extend(matchers);
expect.addSnapshotSerializer(yamlSnapshotSerializer);

describe('shop', () => {
  test('api runs hardened, autoscaled and wired to the cache', () => {
    const shop = shopPlatform(Testing.app(), Environment.PRODUCTION);
    expect(shop).toHaveResource('Deployment', { metadata: { name: 'api' } });
    expect(findResource(shop, 'HorizontalPodAutoscaler', 'api').spec.minReplicas).toBeGreaterThanOrEqual(2);
    const env = findResource(shop, 'Deployment', 'api').spec.template.spec.containers[0].env;
    expect(env).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'REDIS_HOST' })]));
    expect(shop).toPassPolicies('restricted');
    expect(shop).toMatchSnapshot();
  });

  test('a Service that selects nothing fails the policies, naming it', () => {
    const shop = shopPlatform(Testing.app(), Environment.PRODUCTION, { broken: true });
    expect(() => expect(shop).toPassPolicies('restricted')).toThrow(/shop-production\/orphan[\s\S]*ref\/service-selector/);
  });
});
