// Parts of objects that are the same for many workloads (security contexts, default probes, resources, HPA
// behaviour), built once per value and shared, deep-frozen, by every object that has them.
//
// Sharing is safe because nothing changes props once an object is built: cdk8s copies them when it resolves
// (resolve() and the kit's plain resolution build new objects), and its escape hatches (addJsonPatch, the metadata's
// addLabel) act on its own copies. Freezing makes that a guarantee: a change to a shared part throws instead of
// reaching every workload that holds it.

/** The parts built so far, by kind and value; a platform uses a handful of values of each. */
const PARTS = new Map<string, unknown>();

/** The part of `key` (a kind and the values it is built from), built by `build` the first time and frozen. */
export function sharedPart<T>(key: string, build: () => T): T {
  let part = PARTS.get(key) as T | undefined;
  if (part === undefined) {
    part = deepFreeze(build());
    PARTS.set(key, part);
  }
  return part;
}

/** Parts that depend on an object (an identity, a probe) and a few fixed words, by that object. */
const PARTS_OF = new WeakMap<object, Map<string, unknown>>();

/**
 * The part of `key` for `owner`, built the first time and frozen: for the parts of shared objects, a lookup by the
 * object is much quicker than building and hashing a key of its values (a microsecond each, thousands of times).
 */
export function sharedPartOf<T>(owner: object, key: string, build: () => T): T {
  let parts = PARTS_OF.get(owner);
  if (parts === undefined) {
    parts = new Map();
    PARTS_OF.set(owner, parts);
  }
  let part = parts.get(key) as T | undefined;
  if (part === undefined) {
    part = deepFreeze(build());
    parts.set(key, part);
  }
  return part;
}

/** Freezes a plain value and everything it holds (class instances such as IntOrString too: they never change). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
