// Release strategies as values: each plans controllers, Services and ConfigMaps without building anything.
import { Construct } from 'constructs';
import { DeploymentStrategy, Release } from '../../lib';
import { ReleaseContext } from '../../lib/release/release-plan';

const scope = new Construct(undefined as any, 'shop');
const context: ReleaseContext = {
  scope, workloadName: 'orders', podSelector: { app: 'orders' }, image: 'shop/orders:1.0.0',
  minReplicas: 2, maxReplicas: 6, config: { LOG_LEVEL: 'info' },
};

function summary(plan: ReturnType<ReturnType<typeof Release.rollingUpdate>['_plan']>) {
  return {
    controllers: plan.controllers.map((c) => [c.id, c.name, c.kind, c.variant.image, c.variant.selector, c.replicas ?? 'hpa']),
    services: plan.services.map((s) => [s.id, s.name, s.selector]),
    configMaps: plan.configMaps.map((m) => [m.id, m.name, m.data]),
  };
}

describe('release plans', () => {
  test('rolling update: one Deployment on the stable track, the Service over every pod', () => {
    const plan = Release.rollingUpdate()._plan(context);
    expect(summary(plan)).toEqual({
      controllers: [['Deployment', 'orders', 'Deployment', 'shop/orders:1.0.0', { 'app': 'orders', 'cdk8s-patterns.io/track': 'stable' }, 'hpa']],
      services: [['Service', 'orders', { app: 'orders' }]],
      configMaps: [],
    });
    expect(plan.controllers[0].strategy).toEqual(DeploymentStrategy.rollingUpdate());
  });

  test('blue/green: the active colour first, its own ConfigMap merged over the shared config', () => {
    const plan = Release.blueGreen({ active: 'green', blue: { image: 'shop/orders:1.0.0' }, green: { image: 'shop/orders:2.0.0', config: { FLAG: true } } })._plan(context);
    expect(summary(plan)).toEqual({
      controllers: [
        ['GreenDeployment', 'orders-green', 'Deployment', 'shop/orders:2.0.0', { 'app': 'orders', 'cdk8s-patterns.io/color': 'green' }, 'hpa'],
        ['BlueDeployment', 'orders-blue', 'Deployment', 'shop/orders:1.0.0', { 'app': 'orders', 'cdk8s-patterns.io/color': 'blue' }, 'hpa'],
      ],
      services: [
        ['Service', 'orders', { 'app': 'orders', 'cdk8s-patterns.io/color': 'green' }],
        ['PreviewService', 'orders-preview', { 'app': 'orders', 'cdk8s-patterns.io/color': 'blue' }],
      ],
      configMaps: [['GreenConfigMap', 'orders-green-config', { FLAG: 'true', LOG_LEVEL: 'info' }]],
    });
    expect(plan.controllers[0].variant.configMapName).toBe('orders-green-config');
  });

  test('canary by replicas: a fixed-size canary beside the stable pods, one Service over both', () => {
    const plan = Release.canary({ image: 'shop/orders:1.1.0', weight: 33 })._plan(context);
    expect(summary(plan).controllers).toEqual([
      ['Deployment', 'orders', 'Deployment', 'shop/orders:1.0.0', { 'app': 'orders', 'cdk8s-patterns.io/track': 'stable' }, 'hpa'],
      ['CanaryDeployment', 'orders-canary', 'Deployment', 'shop/orders:1.1.0', { 'app': 'orders', 'cdk8s-patterns.io/track': 'canary' }, 1],
    ]);
    expect(plan.canaryIngress).toBeUndefined();
  });

  test('canary by nginx: a canary Service and a canary Ingress at the exact weight', () => {
    const ingress = { name: 'orders', host: 'orders.example.com', path: '/', className: 'nginx', tlsSecretName: 'orders-tls' };
    const plan = Release.canary({ image: 'shop/orders:1.1.0', weight: 10, split: 'nginx-ingress' })._plan({ ...context, ingress });
    expect(summary(plan).services.map((s) => s[1])).toEqual(['orders', 'orders-canary']);
    expect(plan.canaryIngress).toEqual({ weight: 10, serviceName: 'orders-canary' });
  });

  test('Argo Rollout: one Rollout controller carrying the canary steps', () => {
    const plan = Release.argoRollout()._plan(context);
    expect(plan.controllers.map((c) => [c.id, c.kind])).toEqual([['Rollout', 'Rollout']]);
    expect((plan.controllers[0].rolloutStrategy as any).canary.steps[0]).toEqual({ setWeight: 20 });
  });
});
