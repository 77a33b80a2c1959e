// Argo Rollouts: a Rollout with canary steps in place of the Deployment, schema-valid, targeted by the HPA.
import { schemaViolation } from '../../lib/validation/schema-models';
import { Duration } from 'cdk8s';
import { GatewayTls, Release, ResilientMicroservice, ResilientMicroserviceProps, RolloutStep } from '../../lib';
import { findObject, objectsOfKind, podSpecOf, synth, testPlatform } from '../support/objects';

const SELECTOR = { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' };

function build(props: Partial<ResilientMicroserviceProps> = {}) {
  const { platform } = testPlatform();
  const service = new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0',
    release: Release.argoRollout({
      steps: [
        RolloutStep.setWeight(10),
        RolloutStep.pause(Duration.minutes(2)),
        RolloutStep.analysis({ templates: ['success-rate'], args: { 'service-name': 'orders' } }),
        RolloutStep.setWeight(50),
        RolloutStep.pause(),
      ],
    }),
    ...props,
  });
  return { platform, service, objects: synth(platform) };
}

describe('Release.argoRollout', () => {
  test('a Rollout replaces the Deployment, with the steps as Argo reads them', () => {
    const { objects, service } = build();
    expect(objectsOfKind(objects, 'Deployment')).toHaveLength(0);
    expect(() => service.deployment).toThrow(/^\[shop\/orders\] has no Deployment: its release is an Argo Rollout \(read `rollout`/);
    expect(service.rollout?.name).toBe('orders');
    const rollout = findObject(objects, 'Rollout', 'orders');
    expect(rollout.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(rollout.spec.strategy.canary.steps).toEqual([
      { setWeight: 10 },
      { pause: { duration: '120s' } },
      { analysis: { templates: [{ templateName: 'success-rate' }], args: [{ name: 'service-name', value: 'orders' }] } },
      { setWeight: 50 },
      { pause: {} },
    ]);
    expect(rollout.spec.strategy.canary).toMatchObject({ maxSurge: '25%', maxUnavailable: 0 });
    expect(rollout.spec.selector.matchLabels).toEqual(SELECTOR);
    expect(rollout.spec.replicas).toBeUndefined();
  });

  test('the pod template is the hardened one, typed fields converted', () => {
    const { objects } = build();
    const pod = podSpecOf(findObject(objects, 'Rollout', 'orders'));
    expect(pod.containers[0].image).toBe('shop/orders:1.2.0');
    expect(pod.containers[0].livenessProbe.httpGet.port).toBe('http');
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('the Rollout is valid against the Argo Rollouts schema', () => {
    const { objects } = build();
    expect(schemaViolation(findObject(objects, 'Rollout', 'orders') as any)).toBeUndefined();
  });

  test('the HPA, VPA and PDB target the Rollout', () => {
    const { objects } = build({ verticalPodAutoscaler: true });
    expect(findObject(objects, 'HorizontalPodAutoscaler', 'orders').spec.scaleTargetRef)
      .toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'orders' });
    expect(findObject(objects, 'VerticalPodAutoscaler', 'orders').spec.targetRef)
      .toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'orders' });
    expect(findObject(objects, 'PodDisruptionBudget', 'orders').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'orders' });
  });

  test('default steps: 20, 50, 80 % with five-minute pauses; footprint kind Rollout with 25 % surge', () => {
    const { objects, platform } = build({ release: Release.argoRollout() });
    expect(findObject(objects, 'Rollout', 'orders').spec.strategy.canary.steps).toEqual([
      { setWeight: 20 }, { pause: { duration: '300s' } }, { setWeight: 50 }, { pause: { duration: '300s' } },
      { setWeight: 80 }, { pause: { duration: '300s' } },
    ]);
    expect(platform.workloadFootprints[0]).toMatchObject({ kind: 'Rollout', minReplicas: 2, maxReplicas: 10, surge: 3 });
  });

  test('nginx traffic routing names the stable Ingress and the two Services, and is schema-valid', () => {
    const { objects } = build({
      ingress: { host: 'shop.example.com' },
      release: Release.argoRollout({
        trafficRouting: 'nginx-ingress',
        backgroundAnalysis: { templates: ['error-rate'], startingStep: 1 },
      }),
    });
    const canary = findObject(objects, 'Rollout', 'orders').spec.strategy.canary;
    expect(canary).toMatchObject({
      stableService: 'orders',
      canaryService: 'orders-canary',
      trafficRouting: { nginx: { stableIngress: 'orders' } },
      analysis: { templates: [{ templateName: 'error-rate' }], startingStep: 1 },
    });
    expect(findObject(objects, 'Service', 'orders-canary').spec.selector).toEqual(SELECTOR);
    expect(schemaViolation(findObject(objects, 'Rollout', 'orders') as any)).toBeUndefined();
  });

  test.each([
    ['weights that do not increase', [RolloutStep.setWeight(50), RolloutStep.pause(), RolloutStep.setWeight(30)],
      /^\[shop\/orders\] release\.steps\[2\]\.setWeight \(30\) must be greater than the weight of steps\[0\] \(50\): weights must increase/],
    ['the same weight twice', [RolloutStep.setWeight(20), RolloutStep.setWeight(20)],
      /^\[shop\/orders\] release\.steps\[1\]\.setWeight \(20\) must be greater than the weight of steps\[0\] \(20\)/],
    ['a weight above 100', [RolloutStep.setWeight(150)],
      /^\[shop\/orders\] release\.steps\[0\]\.setWeight \(150\) must be a whole percentage from 0 to 100/],
    ['a fractional pause', [RolloutStep.pause(Duration.millis(1500))],
      /^\[shop\/orders\] release\.steps\[0\]\.pause\.duration \("1\.5s"\) must be a whole number of seconds/],
    ['an analysis without templates', [RolloutStep.analysis({ templates: [] })],
      /^\[shop\/orders\] release\.steps\[0\]\.analysis\.templates \(\[\]\) must name at least one AnalysisTemplate/],
  ])('error: %s', (_name, steps, message) => {
    expect(() => build({ release: Release.argoRollout({ steps }) })).toThrow(message);
  });

  test('error: nginx traffic routing on a service without an ingress', () => {
    expect(() => build({ release: Release.argoRollout({ trafficRouting: 'nginx-ingress' }) }))
      .toThrow(/^\[shop\/orders\] release\.trafficRouting \("nginx-ingress"\) needs an ingress/);
  });

  test('error: a background analysis starting past the last step', () => {
    expect(() => build({ release: Release.argoRollout({ backgroundAnalysis: { templates: ['error-rate'], startingStep: 9 } }) }))
      .toThrow(/^\[shop\/orders\] release\.backgroundAnalysis\.startingStep \(9\) must be the index of a step, from 0 to 5/);
  });
});

