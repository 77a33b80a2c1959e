// Loads a generated schema bundle (generated/schemas/<bundle>.js, see scripts/generate-schemas.ts) with V8's code
// cache, so its compiled code is made once per machine instead of once per process.
//
// Why: the bundles are plain CommonJS, but large (the Kubernetes one ~2 MB): evaluating one and compiling its
// validators costs ~130 ms cold; with the script's V8 code cache it is ~25 ms.
// - Where: `<node_modules>/.cache/cdk8s-patterns/compiled-schemas/`, the find-cache-dir convention (`$CACHE_DIR`
//   is honoured the same way), beside the installed packages, so a reinstall clears it.
// - Key: the file name holds the bundle name, the bundle's sha256 (from the manifest), the V8 version and the CPU
//   architecture. A new bundle is a new file; nothing is ever invalidated in place.
// - Writes are atomic (a temp file renamed over the target), as parallel Jest workers race to write the same file.
// - Unwritable folder, missing or rejected cache: the bundle is evaluated without it (V8 checks the data itself and
//   flags a mismatch, which is then rewritten); no warning, the cache is only an optimization.
// - The module is run with `vm.Script.runInThisContext`, which is needed for the code cache. Under Jest that is the
//   worker's main context rather than the test file's, so error objects there come from another realm: plain
//   objects and arrays all the same, just not `toStrictEqual` to ones made in the test.
import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { basename, dirname, join } from 'path';
import { Script } from 'vm';

/** Where a bundle's compiled code came from. */
export type CodeOrigin =
  /** V8's code cache from an earlier process. */
  | 'cache'
  /** Compiled in this process; the code cache was written for the next one. */
  | 'compiled'
  /** Compiled in this process; the cache could not be written (or has no folder). */
  | 'memory';

/** A loaded bundle: its exports and where its code came from. */
export interface LoadedBundle {
  readonly exports: unknown;
  readonly origin: CodeOrigin;
  /** The code cache file, or undefined when there is no cache folder. */
  readonly cacheFile?: string;
}

/** Options of {@link loadBundle}. */
export interface CompiledSchemaCacheOptions {
  /**
   * Folder of the code caches.
   * @default - `$CACHE_DIR/cdk8s-patterns/compiled-schemas` when CACHE_DIR is set, else
   * `.cache/cdk8s-patterns/compiled-schemas` in the nearest node_modules folder at or above the bundle's package;
   * without either, nothing is cached
   */
  readonly directory?: string;
}

/**
 * Evaluates the CommonJS file `bundleFile` (hash `sha256`) and returns its exports. Its own `require` resolves from
 * the bundle's folder, as Node's would; `warm` runs once after a cold compile, so the cache holds the functions it
 * reaches (V8 caches only what was compiled when the cache is made).
 */
export function loadBundle(bundleFile: string, sha256: string, warm: (exports: unknown) => void,
  options: CompiledSchemaCacheOptions = {}): LoadedBundle {
  const source = readFileSync(bundleFile, 'utf8');
  const directory = options.directory ?? defaultDirectory(bundleFile);
  const cacheFile = directory === undefined ? undefined
    : join(directory, `${basename(bundleFile, '.js')}.${sha256.slice(0, 16)}.v8-${process.versions.v8}-${process.arch}.bin`);
  const cachedData = cacheFile === undefined ? undefined : readQuietly(cacheFile);
  const script = new Script(`(function (require, module, exports) {${source}\n})`, { filename: bundleFile, cachedData });
  const module: { exports: unknown } = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(createRequire(bundleFile), module, module.exports);
  if (cachedData && !script.cachedDataRejected) return { exports: module.exports, origin: 'cache', cacheFile };
  if (cacheFile === undefined) return { exports: module.exports, origin: 'memory' };
  warm(module.exports);
  const stored = writeAtomically(cacheFile, script.createCachedData());
  return { exports: module.exports, origin: stored ? 'compiled' : 'memory', cacheFile };
}

function defaultDirectory(bundleFile: string): string | undefined {
  const fromEnvironment = process.env.CACHE_DIR;
  if (fromEnvironment && !['true', 'false', '1', '0'].includes(fromEnvironment)) {
    return join(fromEnvironment, 'cdk8s-patterns', 'compiled-schemas');
  }
  // Installed: …/node_modules/cdk8s-patterns/generated/schemas; a checkout: <root>/generated/schemas with
  // <root>/node_modules beside it.
  for (let dir = dirname(bundleFile); dirname(dir) !== dir; dir = dirname(dir)) {
    if (basename(dir) === 'node_modules') return join(dir, '.cache', 'cdk8s-patterns', 'compiled-schemas');
    if (existsSync(join(dir, 'node_modules', '.package-lock.json'))) {
      return join(dir, 'node_modules', '.cache', 'cdk8s-patterns', 'compiled-schemas');
    }
  }
  return undefined;
}

function readQuietly(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, content: Buffer): boolean {
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
