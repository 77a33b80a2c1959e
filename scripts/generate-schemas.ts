// `npm run schemas`: builds the schema validators the kit checks objects with, from the installed kubernetes-models
// packages, into generated/schemas/ (not committed: built at install, before tests, synth and packing).
//
// Why a build step (docs/adr/0005-esm-only-schema-models.md): the current @kubernetes-models/* releases are ES
// modules only (their exports offer no `require` condition) and declare Node >= 22, while the kit is CommonJS on
// Node >= 20 and validates inside a synchronous synthesize(). Their models are precompiled AJV validators, so
// esbuild can bundle, per operator, the models of every served kind (lib/validation/served-apis.ts) into one
// CommonJS file the kit loads lazily on first use. re2-wasm (RE2 patterns of some CRDs, e.g. a PrometheusRule's
// partial_response_strategy) stays an external require, as it reads its .wasm file beside itself, and is loaded
// when a pattern is first tested, not when the bundle loads (~100 ms of WASM compilation otherwise).
//
// generated/schemas/manifest.json records what the bundles were built from (package versions, esbuild version, a
// hash of this script and the served table); `--check` exits 1 when that differs from what is installed now, and
// a run with nothing changed leaves the files alone.
import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';
import { bundleKey, OPERATOR_APIS, OperatorApis } from '../lib/validation/served-apis';

const ROOT = join(__dirname, '..');
export const SCHEMAS_DIR = join(ROOT, 'generated', 'schemas');
const MANIFEST = join(SCHEMAS_DIR, 'manifest.json');

/** What the bundles are built from; equal inputs give equal bytes. */
export interface SchemaInputs {
  readonly generator: string;
  readonly esbuild: string;
  /** name@version of every package whose code goes into a bundle. */
  readonly packages: readonly string[];
}

/** The manifest the kit reads: the inputs, and per bundle its file, hash and kinds (`apiVersion/Kind`). */
export interface SchemaManifest {
  readonly inputs: SchemaInputs;
  readonly bundles: Readonly<Record<string, { readonly file: string; readonly sha256: string; readonly kinds: readonly string[] }>>;
}

const BUNDLED_PACKAGES = [
  ...new Set([...OPERATOR_APIS.map((a) => a.package), '@kubernetes-models/validate', '@kubernetes-models/base',
    '@kubernetes-models/apimachinery', 'ajv', 'ajv-formats', 'ajv-formats-draft2019', 'ajv-i18n', 'is-cidr']),
].sort();

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The inputs as installed now. */
export function currentInputs(): SchemaInputs {
  const sources = [__filename, join(ROOT, 'lib', 'validation', 'served-apis.ts')].map((f) => readFileSync(f, 'utf8'));
  return {
    generator: createHash('sha256').update(sources.join('\0')).digest('hex').slice(0, 16),
    esbuild: installedVersion('esbuild'),
    packages: BUNDLED_PACKAGES.map((name) => `${name}@${installedVersion(name)}`),
  };
}

/** The manifest on disk, or undefined when none was generated. */
export function readManifest(dir = SCHEMAS_DIR): SchemaManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as SchemaManifest;
  } catch {
    return undefined;
  }
}

/** Whether generated/schemas is missing or was built from other inputs than those installed. */
export function schemasStale(): boolean {
  const manifest = readManifest();
  return !manifest || JSON.stringify(manifest.inputs) !== JSON.stringify(currentInputs());
}

/** The group/versions of a package as its exports list them (`./apps/v1`, `./v1`). */
function packageVersions(pkg: string): string[] {
  const exportsField = (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }).exports;
  return Object.keys(exportsField).map((k) => k.slice(2)).filter((k) => /^([a-z0-9.-]+\/)?v[0-9]+[a-z0-9]*$/.test(k)).sort();
}

