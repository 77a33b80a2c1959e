// Partial matching of objects for `toHaveResource`: every field given must match, with the path of each mismatch.

/** One field that differs from what was expected. */
export interface Mismatch {
  /** Dotted path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly expected: unknown;
  readonly received: unknown;
}

/** A Jest asymmetric matcher (`expect.any(String)`, `expect.stringMatching(/x/)`), recognised by its method. */
interface AsymmetricMatcher {
  asymmetricMatch(other: unknown): boolean;
  toAsymmetricMatcher?(): string;
  toString(): string;
}

/**
 * The mismatches between `received` and the partial `expected`. Objects match when every key of `expected`
 * matches (others are ignored); arrays must have the same length and match element by element, as in Jest's
 * `toMatchObject`; asymmetric matchers are asked; other values must be identical.
 */
export function partialMismatches(received: unknown, expected: unknown, path = ''): Mismatch[] {
  if (isAsymmetricMatcher(expected)) {
    return expected.asymmetricMatch(received) ? [] : [{ path, expected, received }];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(received) || received.length !== expected.length) return [{ path, expected, received }];
    return expected.flatMap((item, i) => partialMismatches(received[i], item, `${path}[${i}]`));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(received)) return [{ path, expected, received }];
    return Object.keys(expected).flatMap((key) =>
      partialMismatches(received[key], expected[key], path ? `${path}.${key}` : key));
  }
  return Object.is(received, expected) ? [] : [{ path, expected, received }];
}

/** A value as the failure messages show it: compact JSON, asymmetric matchers by their name. */
export function printValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  return JSON.stringify(printable(value));
}

/** The value with asymmetric matchers replaced by their description, so it can be printed as YAML or JSON. */
export function printable(value: unknown): unknown {
  if (isAsymmetricMatcher(value)) return `<${value.toAsymmetricMatcher?.() ?? value.toString()}>`;
  if (Array.isArray(value)) return value.map(printable);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, printable(item)]));
  }
  return value;
}

function isAsymmetricMatcher(value: unknown): value is AsymmetricMatcher {
  return typeof value === 'object' && value !== null && typeof (value as AsymmetricMatcher).asymmetricMatch === 'function';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
