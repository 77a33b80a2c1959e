// Finding objects by kind and name in a chart's output, for users' tests (never by array index).
import { describeObject, ManifestObject, ManifestSource, objectsOf } from './subject';

/** Every object of a kind, optionally only those with this name. */
export function findResources(source: ManifestSource, kind: string, name?: string): ManifestObject[] {
  return objectsOf(source).filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
}

/**
 * The one object of this kind and name. Throws, listing what exists, when there is none or more than one
 * (same name in two namespaces: pass `namespace`).
 */
export function findResource(source: ManifestSource, kind: string, name: string, namespace?: string): ManifestObject {
  const objects = objectsOf(source);
  const found = findResources(objects, kind, name).filter((o) => namespace === undefined || o.metadata?.namespace === namespace);
  const wanted = namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`;
  if (found.length === 1) return found[0];
  if (found.length === 0) {
    throw new Error(`findResource: no ${wanted}; the objects are: ${listObjects(objects)}`);
  }
  throw new Error(`findResource: ${found.length} objects are ${wanted} (${found.map(describeObject).join(', ')}); pass the namespace`);
}

/** The objects as a comma-separated list, or `(none)`. */
export function listObjects(objects: readonly ManifestObject[]): string {
  return objects.length ? objects.map(describeObject).join(', ') : '(none)';
}
