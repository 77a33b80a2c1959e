// dist/ deploys on a fresh cluster with the operators: every Secret a pod or Gateway reads is produced in the same
// output (by an ExternalSecret, a SealedSecret, a cert-manager Certificate, or a Secret), in every environment.
import { buildReference, ENVIRONMENTS, podTemplateOf, POD_BEARING_KINDS, REFERENCE_PLATFORMS } from '../support/platform-assertions';
import { K8sObject } from '../support/objects';

function referencedSecrets(objects: readonly K8sObject[]): string[] {
  const names = new Set<string>();
  for (const workload of objects.filter((o) => POD_BEARING_KINDS.includes(o.kind))) {
    const spec = podTemplateOf(workload)!.spec;
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      for (const env of c.env ?? []) if (env.valueFrom?.secretKeyRef) names.add(env.valueFrom.secretKeyRef.name);
      for (const from of c.envFrom ?? []) if (from.secretRef) names.add(from.secretRef.name);
    }
    for (const v of spec.volumes ?? []) if (v.secret) names.add(v.secret.secretName);
  }
  for (const gateway of objects.filter((o) => o.kind === 'Gateway')) {
    for (const l of gateway.spec.listeners) for (const ref of l.tls?.certificateRefs ?? []) names.add(ref.name);
  }
  return [...names].sort();
}

function producedSecrets(objects: readonly K8sObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects) {
    if (o.kind === 'Secret' || o.kind === 'SealedSecret') names.add(o.metadata.name);
    if (o.kind === 'ExternalSecret') names.add(o.spec.target?.name ?? o.metadata.name);
    if (o.kind === 'Certificate') names.add(o.spec.secretName);
  }
  // cert-manager's gateway-shim issues a Certificate for each TLS listener of an annotated Gateway.
  for (const g of objects.filter((o) => o.kind === 'Gateway' && (o.metadata.annotations ?? {})['cert-manager.io/cluster-issuer'])) {
    for (const l of g.spec.listeners) for (const ref of l.tls?.certificateRefs ?? []) names.add(ref.name);
  }
  return names;
}

describe.each(ENVIRONMENTS.map((environment) => ({ environment, name: environment.name })))('in $name', ({ environment }) => {
  test.each(REFERENCE_PLATFORMS.map((p) => [p.name, p] as const))('%s produces every Secret it references', (_, reference) => {
    const { objects } = buildReference(reference, environment);
    const produced = producedSecrets(objects);
    const referenced = referencedSecrets(objects);
    expect(referenced.length).toBeGreaterThan(2);
    expect(referenced.filter((name) => !produced.has(name))).toEqual([]);
  });
});
