// AJV set up as @kubernetes-models/validate 3 sets up its own, and the error clean-up it applies: a validator
// compiled here gives the package's verdicts and the package's error objects.
//
// Same libraries: AJV, ajv-formats and ajv-formats-draft2019 are loaded from the validate package's own folder, so
// they are the very copies (and versions) it compiles with, and the kit declares no dependency of its own on them.
// Same options and formats: validate 3 builds `new Ajv({ strictTypes: false, allErrors: true, verbose: true })`,
// applies ajv-formats (its full formats and format keywords), then ajv-formats-draft2019 (which replaces
// `duration`), then adds `byte`, `quantity` and `string`; `createAjv()` does the same in the same order. validate 3
// exports none of its three formats, so they are written here to accept exactly what its definitions accept (base64
// with padding, Kubernetes quantities with any SI prefix, any string); test/validation/kubernetes-models-ajv.test.ts
// compares them with the package's own verdicts.
import { dirname, join } from 'path';
import { packageOf, resolveFrom } from './schema-capture';

/** An AJV error object (`verbose`: with the failing schema and data). */
export interface AjvError {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
  readonly schema?: unknown;
}

/** A compiled validator: returns the verdict and leaves the errors on itself. */
export interface AjvValidateFunction {
  (data: unknown): boolean;
  errors?: AjvError[] | null;
}

/** The part of an AJV instance used here. */
export interface AjvInstance {
  readonly opts: { code: { formats?: unknown } };
  /** The format table: name → definition (a RegExp, a function, or `{ type, validate }`). */
  readonly formats: Record<string, unknown>;
  addFormat(name: string, format: unknown): AjvInstance;
  addSchema(schema: object, key: string): AjvInstance;
  getSchema(key: string): AjvValidateFunction | undefined;
  errorsText(errors: readonly AjvError[]): string;
}

interface AjvClass {
  new (options: object): AjvInstance;
  readonly ValidationError: new (errors: AjvError[]) => Error & { errors: AjvError[] };
  /** AJV's code template tag: interpolated strings become quoted string literals. */
  readonly _: (strings: TemplateStringsArray, ...values: unknown[]) => unknown;
}

type Plugin = (ajv: AjvInstance) => unknown;

/** AJV and its format plugins as the validate package loads them. */
export interface AjvLibraries {
  readonly Ajv: AjvClass;
  /** `ajv/dist/standalone`: the JavaScript module source of a compiled validator. */
  readonly standaloneCode: (ajv: AjvInstance, validate: AjvValidateFunction) => string;
  readonly addFormats: Plugin;
  readonly addDraft2019Formats: Plugin;
  /** `name@version` of each library, for cache keys. */
  readonly versions: readonly string[];
  /** Loads a module that standalone code requires (`ajv/dist/runtime/…`) from the same AJV. */
  requireRuntime(request: string): unknown;
}

/** The options validate 3 gives AJV. */
export const AJV_OPTIONS = { strictTypes: false, allErrors: true, verbose: true } as const;

/**
 * What generated code requires for the format table. Not a real module: the loader of a compiled validator answers
 * it with the table of a `createAjv()` instance, as standalone code cannot carry the format functions itself.
 */
export const FORMATS_MODULE = 'cdk8s-patterns:kubernetes-models-formats';

/** The libraries the validate package in `validateDir` compiles with, or undefined when one cannot be loaded. */
export function loadAjvLibraries(validateDir: string): AjvLibraries | undefined {
  const anchor = join(validateDir, 'package.json');
  const files = {
    ajv: resolveFrom(anchor, 'ajv'),
    standalone: resolveFrom(anchor, 'ajv/dist/standalone'),
    formats: resolveFrom(anchor, 'ajv-formats'),
    draft2019: resolveFrom(anchor, 'ajv-formats-draft2019'),
  };
  if (!files.ajv || !files.standalone || !files.formats || !files.draft2019) return undefined;
  const packages = [files.ajv, files.formats, files.draft2019].map(packageOf);
  if (packages.some((p) => !p)) return undefined;
  const ajvFile = files.ajv;
  return {
    Ajv: defaultExport(requireFile(ajvFile)) as AjvClass,
    standaloneCode: defaultExport(requireFile(files.standalone)) as AjvLibraries['standaloneCode'],
    addFormats: defaultExport(requireFile(files.formats)) as Plugin,
    addDraft2019Formats: defaultExport(requireFile(files.draft2019)) as Plugin,
    versions: packages.map((p) => `${p!.name}@${p!.version}`),
    requireRuntime: (request) => requireFile(require.resolve(request, { paths: [dirname(ajvFile)] })),
  };
}

