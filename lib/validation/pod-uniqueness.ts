// Uniqueness inside one pod template, as the API server (and the kubelet) require it: volume names, container names,
// mount paths per container, env var names per container and port names across the pod.
import { Finding, finding, foundText, KubeObject } from './finding';
import { ObjectIndex, PodTemplate } from './object-index';
import { containersOf } from './reference-checks';

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
  return index.podTemplates.flatMap((template) => [
    ...checkVolumeNames(template),
    ...checkContainerNames(template),
    ...checkContainerLists(template),
    ...checkPortNames(template),
  ]);
}

/** Reports each entry whose key an earlier entry already had, naming the earlier one's path. */
function duplicates<T>(entries: readonly { key: T; path: string }[], report: (path: string, key: T, first: string) => Finding): Finding[] {
  const first = new Map<T, string>();
  const findings: Finding[] = [];
  for (const entry of entries) {
    if (entry.key === undefined || entry.key === null) continue;
    const earlier = first.get(entry.key);
    if (earlier !== undefined) findings.push(report(entry.path, entry.key, earlier));
    else first.set(entry.key, entry.path);
  }
  return findings;
}

function checkVolumeNames(template: PodTemplate): Finding[] {
  const volumes: KubeObject[] = Array.isArray(template.spec.volumes) ? template.spec.volumes : [];
  const entries = volumes.map((v, i) => ({ key: v?.name as string, path: `${template.specPath}.volumes[${i}].name` }));
  return duplicates(entries, (path, name, first) => finding(PodRules.DUPLICATE_VOLUME, 'error', template.owner, path,
    foundText(`the volume name ${JSON.stringify(name)}, also at ${first}`), 'a volume name no other volume of the pod uses'));
}

function checkContainerNames(template: PodTemplate): Finding[] {
  const entries = containersOf(template.spec, template.specPath).map(({ container, path }) => ({ key: container.name as string, path: `${path}.name` }));
  return duplicates(entries, (path, name, first) => finding(PodRules.DUPLICATE_CONTAINER, 'error', template.owner, path,
    foundText(`the container name ${JSON.stringify(name)}, also at ${first}`), 'a name no other container of the pod (init, regular or ephemeral) uses'));
}

/** Mount paths and env var names, each unique within its container. */
function checkContainerLists(template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const { container, path } of containersOf(template.spec, template.specPath)) {
    const mounts: KubeObject[] = Array.isArray(container.volumeMounts) ? container.volumeMounts : [];
    const mountEntries = mounts.map((m, i) => ({ key: normalizedPath(m?.mountPath), path: `${path}.volumeMounts[${i}].mountPath` }));
    findings.push(...duplicates(mountEntries, (at, mountPath, first) => finding(PodRules.DUPLICATE_MOUNT_PATH, 'error', template.owner, at,
      foundText(`the mount path ${JSON.stringify(mountPath)}, also at ${first}`), 'a mount path no other mount of the container uses: one would hide the other')));
    const env: KubeObject[] = Array.isArray(container.env) ? container.env : [];
    const envEntries = env.map((e, i) => ({ key: e?.name as string, path: `${path}.env[${i}].name` }));
    findings.push(...duplicates(envEntries, (at, name, first) => finding(PodRules.DUPLICATE_ENV, 'error', template.owner, at,
      foundText(`the env var ${JSON.stringify(name)}, also at ${first}`), 'each env var set once per container: the later one silently replaces the earlier')));
  }
  return findings;
}

function checkPortNames(template: PodTemplate): Finding[] {
  const entries = containersOf(template.spec, template.specPath).flatMap(({ container, path }) =>
    (Array.isArray(container.ports) ? container.ports : []).map((p: KubeObject, i: number) => ({ key: p?.name as string, path: `${path}.ports[${i}].name` })));
  return duplicates(entries, (path, name, first) => finding(PodRules.DUPLICATE_PORT_NAME, 'error', template.owner, path,
    foundText(`the port name ${JSON.stringify(name)}, also at ${first}`), 'a port name no other container port of the pod uses'));
}

/** A mount path without trailing slashes, so `/data/` and `/data` count as one. */
function normalizedPath(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? path : trimmed;
}
