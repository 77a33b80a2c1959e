// Schema validation against the published Kubernetes (and CRD) schemas, with unknown fields rejected.
//
// kubernetes-models validates types, formats, enums and required fields but lets unknown fields through. The
// allowed field names are not hand-written here: while the library's own validator runs, every property it reads
// from the object is recorded (a validator reads each property its schema declares). A field the validator never
// read, in an object whose properties it did read, is not in the schema. Objects the validator only enumerates
// (maps such as labels) or never opens (free-form fields) are left alone.
//
// Tracing costs four times a plain validation, and what a validator reads at a place in an object depends only on
// the schema there, not on the values. So the reads are remembered per model and place (array indexes folded), and
// later objects whose every place was seen before are validated plainly and judged from memory.
import { Finding, FindingSubject, fieldPath, finding, foundText, KubeObject, objectRef } from './finding';
import { IndexedObject } from './object-index';
import { schemaLookup, SchemaModel } from './schema-models';

/** Rule ids of the schema check. */
export const SchemaRules = {
  /** A field has the wrong type or format, a required field is missing, or a value is not allowed. */
  SCHEMA: 'schema',
  /** A field the schema does not define (a typo, or a field of another version or kind). */
  UNKNOWN_FIELD: 'schema/unknown-field',
  /** A JSON patch on a typed `k8s.Kube*` object set a value that the object's output dropped. */
  DROPPED_EDIT: 'schema/dropped-edit',
  /** A custom resource at an API version its operator's current release does not serve. */
  UNSERVED_VERSION: 'schema/unserved-version',
} as const;

/** Findings for escape-hatch edits the output lost. */
export function checkDroppedEdits(subject: IndexedObject, edits: readonly { readonly fieldPath: string; readonly value: unknown }[]): Finding[] {
  return edits.map((edit) => finding(SchemaRules.DROPPED_EDIT, 'error', subject, edit.fieldPath,
    foundText(`${JSON.stringify(edit.value)} set by a JSON patch, missing from the output`),
    `a field the ${subject.json.apiVersion} ${subject.json.kind} schema defines; for int-or-string and quantity fields of k8s.Kube* objects, patch { value: … } (e.g. JsonPatch.replace(path, { value: 0 }))`));
}

/** The findings of one object, and whether a schema was known for it. */
export interface SchemaResult {
  readonly findings: Finding[];
  readonly checked: boolean;
}

/** The schema check of an object set: the findings, and the objects whose schema is not known. */
export interface SchemaChecks {
  readonly findings: readonly Finding[];
  /** `Kind/namespace/name (apiVersion)` of each object no schema was known for, in the order checked. */
  readonly unchecked: readonly string[];
}

/**
 * Schema-checks objects one at a time and keeps what it found: validation uses one over the whole set, and the
 * YAML writer thread one over the objects it is handed (plain data, so its results cross back to the caller).
 */
export class SchemaChecker implements SchemaChecks {
  public readonly findings: Finding[] = [];
  public readonly unchecked: string[] = [];

  public check(subject: FindingSubject): void {
    const result = checkSchema(subject);
    if (!result.checked) this.unchecked.push(`${subject.ref} (${subject.json.apiVersion})`);
    this.findings.push(...result.findings);
  }

  /** Checks objects given with the construct path of each. */
  public checkObjects(objects: readonly KubeObject[], constructPaths: readonly string[]): void {
    objects.forEach((json, i) => this.check({ json, constructPath: constructPaths[i], ref: objectRef(json) }));
  }
}

