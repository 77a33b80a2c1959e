// Benchmark baseline child: reads the very object set the kit emitted (as JSON) and writes it as YAML with the
// `yaml` package's `stringify`, default options, one document per object: what "merely writing the YAML with the
// common library" costs. Prints one JSON line of figures.
//   node --import tsx bench/baseline.ts <objects.json> <outdir>
import { readFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { stringify } from 'yaml';
import { writeFiles } from './write-files';

const started = performance.now();
const [input, outdir] = process.argv.slice(2);
if (!input || !outdir) throw new Error('usage: baseline.ts <objects.json> <outdir>');

const t0 = performance.now();
const charts = JSON.parse(readFileSync(input, 'utf8')) as { file: string; objects: unknown[] }[];
const t1 = performance.now();
const files = charts.map(({ file, objects }) => ({ file, yaml: objects.map((o) => stringify(o)).join('---\n') }));
const t2 = performance.now();
const bytes = writeFiles(outdir, files);
const t3 = performance.now();
const objects = charts.reduce((sum, c) => sum + c.objects.length, 0);
process.stdout.write(`${JSON.stringify({
  objects,
  bytes,
  loadMs: round(started),
  readMs: round(t1 - t0),
  serializationMs: round(t2 - t1),
  writeMs: round(t3 - t2),
  maxRssKiB: process.resourceUsage().maxRSS,
})}\n`);

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
