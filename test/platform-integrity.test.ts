// A Platform with a few wired microservices: every object is schema-valid and every reference resolves.
import { ResilientMicroservice } from '../lib';
import { findObject, K8sObject, objectsOfKind, synth, testPlatform } from './support/objects';
import { schemaError } from './support/schema';

function wiredPlatform(): K8sObject[] {
  const { platform } = testPlatform({ namespace: 'shop' });
  const users = new ResilientMicroservice(platform, 'users', { image: 'shop/users:1.0.0', config: { LOG_LEVEL: 'info' } });
  const catalog = new ResilientMicroservice(platform, 'catalog', { image: 'shop/catalog:2.1.0', port: 9000, metrics: { port: 9090 } });
  const orders = new ResilientMicroservice(platform, 'orders', {
    image: 'shop/orders:1.2.0',
    secretEnv: { DATABASE_URL: { secretName: 'db-credentials', key: 'url' } },
    sidecars: [{ name: 'log-shipper', image: 'fluent/fluent-bit:3.1.9' }],
  });
  orders.connectTo(users);
  orders.connectTo(catalog);
  return synth(platform);
}

function labelsMatch(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

describe('a Platform with wired microservices', () => {
  const objects = wiredPlatform();
  const deployments = objectsOfKind(objects, 'Deployment');

  test('every object validates against the Kubernetes schema', () => {
    expect(objects.map(schemaError).filter(Boolean)).toEqual([]);
  });

  test('every Service selects the pods of one Deployment and its targetPorts name container ports', () => {
    for (const svc of objectsOfKind(objects, 'Service')) {
      const targets = deployments.filter((d) => labelsMatch(svc.spec.selector, d.spec.template.metadata.labels));
      expect(targets).toHaveLength(1);
      const portNames = targets[0].spec.template.spec.containers.flatMap((c: K8sObject) => (c.ports ?? []).map((p: K8sObject) => p.name));
      for (const port of svc.spec.ports) expect(portNames).toContain(port.targetPort);
    }
  });

  test('every probe uses a named container port of its container', () => {
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        const names = (c.ports ?? []).map((p: K8sObject) => p.name);
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe].filter(Boolean)) {
          const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
          expect(names).toContain(port);
        }
      }
    }
  });

  test('every HPA and PDB targets an existing Deployment', () => {
    for (const hpa of objectsOfKind(objects, 'HorizontalPodAutoscaler')) {
      expect(findObject(objects, hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name)).toBeDefined();
    }
    for (const pdb of objectsOfKind(objects, 'PodDisruptionBudget')) {
      expect(deployments.filter((d) => labelsMatch(pdb.spec.selector.matchLabels, d.spec.template.metadata.labels))).toHaveLength(1);
    }
  });

  test('every pod is selected by a workload NetworkPolicy with ingress and egress', () => {
    const policies = objectsOfKind(objects, 'NetworkPolicy').filter((p) => Object.keys(p.spec.podSelector).length > 0);
    for (const d of deployments) {
      const covering = policies.filter((p) => labelsMatch(p.spec.podSelector.matchLabels, d.spec.template.metadata.labels));
      expect(covering.map((p) => p.spec.policyTypes)).toEqual([['Ingress', 'Egress']]);
    }
  });

  test('every ConfigMap and ServiceAccount a pod references is in the output', () => {
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      expect(findObject(objects, 'ServiceAccount', pod.serviceAccountName)).toBeDefined();
      for (const c of pod.containers) {
        for (const from of c.envFrom ?? []) expect(findObject(objects, 'ConfigMap', from.configMapRef.name)).toBeDefined();
      }
    }
  });

  test('no secret value appears: the only Secret reference is by name', () => {
    expect(objectsOfKind(objects, 'Secret')).toEqual([]);
  });
});
