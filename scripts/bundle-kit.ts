// The kit's JavaScript as the package ships it (docs/adr/0016-one-bundled-module.md): every public entry point in one
// CommonJS bundle, `lib/kit.js`, and the YAML writer thread's module beside it; each entry's own file is a one-line
// stub that hands out its part of the bundle. One module graph means one copy of each class and cache, whichever
// entries a project imports; one file means one read and one compile instead of ~140 (time to the kit loaded:
// see the ADR). `npm run build` writes it into build/, then tsc the declarations; `npm run bench` into its own folder.
import { buildSync } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { dirname, join, relative } from 'path';

const ROOT = join(__dirname, '..');

/** The public entry points (package.json `exports`, and lib/cli for the bins): name in the bundle, source folder. */
export const KIT_ENTRIES: readonly { readonly name: string; readonly source: string }[] = [
  { name: 'main', source: 'lib' },
  { name: 'synthesis', source: 'lib/synthesis' },
  { name: 'validation', source: 'lib/validation' },
  { name: 'reports', source: 'lib/reports' },
  { name: 'diff', source: 'lib/diff' },
  { name: 'gitops', source: 'lib/gitops' },
  { name: 'testing', source: 'lib/testing' },
  { name: 'cli', source: 'lib/cli' },
];

/** The bins, as their TypeScript sources; they import the kit through its entries' stubs. */
const BINS = ['bin/cdk8s-patterns.ts', 'bin/manifest-diff.ts'];

const COMMON = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT,
} as const;

/**
 * Replaces `outdir` (the package's build/) with: lib/kit.js, lib/yaml-writer-thread.js (the writer thread loads it by
 * its path beside the bundle), `<source>/index.js` per entry, and bin/*.js. lib/ keeps the layout of the sources'
 * folder (the schema validators are found two folders up, in generated/, from either).
 */
export function bundleKit(outdir: string): void {
  rmSync(outdir, { recursive: true, force: true });
  buildSync({
    ...COMMON,
    stdin: {
      contents: KIT_ENTRIES.map((e) => `export * as ${e.name} from './${e.source}';`).join('\n'),
      resolveDir: ROOT,
      sourcefile: 'kit.ts',
      loader: 'ts',
    },
    outfile: join(outdir, 'lib', 'kit.js'),
  });
  buildSync({ ...COMMON, entryPoints: [join(ROOT, 'lib/synthesis/yaml-writer-thread.ts')], outfile: join(outdir, 'lib', 'yaml-writer-thread.js') });
  const names = exportNames();
  for (const entry of KIT_ENTRIES) {
    const stub = join(outdir, entry.source, 'index.js');
    mkdirSync(dirname(stub), { recursive: true });
    const path = relative(dirname(stub), join(outdir, 'lib', 'kit.js')).split('\\').join('/');
    writeFileSync(stub, [
      '"use strict";',
      `// The ${entry.name} entry of the kit: its part of the one bundle.`,
      `module.exports = require(${JSON.stringify(path.startsWith('.') ? path : `./${path}`)}).${entry.name};`,
      "// Its names, for ES modules' named imports (Node's cjs-module-lexer reads this line; it never runs).",
      `0 && (module.exports = { ${names.get(entry.source)!.join(', ')} });`,
      '',
    ].join('\n'));
  }
  buildSync({ platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', absWorkingDir: ROOT, entryPoints: BINS.map((b) => join(ROOT, b)), outdir: join(outdir, 'bin') });
}

/** Each entry's export names, sorted, as esbuild reads them off the sources (an ES-module build, not written). */
function exportNames(): Map<string, string[]> {
  const result = buildSync({
    ...COMMON, format: 'esm', splitting: true, write: false, metafile: true, outdir: join(ROOT, 'build', 'names'),
    entryPoints: KIT_ENTRIES.map((e) => ({ in: join(ROOT, e.source, 'index.ts'), out: e.source })),
  });
  const outputs = Object.values(result.metafile.outputs);
  return new Map(KIT_ENTRIES.map((e) => {
    const output = outputs.find((o) => o.entryPoint === `${e.source}/index.ts`)!;
    return [e.source, [...output.exports].sort()];
  }));
}

if (require.main === module) bundleKit(join(ROOT, 'build'));
