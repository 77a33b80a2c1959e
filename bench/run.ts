// The benchmark driver (`npm run bench`): the kit's full pipeline against a plain `yaml` stringify of the very same
// objects, each as a whole process, interleaved, for N = 10, 100, 1000, 3000 microservices; then the developer loop.
//   npm run bench [-- --quick] [--n 10,100] [--runs 5] [--runs-3000 5] [--no-loop] [--profile] [--tsx]
// Children are plain `node` processes running the kit as its package ships it (scripts/bundle-kit.ts: one bundle) and
// bench/ transpiled (TypeScript's transpileModule), built once per bench run; `--tsx` runs them with
// `node --import tsx` on the sources instead, which adds tsx's start-up and its loader thread's memory to both sides.
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { dirname, join, relative, resolve } from 'path';
import { performance } from 'perf_hooks';
import * as ts from 'typescript';
import { bundleKit } from '../scripts/bundle-kit';
import { summarizeProfile } from './profile-summary';

interface KitFigures {
  n: number; objects: number; bytes: number; loadMs: number; constructionMs: number; resolutionMs: number;
  validationMs: number; outputMs: number; loadedRssKiB: number; constructedRssKiB: number; maxRssKiB: number;
}
interface BaselineFigures {
  objects: number; bytes: number; loadMs: number; readMs: number; serializationMs: number; writeMs: number; maxRssKiB: number;
}
interface Run<T> { wallMs: number; figures: T; }

const ROOT = resolve(__dirname, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const sizes = option('--n')?.split(',').map(Number) ?? (quick ? [10] : [10, 100, 1000, 3000]);
const runs = Number(option('--runs') ?? 5);
const runs3000 = Number(option('--runs-3000') ?? runs);
const loop = !quick && !args.includes('--no-loop');
const profile = args.includes('--profile');
const useTsx = args.includes('--tsx');
const work = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-bench-'));
const BUILD = join(work, 'build');

try {
  main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

function main(): void {
  if (!useTsx) precompile();
  console.log(`cdk8s-patterns benchmark: node ${process.version}, children run with ` +
    `${useTsx ? '`node --import tsx`' : 'plain `node` on the kit bundled as its package ships it'}; ` +
    `${runs} interleaved kit/baseline pairs per N${sizes.includes(3000) && runs3000 !== runs ? ` (${runs3000} at N=3000)` : ''}, after one warm-up of each`);
  const ratios = new Map<number, number>();
  const kitWalls = new Map<number, number>();
  const kitInProcess = new Map<number, number>();
  for (const n of sizes) {
    const objectsJson = join(work, `objects-${n}.json`);
    // Warm-up (not counted): fills tsx's transform cache, writes the object set the baseline reads.
    runKit(n, ['--objects-json', objectsJson]);
    runBaseline(n, objectsJson);
    const kit: Run<KitFigures>[] = [];
    const baseline: Run<BaselineFigures>[] = [];
    const pairRatios: number[] = [];
    const hashes = new Set<string>();
    const count = n >= 3000 ? runs3000 : runs;
    for (let i = 0; i < count; i++) {
      // Alternate who goes first, so a neighbour's load burst does not always hit the same side.
      let k: Run<KitFigures>;
      let b: Run<BaselineFigures>;
      if (i % 2 === 0) {
        k = runKit(n);
        b = runBaseline(n, objectsJson);
      } else {
        b = runBaseline(n, objectsJson);
        k = runKit(n);
      }
      hashes.add(hashDirectory(join(work, `kit-${n}`)));
      kit.push(k);
      baseline.push(b);
      pairRatios.push(k.wallMs / b.wallMs);
    }
    const ratio = median(pairRatios);
    ratios.set(n, ratio);
    kitWalls.set(n, median(kit.map((r) => r.wallMs)));
    kitInProcess.set(n, median(kit.map((r) => inProcess(r.figures))));
    printSize(n, kit, baseline, ratio, hashes.size === 1);
  }
  if (kitWalls.has(1000) && kitWalls.has(3000)) {
    const exponent = (m: Map<number, number>) => Math.log(m.get(3000)! / m.get(1000)!) / Math.log(3);
    console.log(`scaling exponent N=1000→3000: ${exponent(kitInProcess).toFixed(3)} in-process ` +
      `(construction to written files), ${exponent(kitWalls).toFixed(3)} whole process`);
  }
  if (loop) developerLoop();
  if (profile) profileKit(1000);
  const last = ratios.has(1000) ? 1000 : sizes[sizes.length - 1];
  console.log(`kit/baseline at N=${last}: ${ratios.get(last)!.toFixed(2)}`);
}

function runKit(n: number, extra: string[] = []): Run<KitFigures> {
  return runChild<KitFigures>(['bench/kit-synth.ts', String(n), join(work, `kit-${n}`), ...extra]);
}

function runBaseline(n: number, objectsJson: string): Run<BaselineFigures> {
  return runChild<BaselineFigures>(['bench/baseline.ts', objectsJson, join(work, `baseline-${n}`)]);
}

function runChild<T>(childArgs: string[], nodeOptions: string[] = []): Run<T> {
  const [script, ...rest] = childArgs;
  const command = useTsx ? ['--import', 'tsx', script] : [join(BUILD, script.replace(/\.ts$/, '.js'))];
  const t = performance.now();
  const result = spawnSync(process.execPath, [...nodeOptions, ...command, ...rest], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24,
  });
  const wallMs = performance.now() - t;
  if (result.status !== 0) {
    throw new Error(`${childArgs.join(' ')} failed (${result.status ?? result.signal}):\n${result.stderr}`);
  }
  const lines = result.stdout.trim().split('\n');
  return { wallMs, figures: JSON.parse(lines[lines.length - 1]) as T };
}

/** Builds the kit as its package ships it (scripts/bundle-kit.ts) into BUILD, and transpiles bench/ beside it. */
function precompile(): void {
  bundleKit(BUILD);
  const compilerOptions: ts.CompilerOptions = {
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true,
  };
  for (const file of listFiles(join(ROOT, 'bench'))) {
    const target = join(BUILD, relative(ROOT, file));
    mkdirSync(dirname(target), { recursive: true });
    if (file.endsWith('.ts')) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: file });
      writeFileSync(target.replace(/\.ts$/, '.js'), outputText);
    } else {
      copyFileSync(file, target);
    }
  }
  // The work folder stands for the package's root, BUILD for its build/: generated/ (the schema validators, npm run
  // schemas) and node_modules/ (where their compiled-code cache is kept) are beside it.
  symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'generated'), join(work, 'generated'), 'dir');
}

