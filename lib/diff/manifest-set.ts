// Synthesized output read back: objects grouped by platform/environment, keyed by identity.
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { join, posix, relative, resolve, sep } from 'path';
import { loadAll } from 'js-yaml';
import { compareCodePoints } from '../private/ordering';
import { recoverForReading } from '../synthesis/output-folder';

/** A Kubernetes object as read from YAML. */
export type ManifestObject = Record<string, any>;

/** One object of a manifest set, with where it was read from. */
export interface ManifestEntry {
  /** Identity across versions: API group (not version), kind, namespace and name. */
  readonly key: string;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  readonly ref: string;
  /** The file it was read from, relative to the directory, with `/` separators. */
  readonly file: string;
  readonly object: ManifestObject;
}

/**
 * Objects by group, each group's objects in file order (apply order). A group is a platform and environment:
 * `blog/production` for `blog/production.k8s.yaml`, and for a folder with a `kustomization.yaml` (the GitOps
 * layouts) the folder `blog/production/`, so a change of layout alone shows no difference.
 */
export type ManifestSet = ReadonlyMap<string, readonly ManifestEntry[]>;

/**
 * Reads every `.yaml`/`.yml` file under `dir` (kustomization.yaml files excepted: they list files, not objects),
 * after restoring it when a synth killed while replacing it left it missing (see `synthesize`).
 */
export function readManifestDirectory(dir: string): ManifestSet {
  recoverForReading(resolve(dir));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`${dir} is not a directory`);
  const files = yamlFiles(dir);
  const kustomizationDirs = new Set(files.filter((f) => posix.basename(f) === 'kustomization.yaml').map(posix.dirname));
  const groups = new Map<string, ManifestEntry[]>();
  for (const file of files) {
    if (posix.basename(file) === 'kustomization.yaml') continue;
    const group = groupOf(file, kustomizationDirs);
    const entries = groups.get(group) ?? [];
    for (const object of parseDocuments(join(dir, file), file)) entries.push(entryOf(object, file));
    groups.set(group, entries);
  }
  for (const [group, entries] of groups) checkUnique(group, entries);
  return new Map([...groups].sort(([a], [b]) => compareStrings(a, b)));
}

/** Identity of an object across versions: `group/Kind/namespace/name` (apiVersion's version left out). */
export function objectKey(object: ManifestObject): string {
  const apiVersion = String(object.apiVersion ?? '');
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return `${group}/${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function objectRef(object: ManifestObject): string {
  const namespace = object.metadata?.namespace;
  return namespace ? `${object.kind}/${namespace}/${object.metadata?.name}` : `${object.kind}/${object.metadata?.name}`;
}

/** Orders strings by code point, independent of locale. */
export function compareStrings(a: string, b: string): number {
  return compareCodePoints(a, b);
}

function entryOf(object: ManifestObject, file: string): ManifestEntry {
  return { key: objectKey(object), ref: objectRef(object), file, object };
}

function groupOf(file: string, kustomizationDirs: ReadonlySet<string>): string {
  for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) {
    if (kustomizationDirs.has(dir)) return dir;
  }
  return file.replace(/(\.k8s)?\.ya?ml$/, '');
}

function parseDocuments(path: string, file: string): ManifestObject[] {
  let documents: unknown[];
  try {
    documents = loadAll(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const objects: ManifestObject[] = [];
  documents.forEach((document, index) => {
    if (document === null || document === undefined) return;
    const object = document as ManifestObject;
    if (typeof object !== 'object' || Array.isArray(object) || typeof object.kind !== 'string' || !object.metadata?.name) {
      throw new Error(`${file}: document ${index + 1} is not a Kubernetes object (kind and metadata.name required)`);
    }
    objects.push(object);
  });
  return objects;
}

function checkUnique(group: string, entries: readonly ManifestEntry[]): void {
  const seen = new Map<string, ManifestEntry>();
  for (const entry of entries) {
    const first = seen.get(entry.key);
    if (first) throw new Error(`${group}: ${entry.ref} appears twice (${first.file} and ${entry.file})`);
    seen.set(entry.key, entry);
  }
}

function yamlFiles(root: string, dir = root): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort(compareStrings)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...yamlFiles(root, path));
    else if (/\.ya?ml$/.test(name)) files.push(relative(root, path).split(sep).join('/'));
  }
  return files;
}