/** A new AJV with validate 3's options and formats, which can also emit standalone code. */
export function createAjv(libs: AjvLibraries): AjvInstance {
  const ajv = new libs.Ajv({ ...AJV_OPTIONS, code: { source: true } });
  libs.addFormats(ajv);
  libs.addDraft2019Formats(ajv);
  for (const [name, format] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, format);
  // Set after the plugins: ajv-formats points generated code at its own table, which lacks the three above.
  ajv.opts.code.formats = libs.Ajv._`require(${FORMATS_MODULE})`;
  return ajv;
}

/**
 * What generated code depends on in an AJV set-up, for cache keys: the options, and each format's name and shape. A
 * RegExp format is copied into the code, so its source counts; a function is looked up in the table at load time,
 * so only its being a function does.
 */
export function describeSetup(ajv: AjvInstance): object {
  const formats = Object.entries(ajv.formats).map(([name, format]) => [name, formatShape(format)]);
  return { options: AJV_OPTIONS, formats };
}

function formatShape(format: unknown): unknown {
  if (format instanceof RegExp) return String(format);
  if (typeof format !== 'object' || format === null) return typeof format;
  const { type, async, validate } = format as { type?: unknown; async?: unknown; validate?: unknown };
  return { type, async, validate: validate instanceof RegExp ? String(validate) : typeof validate };
}

/**
 * The errors validate 3 reports. A nullable reference is written `oneOf: [{ $ref }, { type: 'null' }]`; when the
 * value fails the reference, AJV also reports that the value is not null and that not exactly one branch passed.
 * validate 3 keeps only the reference's own errors: it drops each such `oneOf` error and the `type` error of its
 * null branch. Errors of other `oneOf`s are kept.
 */
export function withoutNullableRefErrors(errors: readonly AjvError[]): AjvError[] {
  const nullBranchTypePaths = new Set<string>();
  const kept: AjvError[] = [];
  for (const error of errors) {
    const nullBranch = error.keyword === 'oneOf' && Array.isArray(error.schema)
      ? error.schema.findIndex((branch) => (branch as { type?: unknown } | null)?.type === 'null')
      : -1;
    if (nullBranch >= 0) {
      nullBranchTypePaths.add(`${error.schemaPath}/${nullBranch}/type`);
    } else {
      kept.push(error);
    }
  }
  return kept.filter((error) => !nullBranchTypePaths.has(error.schemaPath));
}

/** The error validate 3 throws: AJV's ValidationError, its message the errors as text. */
export function validationError(libs: AjvLibraries, ajv: AjvInstance, errors: AjvError[]): Error {
  const error = new libs.Ajv.ValidationError(errors);
  error.message = ajv.errorsText(errors);
  return error;
}

/** Base64 with padding: groups of four alphabet characters, the last one possibly ending in `=` or `==`. */
function isPaddedBase64(value: string): boolean {
  return value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

// A Kubernetes quantity: a signed decimal (digits with an optional fraction, or a bare fraction), then a binary
// suffix (Ki…Ei), a metric prefix from yocto to yotta (`da` included), or a decimal exponent.
const DECIMAL = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)`;
const QUANTITY = new RegExp(`^${DECIMAL}(?:[KMGTPE]i|da|[yzafpnumcdhkMGTPEZY]|[eE]${DECIMAL})?$`);

/** The formats validate 3 adds after the plugins' (`string` is used by some CRDs for plain strings). */
const KUBERNETES_FORMATS: Record<string, object> = {
  byte: { type: 'string', validate: isPaddedBase64 },
  quantity: { type: 'string', validate: QUANTITY },
  string: { type: 'string', validate: (value: unknown) => typeof value === 'string' },
};

function requireFile(file: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

/** A CommonJS module's value, or its `default` when it was compiled from an ES module. */
function defaultExport(loaded: unknown): unknown {
  const module = loaded as { __esModule?: boolean; default?: unknown };
  return module.__esModule && module.default !== undefined ? module.default : loaded;
}
