// Compiles the schemas of run-time-compiling kubernetes-models packages once per machine instead of once per process.
//
// Why: @kubernetes-models/argo-rollouts 0.3 (on @kubernetes-models/validate 3) compiles its JSON schemas with AJV
// at the first validate() of each model: ~0.5 s for a Rollout, paid by every synth and every Jest worker that
// validates one (the other @kubernetes-models packages ship compiled validators). Newer argo-rollouts is ESM-only.
//
// How: the model's schemas are captured (schema-capture.ts), compiled once with an AJV set up as the package sets up
// its own (kubernetes-models-ajv.ts), and the validator is written as AJV *standalone* code, a CommonJS module of
// plain JavaScript. Later processes evaluate that file (V8 parses it lazily) instead of compiling the schemas.
// - Where: `<node_modules>/.cache/cdk8s-patterns/compiled-schemas/`, the find-cache-dir convention (`$CACHE_DIR`
//   is honoured the same way), beside the package, so a reinstall clears it.
// - Key: the file name holds the package name and version, the root schema id and a hash of everything the code
//   depends on: model, validate, AJV and plugin versions, AJV options, format shapes, and the schemas themselves.
//   A change of any of them is a new file; nothing is ever invalidated in place.
// - Writes are atomic (a temp file renamed over the target), as parallel Jest workers race to write the same file;
//   its content is deterministic, so the last rename wins harmlessly.
// - Unwritable folder, unreadable or corrupted file: the validator compiled in memory is used (as before), a bad
//   file is replaced; no warning, the cache is only an optimization.
// - V8 code cache: evaluating the 1.6 MB module and compiling its root function takes ~70 ms. The first load of a
//   file (right after writing it) saves the script's V8 code cache beside it (`.v8-<version>.bin`), and later
//   loads take a few ms. V8 checks that data itself and rejects a mismatch; a rejected cache is rewritten.
// - The module is run with `vm.Script.runInThisContext`, which is needed for the code cache. Under Jest that is the
//   worker's main context rather than the test file's, so error objects there come from another realm: plain
//   objects and arrays all the same, just not `toStrictEqual` to ones made in the test.
import { randomBytes, createHash } from 'crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { basename, dirname, join } from 'path';
import { Script } from 'vm';
import {
  AjvInstance, AjvLibraries, AjvValidateFunction, createAjv, describeSetup, FORMATS_MODULE, loadAjvLibraries,
  validationError, withoutNullableRefErrors,
} from './kubernetes-models-ajv';
import { CapturedSchemas, captureSchemas, ModelClass, PackageInfo } from './schema-capture';

/** Where a model's validator came from. */
export type ValidatorOrigin =
  /** Loaded from the cache file. */
  | 'cache'
  /** Compiled in this process and written to the cache file. */
  | 'compiled'
  /** Compiled in this process; the cache could not be written (or has no folder). */
  | 'memory';

/** A model whose `prototype.validate()` runs a validator compiled once per machine. */
export interface PrecompiledSchemaModel extends ModelClass {
  readonly origin: ValidatorOrigin;
  /** The cache file of the validator, or undefined when there is no cache folder. */
  readonly cacheFile?: string;
}

/** Options of {@link precompiledSchemaModel}. */
export interface CompiledSchemaCacheOptions {
  /**
   * Folder of the compiled validators.
   * @default - `$CACHE_DIR/cdk8s-patterns/compiled-schemas` when CACHE_DIR is set, else
   * `.cache/cdk8s-patterns/compiled-schemas` in the node_modules folder that holds the model's package; without
   * either, validators are compiled in memory
   */
  readonly directory?: string;
}

/** Bump when the file layout or the loader's contract with the generated code changes. */
const CACHE_LAYOUT = 1;

/**
 * `model` with a validator compiled once per machine, or undefined when its package ships compiled validators or
 * its schemas cannot be captured or compiled: then the package's own `validate()` is the one to use. `validate()`
 * keeps the package's contract: it throws AJV's ValidationError carrying the (filtered) `errors`.
 */
export function precompiledSchemaModel(model: ModelClass, moduleFile: string,
  options: CompiledSchemaCacheOptions = {}): PrecompiledSchemaModel | undefined {
  const captured = captureSchemas(model, moduleFile);
  if (!captured) return undefined;
  const libs = loadAjvLibraries(captured.validatePackage.dir);
  if (!libs) return undefined;
  const ajv = createAjv(libs);
  const directory = options.directory ?? defaultDirectory(captured.modelPackage);
  const cacheFile = directory === undefined ? undefined : join(directory, cacheFileName(captured, libs, ajv));

  const cached = cacheFile === undefined ? undefined : loadValidator(cacheFile, ajv, libs);
  if (cached) return wrap(cached, 'cache', cacheFile, libs, ajv);
  const compiled = compile(ajv, captured);
  if (!compiled) return undefined;
  if (cacheFile === undefined || !storeValidator(cacheFile, libs, ajv, compiled)) {
    return wrap(compiled, 'memory', cacheFile, libs, ajv);
  }
  // Loading the file just written also saves its V8 code cache, so the next process already loads in a few ms.
  return wrap(loadValidator(cacheFile, ajv, libs) ?? compiled, 'compiled', cacheFile, libs, ajv);
}

