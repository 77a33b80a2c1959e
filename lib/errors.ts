// The kit's one error type: every message starts with the construct path and says what would be valid.
import { IConstruct } from 'constructs';
import { shortenStack } from './concise-stack';

/**
 * Thrown at synth time for bad input. The message reads
 * `[blog/posts] minReplicas (5) must not exceed maxReplicas (3)`.
 */
export class PatternError extends Error {
  /**
   * An error about one prop of one construct: names the prop, quotes the value and says what is valid.
   */
  public static invalidProp(scope: IConstruct | string, prop: string, value: unknown, expected: string): PatternError {
    return new PatternError(scope, `${prop} (${describeValue(value)}) ${expected}`);
  }

  /** The construct path the error is about. */
  public readonly constructPath: string;

  constructor(scope: IConstruct | string, message: string) {
    const path = typeof scope === 'string' ? scope : scope.node.path;
    super(`[${path}] ${message}`);
    this.name = 'PatternError';
    this.constructPath = path;
    shortenStack(this);
  }
}

/** Quotes a value the way the error messages show it: strings quoted, objects as compact JSON. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
