// Fields the API server refuses to change in place: a diff touching one means the object must be recreated.

/** Path prefixes that cannot be updated, by kind (Kubernetes 1.28 validation). */
const IMMUTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec.selector'],
  ReplicaSet: ['spec.selector'],
  DaemonSet: ['spec.selector'],
  StatefulSet: ['spec.selector', 'spec.serviceName', 'spec.volumeClaimTemplates', 'spec.podManagementPolicy'],
  Job: ['spec.selector', 'spec.template', 'spec.completionMode'],
  Service: ['spec.clusterIP', 'spec.clusterIPs'],
  PersistentVolumeClaim: ['spec.accessModes', 'spec.storageClassName', 'spec.volumeName', 'spec.selector', 'spec.volumeMode'],
};

/** Whether `kubectl apply` will be refused for a change at `path` of an object of `kind`. */
export function isImmutableField(kind: string, path: string, object?: Record<string, any>): boolean {
  const prefixes = [...(IMMUTABLE_FIELDS[kind] ?? [])];
  if ((kind === 'ConfigMap' || kind === 'Secret') && object?.immutable === true) prefixes.push('data', 'binaryData', 'stringData');
  return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`));
}