/** Checks one object against the schema of its apiVersion/kind. */
export function checkSchema(subject: FindingSubject): SchemaResult {
  const json = subject.json;
  if (typeof json.apiVersion !== 'string' || typeof json.kind !== 'string' || !json.kind) {
    return {
      checked: true,
      findings: [finding(SchemaRules.SCHEMA, 'error', subject, typeof json.kind === 'string' && json.kind ? 'apiVersion' : 'kind',
        typeof json.kind === 'string' && json.kind ? json.apiVersion : json.kind, 'every object needs a string apiVersion and kind')],
    };
  }
  const lookup = schemaLookup(json.apiVersion, json.kind);
  if (!lookup) return { checked: false, findings: [] };
  if (!('model' in lookup)) {
    return { checked: true, findings: [finding(SchemaRules.UNSERVED_VERSION, 'error', subject, 'apiVersion', json.apiVersion, lookup.unserved)] };
  }
  const model = lookup.model;
  let shape = SHAPES.get(model);
  if (!shape) {
    shape = newPlace();
    SHAPES.set(model, shape);
  }
  const known = shape;
  // One walk judges the fields from memory; it gives up at the first place no earlier object had.
  const fromMemory = unknownFields(subject, known, (_value, place) => (place.traced ? place : undefined));
  if (fromMemory) return { checked: true, findings: [...humanize(subject, runValidator(model, json)), ...fromMemory] };
  const tracer = new ReadTracer();
  const errors = runValidator(model, tracer.trace(json, model.prototype) as object);
  const traced = unknownFields(subject, known, (value, place) => remember(place, tracer.traces.get(value)))!;
  return { checked: true, findings: [...humanize(subject, errors), ...traced] };
}

/**
 * What a validator read at one place of its objects, per model, as a tree: `spec` → `template` → … Array items
 * share one place (indexes folded), so a place stands for every object found there.
 */
interface Place {
  /** The properties read here (a union over the objects traced: oneOf branches may read different fields). */
  readonly reads: Set<string>;
  /** Whether the validator enumerated an object here: a map such as labels, whose keys are not fields. */
  enumerated: boolean;
  /** Whether an object at this place has been traced; only then do `reads` say what the schema defines here. */
  traced: boolean;
  readonly fields: Map<string, Place>;
  items?: Place;
}
const SHAPES = new WeakMap<SchemaModel, Place>();

function newPlace(): Place {
  return { reads: new Set(), enumerated: false, traced: false, fields: new Map() };
}

/** Records the reads of one traced object at `place` and returns the place. */
function remember(place: Place, trace: Trace | undefined): Place {
  for (const key of trace?.reads ?? []) place.reads.add(key);
  place.enumerated = place.enumerated || (trace?.enumerated ?? false);
  place.traced = true;
  return place;
}

/** What a validator reports: AJV's error objects. */
interface ValidatorError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

function runValidator(model: SchemaModel, traced: object): ValidatorError[] {
  try {
    model.prototype.validate.call(traced);
    return [];
  } catch (error) {
    const errors = (error as { errors?: ValidatorError[] }).errors;
    if (Array.isArray(errors)) return errors;
    return [{ instancePath: '', keyword: 'error', params: {}, message: String((error as Error).message ?? error) }];
  }
}

/** Which properties of each object the validator read, and whether it enumerated the object as a map. */
interface Trace {
  readonly reads: Set<string>;
  enumerated: boolean;
}

class ReadTracer {
  public readonly traces = new WeakMap<object, Trace>();
  private readonly proxies = new WeakMap<object, object>();

