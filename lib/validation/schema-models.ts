// Finds the kubernetes-models class of an apiVersion/kind in the generated schema bundles (scripts/generate-schemas.ts):
// the Kubernetes API, and the custom resources of the operators in served-apis.ts at the versions they serve. A
// bundle is loaded when a kind of it is first asked for, not with the kit.
import { readFileSync } from 'fs';
import { join } from 'path';
import { loadBundle } from './compiled-schema-cache';
import { OPERATOR_APIS, servedApi } from './served-apis';

/** A kubernetes-models class: its prototype's `validate()` checks `this` against the published schema. */
export interface SchemaModel {
  readonly prototype: { validate(this: unknown): void };
}

/** What the schema of an apiVersion/kind is: a model, a refusal (a version its operator does not serve), or none. */
export type SchemaLookup =
  | { readonly model: SchemaModel; readonly operator: string }
  | { readonly unserved: string; readonly operator: string }
  | undefined;

interface Manifest {
  readonly bundles: Readonly<Record<string, { readonly file: string; readonly sha256: string; readonly kinds: readonly string[] }>>;
}

/** generated/ is at the package root: two folders up from lib/validation, as from the package's bundle, build/lib/kit.js. */
const SCHEMAS_DIR = join(__dirname, '..', '..', 'generated', 'schemas');

let manifest: { bundles: Manifest['bundles']; kinds: Map<string, ReadonlySet<string>> } | undefined;
const bundles = new Map<string, Readonly<Record<string, SchemaModel>>>();
const lookups = new Map<string, SchemaLookup>();

function readManifest(): NonNullable<typeof manifest> {
  if (manifest) return manifest;
  let parsed: Manifest;
  try {
    parsed = JSON.parse(readFileSync(join(SCHEMAS_DIR, 'manifest.json'), 'utf8')) as Manifest;
  } catch {
    throw new Error(`cdk8s-patterns: the schema validators are not generated (no ${join(SCHEMAS_DIR, 'manifest.json')}); run \`npm run schemas\``);
  }
  const kinds = new Map(Object.entries(parsed.bundles).map(([name, b]) => [name, new Set(b.kinds) as ReadonlySet<string>]));
  return (manifest = { bundles: parsed.bundles, kinds });
}

function bundleModels(name: string): Readonly<Record<string, SchemaModel>> {
  const loaded = bundles.get(name);
  if (loaded) return loaded;
  const { bundles: entries } = readManifest();
  const entry = entries[name];
  const exports = loadBundle(join(SCHEMAS_DIR, entry.file), entry.sha256, (e) => warm(e as { default: Record<string, SchemaModel> })).exports;
  const models = (exports as { default: Record<string, SchemaModel> }).default;
  bundles.set(name, models);
  return models;
}

/** Compiles each validator's top function, so the code cache holds them. */
function warm(exports: { default: Record<string, SchemaModel> }): void {
  for (const model of Object.values(exports.default)) {
    try {
      model.prototype.validate.call({});
    } catch {
      // an empty object fails every schema: only the compiling mattered
    }
  }
}

/** The schema of an apiVersion/kind: its model, why its version is refused, or undefined (unchecked). */
export function schemaLookup(apiVersion: unknown, kind: unknown): SchemaLookup {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const cacheKey = `${apiVersion}/${kind}`;
  if (lookups.has(cacheKey)) return lookups.get(cacheKey);
  const { kinds } = readManifest();
  const served = servedApi(apiVersion, kind, (bundle) => kinds.get(bundle) ?? new Set());
  const lookup: SchemaLookup = served === undefined ? undefined
    : served.served ? { model: bundleModels(served.apis.bundle)[served.key], operator: served.apis.operator }
      : { unserved: served.expected, operator: served.apis.operator };
  lookups.set(cacheKey, lookup);
  return lookup;
}

/** The model of an apiVersion/kind, or undefined when none is known or its version is not served. */
export function schemaModel(apiVersion: unknown, kind: unknown): SchemaModel | undefined {
  const lookup = schemaLookup(apiVersion, kind);
  return lookup && 'model' in lookup ? lookup.model : undefined;
}

/** The bundles this process has loaded (the kit loads none at import). */
export function loadedSchemaBundles(): string[] {
  return OPERATOR_APIS.map((a) => a.bundle).filter((b) => bundles.has(b));
}

/**
 * Validates `json` against the schema of its apiVersion/kind; returns the validator's message, or undefined when
 * it is valid. Throws when no schema is known or the version is not served (a kit bug: the kit emits only those).
 */
export function schemaViolation(json: { apiVersion: string; kind: string }): string | undefined {
  const lookup = schemaLookup(json.apiVersion, json.kind);
  if (!lookup || !('model' in lookup)) {
    throw new Error(`no schema for ${json.apiVersion} ${json.kind}${lookup ? `: ${lookup.unserved}` : ''}`);
  }
  try {
    lookup.model.prototype.validate.call(json);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
