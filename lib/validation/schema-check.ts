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
import { Finding, fieldPath, finding, foundText, KubeObject } from './finding';
import { IndexedObject } from './object-index';
import { schemaModel, SchemaModel } from './schema-models';

/** Rule ids of the schema check. */
export const SchemaRules = {
  /** A field has the wrong type or format, a required field is missing, or a value is not allowed. */
  SCHEMA: 'schema',
  /** A field the schema does not define (a typo, or a field of another version or kind). */
  UNKNOWN_FIELD: 'schema/unknown-field',
  /** A JSON patch on a typed `k8s.Kube*` object set a value that the object's output dropped. */
  DROPPED_EDIT: 'schema/dropped-edit',
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

/** Checks one object against the schema of its apiVersion/kind. */
export function checkSchema(subject: IndexedObject): SchemaResult {
  const json = subject.json;
  if (typeof json.apiVersion !== 'string' || typeof json.kind !== 'string' || !json.kind) {
    return {
      checked: true,
      findings: [finding(SchemaRules.SCHEMA, 'error', subject, typeof json.kind === 'string' && json.kind ? 'apiVersion' : 'kind',
        typeof json.kind === 'string' && json.kind ? json.apiVersion : json.kind, 'every object needs a string apiVersion and kind')],
    };
  }
  const model = schemaModel(json.apiVersion, json.kind);
  if (!model) return { checked: false, findings: [] };
  let shape = SHAPES.get(model);
  if (!shape) {
    shape = new Map();
    SHAPES.set(model, shape);
  }
  const known = shape;
  if (allPlacesKnown(json, known)) {
    const findings = humanize(subject, runValidator(model, json));
    findings.push(...unknownFields(subject, (_node, place) => known.get(place)));
    return { checked: true, findings };
  }
  const tracer = new ReadTracer();
  const errors = runValidator(model, tracer.trace(json, model.prototype) as object);
  const findings = humanize(subject, errors);
  findings.push(...unknownFields(subject, (node, place) => remember(known, place, tracer.traces.get(node))));
  return { checked: true, findings };
}

/** What a validator read at each place of its objects, per model: `spec.template.spec.containers[]` → reads. */
type Shape = Map<string, Trace>;
const SHAPES = new WeakMap<SchemaModel, Shape>();

/** Records a place's reads (a union: oneOf branches may read different fields) and returns them. */
function remember(shape: Shape, place: string, trace: Trace | undefined): Trace {
  const seen = shape.get(place);
  const merged: Trace = seen ?? { reads: new Set(), enumerated: false };
  for (const key of trace?.reads ?? []) merged.reads.add(key);
  merged.enumerated = merged.enumerated || (trace?.enumerated ?? false);
  if (!seen) shape.set(place, merged);
  return merged;
}

/** Whether every object in `value` sits at a place the shape has seen. */
function allPlacesKnown(value: unknown, shape: Shape, place = ''): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every((item) => allPlacesKnown(item, shape, `${place}[]`));
  const trace = shape.get(place);
  if (!trace) return false;
  const judged = !trace.enumerated && trace.reads.size > 0;
  for (const [key, child] of Object.entries(value)) {
    if (judged && !trace.reads.has(key)) continue; // an unknown field: reported, not descended into
    if (!allPlacesKnown(child, shape, `${place}.${key}`)) return false;
  }
  return true;
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

/** Unknown fields, judged by the reads `readsAt` gives for each object and its place (indexes folded to `[]`). */
function unknownFields(subject: IndexedObject, readsAt: (node: object, place: string) => Trace | undefined): Finding[] {
  const findings: Finding[] = [];
  const schemaName = `${subject.json.apiVersion} ${subject.json.kind}`;
  const walk = (value: unknown, path: string, place: string) => {
    if (typeof value !== 'object' || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, fieldPath(path, i), `${place}[]`));
      return;
    }
    const trace = readsAt(value, place);
    const judged = trace && !trace.enumerated && trace.reads.size > 0;
    for (const [key, child] of Object.entries(value)) {
      if (child === undefined) continue;
      if (judged && !trace.reads.has(key)) {
        const suggestion = closest(key, trace.reads);
        findings.push(finding(SchemaRules.UNKNOWN_FIELD, 'error', subject, fieldPath(path, key), foundText(`unknown field "${key}"`),
          `only fields the ${schemaName} schema defines${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`));
        continue;
      }
      walk(child, fieldPath(path, key), `${place}.${key}`);
    }
  };
  walk(subject.json, '', '');
  return findings;
}

/** Turns the validator's errors into one finding per field, saying what the field holds and what would pass. */
function humanize(subject: IndexedObject, errors: readonly ValidatorError[]): Finding[] {
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

/** The known field closest to a misspelt one, when close enough to be a likely typo. */
function closest(key: string, candidates: ReadonlySet<string>): string | undefined {
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