function inProcess(f: KitFigures): number {
  return f.constructionMs + f.resolutionMs + f.validationMs + f.outputMs;
}

function printSize(n: number, kit: Run<KitFigures>[], baseline: Run<BaselineFigures>[], ratio: number, deterministic: boolean): void {
  const k = (pick: (f: KitFigures) => number) => median(kit.map((r) => pick(r.figures)));
  const b = (pick: (f: BaselineFigures) => number) => median(baseline.map((r) => pick(r.figures)));
  const kf = kit[0].figures;
  const bf = baseline[0].figures;
  console.log(`\nN=${n}: ${kf.objects} objects, kit ${mib(kf.bytes)} (${kf.bytes} bytes), baseline ${mib(bf.bytes)} (${bf.bytes} bytes)`);
  console.log(`  kit      wall ${ms(median(kit.map((r) => r.wallMs)))}  peak ${mib(k((f) => f.maxRssKiB) * 1024)}  ` +
    `[min ${ms(Math.min(...kit.map((r) => r.wallMs)))}, max ${ms(Math.max(...kit.map((r) => r.wallMs)))}]`);
  console.log(`  baseline wall ${ms(median(baseline.map((r) => r.wallMs)))}  peak ${mib(b((f) => f.maxRssKiB) * 1024)}  ` +
    `[min ${ms(Math.min(...baseline.map((r) => r.wallMs)))}, max ${ms(Math.max(...baseline.map((r) => r.wallMs)))}]`);
  console.log(`  kit/baseline ${ratio.toFixed(2)} (median of ${kit.length} interleaved pairs' ratios)`);
  console.log(`  kit phases: load ${ms(k((f) => f.loadMs))}, construction ${ms(k((f) => f.constructionMs))}, ` +
    `resolution ${ms(k((f) => f.resolutionMs))}, validation ${ms(k((f) => f.validationMs))}, ` +
    `serialization + write ${ms(k((f) => f.outputMs))}`);
  console.log(`  kit memory: ${mib(k((f) => f.loadedRssKiB) * 1024)} once loaded, ` +
    `${mib(k((f) => f.constructedRssKiB) * 1024)} by the end of construction (before synthesis), ${mib(k((f) => f.maxRssKiB) * 1024)} at the peak`);
  console.log(`  baseline phases: load ${ms(b((f) => f.loadMs))}, JSON read ${ms(b((f) => f.readMs))}, ` +
    `serialization ${ms(b((f) => f.serializationMs))}, write ${ms(b((f) => f.writeMs))}`);
  console.log(`  kit output byte-identical across runs: ${deterministic ? 'yes' : 'NO'}`);
}

/** `npm run synth` and `npx cdk8s synth` for the reference platforms, writing to temp dirs (dist/ untouched). */
function developerLoop(): void {
  const time = (command: string, commandArgs: string[], env: Record<string, string>) => {
    const walls: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const result = spawnSync(command, commandArgs, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
      walls.push(performance.now() - t);
      if (result.status !== 0) throw new Error(`${command} ${commandArgs.join(' ')} failed:\n${result.stdout}${result.stderr}`);
    }
    return walls;
  };
  const npmOut = join(work, 'npm-synth');
  const cliOut = join(work, 'cdk8s-synth');
  const npm = time('npm', ['run', '--silent', 'synth'], { CDK8S_OUTDIR: npmOut });
  // `cdk8s synth` deletes its output dir first, so it gets its own temp dir.
  const cli = time('npx', ['cdk8s', 'synth', '--output', cliOut, '--check-upgrade=false'], {});
  console.log(`\ndeveloper loop (reference platforms, median of 3, output to temp dirs):`);
  console.log(`  npm run synth    ${ms(median(npm))}  [${npm.map(ms).join(', ')}]  ${countObjects(npmOut)} objects`);
  console.log(`  npx cdk8s synth  ${ms(median(cli))}  [${cli.map(ms).join(', ')}]  ${countObjects(cliOut)} objects`);
}

function profileKit(n: number): void {
  const dir = join(work, 'profile');
  runChild<KitFigures>(['bench/kit-synth.ts', String(n), join(work, `kit-profile-${n}`)], ['--cpu-prof', '--cpu-prof-dir', dir]);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
  console.log(`\nCPU profile of the kit at N=${n} (self time):`);
  for (const line of summarizeProfile(join(dir, file), 15)) console.log(`  ${line}`);
}

function countObjects(dir: string): number {
  return listFiles(dir).reduce((sum, f) => sum + (readFileSync(f, 'utf8').match(/^kind: /gm)?.length ?? 0), 0);
}

function hashDirectory(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) hash.update(file.slice(dir.length)).update(readFileSync(file));
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function ms(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