/** The `[apiVersion, Kind]` of every served kind of an operator, from the package's own version modules. */
async function servedKinds(apis: OperatorApis): Promise<[string, string][]> {
  const versions = apis.served === '*' ? packageVersions(apis.package) : Object.keys(apis.served).sort();
  const kinds: [string, string][] = [];
  for (const version of versions) {
    const module = (await import(`${apis.package}/${version}`)) as Record<string, unknown>;
    const listed = apis.served === '*' ? '*' : apis.served[version];
    for (const name of Object.keys(module).sort()) {
      const model = module[name] as ({ apiVersion?: unknown; kind?: unknown } & (() => void)) | undefined;
      if (typeof model !== 'function' || model.kind !== name || model.apiVersion !== version || name.endsWith('List')) continue;
      if (listed === '*' || listed.includes(name)) kinds.push([version, name]);
    }
    const missing = listed === '*' ? [] : listed.filter((k) => !kinds.some(([v, n]) => v === version && n === k));
    if (missing.length > 0) throw new Error(`${apis.package} models no ${missing.join(', ')} at ${version}`);
  }
  return kinds;
}

/** Stands in for validate's RE2 runtime: the same constructor and `test`, the WASM loaded on first use. */
const LAZY_RE2 = `export default class LazyRE2 {
  constructor(pattern, flags) { this.pattern = pattern; this.flags = flags; }
  test(value) {
    if (!this.re2) { const { RE2 } = require('re2-wasm'); this.re2 = new RE2(this.pattern, this.flags); }
    return this.re2.test(value);
  }
}
`;

const lazyRe2Plugin = {
  name: 'lazy-re2',
  setup(build: { onResolve: Function; onLoad: Function }) {
    build.onResolve({ filter: /^@kubernetes-models\/validate\/runtime\/re2$/ }, () => ({ path: 'lazy-re2', namespace: 'cdk8s-patterns' }));
    build.onLoad({ filter: /^lazy-re2$/, namespace: 'cdk8s-patterns' }, () => ({ contents: LAZY_RE2, loader: 'js' }));
  },
};

async function buildBundle(apis: OperatorApis): Promise<{ code: Uint8Array; kinds: string[] }> {
  const { build } = await import('esbuild');
  const kinds = await servedKinds(apis);
  const imports = kinds.map(([version, kind], i) => `import { ${kind} as m${i} } from '${apis.package}/${version}/${kind}';`);
  const entries = kinds.map(([version, kind], i) => `  ${JSON.stringify(bundleKey(version, kind))}: m${i},`);
  const result = await build({
    stdin: { contents: `${imports.join('\n')}\nexport default {\n${entries.join('\n')}\n};\n`, resolveDir: ROOT, loader: 'js' },
    bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, write: false,
    legalComments: 'eof', external: ['re2-wasm'], logLevel: 'silent', plugins: [lazyRe2Plugin],
  });
  return { code: result.outputFiles[0].contents, kinds: kinds.map(([v, k]) => bundleKey(v, k)) };
}

/** Builds every bundle into `dir` and writes its manifest last (a reader sees the old set or the new one). */
export async function generateSchemas(dir = SCHEMAS_DIR): Promise<SchemaManifest> {
  const bundles: Record<string, SchemaManifest['bundles'][string]> = {};
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const apis of OPERATOR_APIS) {
    const { code, kinds } = await buildBundle(apis);
    const file = `${apis.bundle}.js`;
    writeFileSync(join(staging, file), code);
    bundles[apis.bundle] = { file, sha256: createHash('sha256').update(code).digest('hex'), kinds };
  }
  const manifest: SchemaManifest = { inputs: currentInputs(), bundles };
  writeFileSync(join(staging, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return manifest;
}

async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--check')) {
    if (schemasStale()) {
      process.stderr.write(`${MANIFEST} is missing or stale: run npm run schemas\n`);
      process.exitCode = 1;
    }
    return;
  }
  await ensureSchemas(args.includes('--force'));
}

/** Generates the bundles when they are missing or stale (or `force`), saying so; otherwise leaves them alone. */
export async function ensureSchemas(force = false): Promise<void> {
  if (!force && existsSync(MANIFEST) && !schemasStale()) return;
  const started = Date.now();
  const manifest = await generateSchemas();
  const count = Object.values(manifest.bundles).reduce((n, b) => n + b.kinds.length, 0);
  process.stdout.write(`generated/schemas: ${count} kinds in ${Object.keys(manifest.bundles).length} bundles (${Date.now() - started} ms)\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exitCode = 1;
  });
}
