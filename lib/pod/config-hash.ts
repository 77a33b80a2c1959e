// Content hashes in pod annotations, so that a change of configuration rolls the pods.
import { createHash } from 'crypto';

/** The pod-template annotation that carries the hash. */
export const CONFIG_HASH_ANNOTATION = 'cdk8s-patterns.io/config-hash';

/** A short, stable hash of configuration content: keys are sorted, so insertion order does not matter. */
export function configHash(...contents: ReadonlyArray<Readonly<Record<string, string>> | undefined>): string {
  const hash = createHash('sha256');
  for (const content of contents) {
    for (const key of Object.keys(content ?? {}).sort()) {
      hash.update(`${key}\u0000${content![key]}\u0000`);
    }
    hash.update('\u0001');
  }
  return hash.digest('hex').slice(0, 16);
}