function wrap(validator: AjvValidateFunction, origin: ValidatorOrigin, cacheFile: string | undefined,
  libs: AjvLibraries, ajv: AjvInstance): PrecompiledSchemaModel {
  return {
    origin,
    cacheFile,
    prototype: {
      // What @kubernetes-models/validate 3's validate(id, this) does with the package's compiled schema.
      validate(this: unknown) {
        if (validator(this) || !validator.errors) return;
        throw validationError(libs, ajv, withoutNullableRefErrors(validator.errors));
      },
    },
  };
}

/** Compiles as validate 3 does: every schema added under its id, the root compiled with its references. */
function compile(ajv: AjvInstance, captured: CapturedSchemas): AjvValidateFunction | undefined {
  try {
    for (const { id, schema } of captured.schemas) ajv.addSchema(schema, id);
    return ajv.getSchema(captured.rootId);
  } catch {
    return undefined; // the package's own validate() reports the same failure its own way
  }
}

function defaultDirectory(modelPackage: PackageInfo): string | undefined {
  const fromEnvironment = process.env.CACHE_DIR;
  if (fromEnvironment && !['true', 'false', '1', '0'].includes(fromEnvironment)) {
    return join(fromEnvironment, 'cdk8s-patterns', 'compiled-schemas');
  }
  for (let dir = modelPackage.dir; dirname(dir) !== dir; dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return join(dir, '.cache', 'cdk8s-patterns', 'compiled-schemas');
  }
  return undefined;
}

function cacheFileName(captured: CapturedSchemas, libs: AjvLibraries, ajv: AjvInstance): string {
  const { modelPackage, validatePackage, rootId, schemas } = captured;
  const hash = createHash('sha256').update(JSON.stringify({
    layout: CACHE_LAYOUT,
    model: `${modelPackage.name}@${modelPackage.version}`,
    validate: `${validatePackage.name}@${validatePackage.version}`,
    libraries: libs.versions,
    setup: describeSetup(ajv),
    rootId,
    schemas,
  })).digest('hex');
  const readable = `${modelPackage.name.replace(/^@/, '').replace(/\//g, '+')}@${modelPackage.version}.${rootId}`;
  return `${readable.replace(/[^A-Za-z0-9@+._-]/g, '_')}.${hash.slice(0, 16)}.js`;
}

function codeCacheFile(cacheFile: string): string {
  return `${cacheFile.slice(0, -'.js'.length)}.v8-${process.versions.v8}-${process.arch}.bin`;
}

/** The validator in `cacheFile`, or undefined when there is none or it cannot be used. */
function loadValidator(cacheFile: string, ajv: AjvInstance, libs: AjvLibraries): AjvValidateFunction | undefined {
  let source: string;
  try {
    source = readFileSync(cacheFile, 'utf8');
  } catch {
    return undefined;
  }
  const codeCache = codeCacheFile(cacheFile);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(codeCache);
  } catch {
    cachedData = undefined;
  }
  try {
    const script = new Script(`(function (require, module, exports) {${source}\n})`, { filename: cacheFile, cachedData });
    const module: { exports: unknown } = { exports: {} };
    (script.runInThisContext() as (...args: unknown[]) => void)(requireFor(ajv, libs), module, module.exports);
    const validator = module.exports as AjvValidateFunction;
    if (typeof validator !== 'function') return undefined;
    if (!cachedData || script.cachedDataRejected) {
      validator({}); // compiles the root function, so the code cache holds it
      writeAtomically(codeCache, script.createCachedData());
    }
    return validator;
  } catch {
    return undefined; // a corrupted file: compiled again and replaced
  }
}

/** What generated code may require: the format table, and AJV's runtime helpers. */
function requireFor(ajv: AjvInstance, libs: AjvLibraries): (request: string) => unknown {
  return (request) => {
    if (request === FORMATS_MODULE) return ajv.formats;
    if (request.startsWith('ajv/dist/runtime/')) return libs.requireRuntime(request);
    throw new Error(`a compiled schema requires ${request}, which only AJV's own runtime may`);
  };
}

/** Writes the standalone module of `validator`; false when the folder cannot be written. */
function storeValidator(cacheFile: string, libs: AjvLibraries, ajv: AjvInstance, validator: AjvValidateFunction): boolean {
  let source: string;
  try {
    source = libs.standaloneCode(ajv, validator);
  } catch {
    return false;
  }
  const stored = writeAtomically(cacheFile, source);
  // The code cache of a file this replaces (a corrupted one) would not match the new source.
  if (stored) removeQuietly(codeCacheFile(cacheFile));
  return stored;
}

function writeAtomically(file: string, content: string | Buffer): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temporary, content);
    renameSync(temporary, file);
    return true;
  } catch {
    removeQuietly(temporary);
    return false;
  }
}

function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // nothing there, or nothing that can be removed: either way nothing to clean
  }
}