describe('Release.argoRollout with Gateway API traffic routing', () => {
  const exposed: Partial<ResilientMicroserviceProps> = {
    expose: { host: 'orders.example.com', tls: GatewayTls.certManager('letsencrypt-prod') },
    release: Release.argoRollout({ trafficRouting: 'gateway-api' }),
  };

  test('the Rollout names the plugin with the service\'s HTTPRoute and namespace, and both Services', () => {
    const { objects } = build(exposed);
    const canary = findObject(objects, 'Rollout', 'orders').spec.strategy.canary;
    expect(canary.trafficRouting).toEqual({ plugins: { 'argoproj-labs/gatewayAPI': { httpRoute: 'orders', namespace: 'shop' } } });
    expect([canary.stableService, canary.canaryService]).toEqual(['orders', 'orders-canary']);
    expect(findObject(objects, 'Service', 'orders-canary').spec.selector).toEqual(SELECTOR);
    expect(schemaViolation(findObject(objects, 'Rollout', 'orders') as any)).toBeUndefined();
  });

  test('the HTTPRoute holds both Services, all requests to stable until Argo moves the weights', () => {
    const { objects } = build(exposed);
    expect(findObject(objects, 'HTTPRoute', 'orders').spec.rules[0].backendRefs).toEqual([
      { group: '', kind: 'Service', name: 'orders', port: 8080, weight: 100 },
      { group: '', kind: 'Service', name: 'orders-canary', port: 8080, weight: 0 },
    ]);
  });

  test('without expose it is refused', () => {
    expect(() => build({ release: Release.argoRollout({ trafficRouting: 'gateway-api' }) }))
      .toThrow(/^\[shop\/orders\] release\.trafficRouting \("gateway-api"\) needs the service exposed/);
  });
});
