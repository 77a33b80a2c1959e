// The vocabulary of synth-time validation: what goes in (objects with their construct paths) and what comes out.
import { describeValue } from '../errors';

/** A synthesized Kubernetes object, as `ApiObject.toJson()` returns it. */
export type KubeObject = Record<string, any>;

/** How bad a finding is: errors fail synthesis; warnings print, and fail it only with `strictWarnings`. */
export type Severity = 'error' | 'warning';

/** One object to validate and the construct that produced it. */
export interface ValidationInput {
  /** The object, resolved (`ApiObject.toJson()`). */
  readonly object: KubeObject;
  /** The construct path of the ApiObject that produced it (`apiObject.node.path`). */
  readonly constructPath: string;
  /**
   * The cluster the object is applied to: objects reference each other, and must be unique, only within one.
   * The synthesizer uses the platform's environment name (the same platform in `staging` and `production`
   * goes to two clusters).
   * @default '' (one cluster)
   */
  readonly cluster?: string;
  /**
   * Edits of the object's JSON patches that its output lost (see `droppedEdits`).
   * @default - none
   */
  readonly droppedEdits?: readonly { readonly fieldPath: string; readonly value: unknown }[];
  /**
   * The annotations the producing construct set itself (`declareOwnAnnotations`), to tell them from a user's.
   * @default - unknown
   */
  readonly ownAnnotations?: Readonly<Record<string, string>>;
}

/** One problem: which rule, which object and field, what was found and what would pass. */
export interface Finding {
  /** The rule's stable id, e.g. `schema`, `ref/service-selector`, `policy/run-as-non-root`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** The construct path of the ApiObject at fault; group and fix by this. */
  readonly constructPath: string;
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  readonly object: string;
  /** Dotted path of the field at fault, e.g. `spec.template.spec.containers[0].image`; empty for the whole object. */
  readonly fieldPath: string;
  /** What the object holds there, quoted (`"nginx:latest"`, `false`, `missing`). */
  readonly found: string;
  /** What would pass. */
  readonly expected: string;
}

/** What a user rule returns for one problem; severity defaults to the rule's. */
export interface FindingLike {
  /** The object at fault, as given to the rule. */
  readonly object: KubeObject;
  /** @default '' (the whole object) */
  readonly fieldPath?: string;
  /** What was found; non-strings are quoted. */
  readonly found?: unknown;
  readonly expected: string;
  /** @default - the rule's severity */
  readonly severity?: Severity;
}

/** Everything validation found over one object set. */
export interface ValidationReport {
  readonly errors: Finding[];
  readonly warnings: Finding[];
  /** Objects no schema is known for (`Kind/namespace/name (apiVersion)`): not schema-checked, still cross-checked. */
  readonly unchecked: string[];
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
export function objectRef(object: KubeObject): string {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? '<unnamed>';
  return namespace ? `${object.kind}/${namespace}/${name}` : `${object.kind}/${name}`;
}

/** The subject of a finding: an object and where it came from. */
export interface FindingSubject {
  readonly json: KubeObject;
  readonly constructPath: string;
  readonly ref: string;
}

/** Builds a finding; `found` is quoted unless it already is a description (a string passed as `FOUND_TEXT`). */
export function finding(ruleId: string, severity: Severity, subject: FindingSubject, fieldPath: string,
  found: unknown, expected: string): Finding {
  return {
    ruleId,
    severity,
    constructPath: subject.constructPath,
    object: subject.ref,
    fieldPath,
    found: found instanceof FoundText ? found.text : describeFound(found),
    expected,
  };
}

/** A description of what was found that is not a value (e.g. "no Service named \"api\""), printed as is. */
export class FoundText {
  constructor(public readonly text: string) {}
}

/** Shorthand for a `FoundText`. */
export function foundText(text: string): FoundText {
  return new FoundText(text);
}

function describeFound(value: unknown): string {
  return value === undefined ? 'missing' : describeValue(value);
}

/** Appends a key to a dotted field path, bracketing indexes and keys that are not plain identifiers. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}
