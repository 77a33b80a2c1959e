// Uniqueness inside one pod template, as the API server (and the kubelet) require it: volume names, container names,
// mount paths per container, env var names per container and port names across the pod.
import { Finding, finding, foundText, KubeObject } from './finding';
import { ObjectIndex, PodTemplate } from './object-index';

/** Rule ids of the pod uniqueness checks. (A mount of a volume the pod lacks is `ref/volume-mount`.) */
export const PodRules = {
  /** Two volumes of one pod share a name. */
  DUPLICATE_VOLUME: 'pod/duplicate-volume',
  /** Two containers (init and regular alike) share a name. */
  DUPLICATE_CONTAINER: 'pod/duplicate-container',
  /** One container mounts two volumes at the same path. */
  DUPLICATE_MOUNT_PATH: 'pod/duplicate-mount-path',
  /** One container sets the same env var twice (the API server only warns; the last one silently wins). */
  DUPLICATE_ENV: 'pod/duplicate-env',
  /** Two container ports of one pod share a name (Services and probes could not tell them apart). */
  DUPLICATE_PORT_NAME: 'pod/duplicate-port-name',
} as const;

/** Runs the uniqueness checks over every pod template. */
export function checkPodUniqueness(index: ObjectIndex): Finding[] {
  const findings: Finding[] = [];
  for (const template of index.podTemplates) {
    checkVolumeNames(template, findings);
    checkContainerNames(template, findings);
    checkContainerLists(template, findings);
    checkPortNames(template, findings);
  }
  return findings;
}

/**
 * Calls `report` for each item whose key an earlier item already had, with the paths of both; paths are only
 * spelled out for a duplicate.
 */
function duplicates<T>(items: readonly T[], keyOf: (item: T) => unknown, pathOf: (item: T, i: number) => string,
  report: (path: string, key: unknown, first: string) => void): void {
  if (items.length < 2) return;
  const first = new Map<unknown, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === undefined || key === null) return;
    const earlier = first.get(key);
    if (earlier !== undefined) report(pathOf(item, i), key, pathOf(items[earlier], earlier));
    else first.set(key, i);
  });
}

function checkVolumeNames(template: PodTemplate, findings: Finding[]): void {
  const volumes: KubeObject[] = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  duplicates(volumes, (v) => v?.name, (_, i) => `${template.specPath}.volumes[${i}].name`, (path, name, first) => findings.push(
    finding(PodRules.DUPLICATE_VOLUME, 'error', template.owner, path, foundText(`the volume name ${JSON.stringify(name)}, also at ${first}`),
      'a volume name no other volume of the pod uses')));
}

function checkContainerNames(template: PodTemplate, findings: Finding[]): void {
  duplicates(template.containers, (c) => c.container.name, (c) => `${c.path}.name`, (path, name, first) => findings.push(
    finding(PodRules.DUPLICATE_CONTAINER, 'error', template.owner, path, foundText(`the container name ${JSON.stringify(name)}, also at ${first}`),
      'a name no other container of the pod (init, regular or ephemeral) uses')));
}

/** Mount paths and env var names, each unique within its container. */
function checkContainerLists(template: PodTemplate, findings: Finding[]): void {
  for (const { container, path } of template.containers) {
    const mounts: KubeObject[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
    duplicates(mounts, (m) => normalizedPath(m?.mountPath), (_, i) => `${path}.volumeMounts[${i}].mountPath`, (at, mountPath, first) => findings.push(
      finding(PodRules.DUPLICATE_MOUNT_PATH, 'error', template.owner, at, foundText(`the mount path ${JSON.stringify(mountPath)}, also at ${first}`),
        'a mount path no other mount of the container uses: one would hide the other')));
    const env: KubeObject[] = Array.isArray(container.env) ? container.env : [];
    duplicates(env, (e) => e?.name, (_, i) => `${path}.env[${i}].name`, (at, name, first) => findings.push(
      finding(PodRules.DUPLICATE_ENV, 'error', template.owner, at, foundText(`the env var ${JSON.stringify(name)}, also at ${first}`),
        'each env var set once per container: the later one silently replaces the earlier')));
  }
}

function checkPortNames(template: PodTemplate, findings: Finding[]): void {
  const ports: { port: KubeObject; i: number; containerPath: string }[] = [];
  for (const { container, path } of template.containers) {
    if (Array.isArray(container.ports)) container.ports.forEach((port: KubeObject, i: number) => ports.push({ port, i, containerPath: path }));
  }
  duplicates(ports, (p) => p.port?.name, (p) => `${p.containerPath}.ports[${p.i}].name`, (path, name, first) => findings.push(
    finding(PodRules.DUPLICATE_PORT_NAME, 'error', template.owner, path, foundText(`the port name ${JSON.stringify(name)}, also at ${first}`),
      'a port name no other container port of the pod uses')));
}

const TRAILING_SLASHES = /\/+$/;

/** A mount path without trailing slashes, so `/data/` and `/data` count as one. */
function normalizedPath(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path.replace(TRAILING_SLASHES, '');
  return trimmed === '' ? path : trimmed;
}
