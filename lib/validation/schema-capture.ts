// Reads the JSON schemas of a kubernetes-models class whose package compiles them at run time.
//
// Packages built on @kubernetes-models/validate 3 (today only @kubernetes-models/argo-rollouts 0.3) ship schemas,
// not compiled validators: base's `setSchema(Model, id, addSchema)` stores a lazy `addSchema` on the prototype, and
// `Model.prototype.validate()` calls it, which calls validate's exported `register(id, schema)` for the model's
// schema and every schema it refers to (apimachinery's ObjectMeta and its parts register themselves the same way),
// then validate's exported `validate(id, this)`, which compiles on first use.
//
// How the schemas are captured, and why this way: both calls are made through the module's exports object at call
// time (`(0, validate_1.register)(id, schema)`), so replacing `register` and `validate` on that object for the
// duration of one synchronous `prototype.validate()` call hands us every (id, schema) pair and the root id, without
// copying a schema, without reading the module-private symbols of base, and without touching the package's own AJV
// instance (nothing reaches it while the stand-ins are in place). The exports are restored in a `finally`.
// Everything this relies on is checked, not assumed: `undefined` (use the package's own validator) when the
// validate module has no `register`/`validate` functions (a precompiled package), when its exports cannot be
// replaced, when `validate` was not reached, or when a `$ref` points outside the captured set (a schema registered
// through another copy of validate). test/validation/schema-capture.test.ts pins it for every Argo Rollouts model.
import { readFileSync } from 'fs';
import { dirname, join } from 'path';

/** A kubernetes-models class, as far as capturing needs it (schema-models' `SchemaModel` is one). */
export interface ModelClass {
  readonly prototype: { validate(this: unknown): void };
}

/** A package.json found by walking up from a file. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  /** The folder holding the package.json. */
  readonly dir: string;
}

/** One schema as the model registered it. */
export interface RegisteredSchema {
  readonly id: string;
  readonly schema: object;
}

/** What a run-time-compiling model validates against, and where its validator's libraries live. */
export interface CapturedSchemas {
  /** The id `validate()` is called with, e.g. `argoproj.io.v1alpha1.Rollout`. */
  readonly rootId: string;
  /** Every schema registered, first registration of each id, in registration order (as AJV receives them). */
  readonly schemas: readonly RegisteredSchema[];
  /** The package of the model, e.g. @kubernetes-models/argo-rollouts. */
  readonly modelPackage: PackageInfo;
  /** The @kubernetes-models/validate the model uses; AJV and its format plugins are resolved from its folder. */
  readonly validatePackage: PackageInfo;
}

/** The exports of @kubernetes-models/validate 3 that models call. */
interface RuntimeValidateModule {
  register(id: string, schema: object): void;
  validate(id: string, data: unknown): void;
}

/**
 * The schemas of `model` (loaded from `moduleFile`), or undefined when its package ships compiled validators or the
 * schemas cannot be captured faithfully: then the package's own `validate()` is the one to use.
 */
export function captureSchemas(model: ModelClass, moduleFile: string): CapturedSchemas | undefined {
  const validateFile = resolveFrom(moduleFile, '@kubernetes-models/validate');
  if (!validateFile) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const validateModule = require(validateFile) as Partial<RuntimeValidateModule>;
  if (typeof validateModule.register !== 'function' || typeof validateModule.validate !== 'function') return undefined;
  const modelPackage = packageOf(moduleFile);
  const validatePackage = packageOf(validateFile);
  if (!modelPackage || !validatePackage) return undefined;

  const registered = recordRegistrations(model, validateModule as RuntimeValidateModule);
  if (!registered?.rootId) return undefined;
  const schemas = firstOfEachId(registered.schemas);
  const ids = new Set(schemas.map((s) => s.id));
  if (!ids.has(registered.rootId) || !schemas.every((s) => refsResolveWithin(s.schema, ids))) return undefined;
  return { rootId: registered.rootId, schemas, modelPackage, validatePackage };
}

/** Runs the model's own `validate()` with recording stand-ins for `register` and `validate`. */
function recordRegistrations(model: ModelClass, validateModule: RuntimeValidateModule):
{ rootId?: string; schemas: RegisteredSchema[] } | undefined {
  const original = { register: validateModule.register, validate: validateModule.validate };
  const result: { rootId?: string; schemas: RegisteredSchema[] } = { schemas: [] };
  try {
    validateModule.register = (id, schema) => {
      result.schemas.push({ id, schema });
    };
    validateModule.validate = (id) => {
      result.rootId = id;
    };
    if (validateModule.register === original.register) return undefined; // read-only exports: nothing to capture
    // A bare instance: base reads the schema id and the lazy registration from the prototype.
    model.prototype.validate.call(Object.create(model.prototype as object));
    return result;
  } catch {
    return undefined;
  } finally {
    try {
      validateModule.register = original.register;
      validateModule.validate = original.validate;
    } catch {
      // exports that could not be replaced need no restoring
    }
  }
}

function firstOfEachId(schemas: readonly RegisteredSchema[]): RegisteredSchema[] {
  const seen = new Set<string>();
  return schemas.filter((s) => !seen.has(s.id) && seen.add(s.id));
}

/** Whether every `$ref` in a schema names one of `ids` (refs are `<id>#` or `<id>#/pointer`, or local `#…`). */
function refsResolveWithin(schema: unknown, ids: ReadonlySet<string>): boolean {
  if (typeof schema !== 'object' || schema === null) return true;
  if (Array.isArray(schema)) return schema.every((item) => refsResolveWithin(item, ids));
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') {
      const target = value.slice(0, value.indexOf('#') < 0 ? value.length : value.indexOf('#'));
      if (target && !ids.has(target)) return false;
    } else if (!refsResolveWithin(value, ids)) {
      return false;
    }
  }
  return true;
}

/**
 * Resolves `request` as a module in `fromFile`'s folder would: the same file, and so the same module instance,
 * that the module's own `require(request)` gets (under Jest too, whose `require.resolve` honours `paths`).
 */
export function resolveFrom(fromFile: string, request: string): string | undefined {
  try {
    return require.resolve(request, { paths: [dirname(fromFile)] });
  } catch {
    return undefined;
  }
}

/** The nearest package.json above `file` that names a package (sub-folder package.json files may only set a type). */
export function packageOf(file: string): PackageInfo | undefined {
  let dir = dirname(file);
  for (;;) {
    const found = readPackageJson(dir);
    if (found) return found;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readPackageJson(dir: string): PackageInfo | undefined {
  let parsed: { name?: unknown; version?: unknown };
  try {
    parsed = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed.name !== 'string' || typeof parsed.version !== 'string') return undefined;
  return { name: parsed.name, version: parsed.version, dir };
}