  /** A read-recording view of `value`; symbols on the root resolve on `prototype` (where models keep their ids). */
  public trace(value: unknown, prototype?: object): unknown {
    if (typeof value !== 'object' || value === null) return value;
    const existing = this.proxies.get(value);
    if (existing) return existing;
    const record: Trace = { reads: new Set(), enumerated: false };
    const isArray = Array.isArray(value);
    if (!isArray) this.traces.set(value, record);
    const proxy = new Proxy(value, {
      get: (target, key) => {
        if (typeof key === 'symbol') return prototype ? Reflect.get(prototype, key) : Reflect.get(target, key);
        if (!isArray) record.reads.add(key);
        return this.trace(Reflect.get(target, key));
      },
      has: (target, key) => {
        if (typeof key === 'string' && !isArray) record.reads.add(key);
        return Reflect.has(target, key);
      },
      ownKeys: (target) => {
        record.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    this.proxies.set(value, proxy);
    return proxy;
  }
}

/**
 * The unknown fields of the subject, judged at each object by the place `judge` gives for it (undefined: the walk
 * stops and the answer is undefined). An unknown field is reported, not descended into; a dotted path is built only
 * for a finding.
 */
function unknownFields(subject: FindingSubject, root: Place, judge: (value: object, place: Place) => Place | undefined): Finding[] | undefined {
  const findings: Finding[] = [];
  const keys: (string | number)[] = [];
  const walk = (value: unknown, at: Place): boolean => {
    if (typeof value !== 'object' || value === null) return true;
    if (Array.isArray(value)) {
      const items = at.items ?? (at.items = newPlace());
      for (let i = 0; i < value.length; i++) {
        keys.push(i);
        const complete = walk(value[i], items);
        keys.pop();
        if (!complete) return false;
      }
      return true;
    }
    const place = judge(value, at);
    if (!place) return false;
    const judged = !place.enumerated && place.reads.size > 0;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (child === undefined) continue;
      if (judged && !place.reads.has(key)) {
        findings.push(unknownField(subject, [...keys, key].reduce<string>(fieldPath, ''), key, place.reads));
        continue;
      }
      if (typeof child !== 'object' || child === null) continue;
      let next = place.fields.get(key);
      if (!next) place.fields.set(key, (next = newPlace()));
      keys.push(key);
      const complete = walk(child, next);
      keys.pop();
      if (!complete) return false;
    }
    return true;
  };
  return walk(subject.json, root) ? findings : undefined;
}

function unknownField(subject: FindingSubject, path: string, key: string, known: ReadonlySet<string>): Finding {
  const suggestion = closest(key, known);
  return finding(SchemaRules.UNKNOWN_FIELD, 'error', subject, path, foundText(`unknown field "${key}"`),
    `only fields the ${subject.json.apiVersion} ${subject.json.kind} schema defines${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`);
}

/** Turns the validator's errors into one finding per field, saying what the field holds and what would pass. */
function humanize(subject: FindingSubject, errors: readonly ValidatorError[]): Finding[] {
  const byPath = new Map<string, ValidatorError[]>();
  for (const error of errors) {
    const path = error.keyword === 'required'
      ? `${error.instancePath}/${escapePointer(String(error.params.missingProperty))}`
      : error.instancePath;
    const list = byPath.get(path);
    if (list) list.push(error);
    else byPath.set(path, [error]);
  }
  const findings: Finding[] = [];
  for (const [pointer, group] of byPath) {
    const { value, path } = resolvePointer(subject.json, pointer);
    const alternatives = group.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    const expectations = unique(group.filter((e) => e.keyword !== 'oneOf' && e.keyword !== 'anyOf').map(expectation));
    const expected = group.some((e) => e.keyword === 'required')
      ? 'the field is required'
      : expectations.join(alternatives ? ' or ' : ' and ') || 'a value the schema allows';
    findings.push(finding(SchemaRules.SCHEMA, 'error', subject, path, value, expected));
  }
  return findings;
}

function expectation(error: ValidatorError): string {
  switch (error.keyword) {
    case 'type': return TYPE_NAMES[String(error.params.type)] ?? `a ${error.params.type}`;
    case 'format': return FORMAT_NAMES[String(error.params.format)] ?? `a value of format "${error.params.format}"`;
    case 'enum': return `one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required': return 'the field is required';
    default: return (error.message ?? error.keyword).replace(/^must /, '');
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
  object: 'an object', array: 'a list', null: 'null',
};

const FORMAT_NAMES: Record<string, string> = {
  'int32': 'a 32-bit integer',
  'int64': 'a 64-bit integer',
  'quantity': 'a quantity such as "500m", "2" or "1Gi"',
  'int-or-string': 'an integer or a string',
  'date-time': 'an RFC 3339 date-time',
  'byte': 'base64-encoded data',
};

/** The value at a JSON pointer and its dotted path. */
function resolvePointer(root: KubeObject, pointer: string): { value: unknown; path: string } {
  let value: any = root;
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(key)) {
      path = fieldPath(path, Number(key));
    } else {
      path = fieldPath(path, key);
    }
    value = value?.[key];
  }
  return { value, path };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The known name closest to a misspelt one, when close enough to be a likely typo. */
export function closest(key: string, candidates: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
