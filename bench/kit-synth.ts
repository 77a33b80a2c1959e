// Benchmark child: builds a platform of N ResilientMicroservices and synthesizes it with the kit's own
// `synthesize()` (construct validations, resolution, validation of the object set, YAML written document by document
// into a staging folder renamed into place). Prints one JSON line of figures; the phases come from the User Timing
// marks `synthesize` records (SynthesisMarks); memory is the resident set after loading the kit, the peak up to the end
// of construction (the construct tree, before synthesis starts) and the peak of the whole run.
//   node --import tsx bench/kit-synth.ts <N> <outdir> [--objects-json <file>]
import { readdirSync, statSync, writeFileSync } from 'fs';
import { join } from 'path';
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { Environment, Platform, ResilientMicroservice, synthesize } from '../lib';
import { SynthesisMarks } from '../lib/synthesis';

const started = performance.now();
const n = Number(process.argv[2]);
const outdir = process.argv[3];
const jsonIndex = process.argv.indexOf('--objects-json');
const objectsJson = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;
if (!Number.isInteger(n) || n < 1 || !outdir) {
  throw new Error('usage: kit-synth.ts <N> <outdir> [--objects-json <file>]');
}

const loadedRssKiB = Math.round(process.memoryUsage.rss() / 1024);
const t0 = performance.now();
const app = new App({ outdir });
const platform = new Platform(app, 'bench', { name: 'bench', namespace: 'bench', environment: Environment.PRODUCTION });
let previous: ResilientMicroservice | undefined;
for (let i = 0; i < n; i++) {
  const name = `svc-${String(i).padStart(4, '0')}`;
  const service = new ResilientMicroservice(platform, name, {
    image: `registry.example.com/bench/${name}:1.${i % 10}.0`,
    port: 8080,
    config: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'on', MAX_CONNECTIONS: 100 + i, CACHE_TTL: '0755' },
    secretEnv: { DATABASE_PASSWORD: { secretName: `${name}-db`, key: 'password' } },
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
  });
  if (previous) service.connectTo(previous);
  previous = service;
}
const t1 = performance.now();
const constructedRssKiB = process.resourceUsage().maxRSS;
const charts = synthesize(app, { outdir, warn: () => undefined });
const maxRssKiB = process.resourceUsage().maxRSS;
const mark = (name: string) => performance.getEntriesByName(name, 'mark')[0].startTime;
if (objectsJson) {
  writeFileSync(objectsJson, JSON.stringify(charts.map(({ file, objects }) => ({ file, objects }))));
}

process.stdout.write(`${JSON.stringify({
  n,
  objects: charts.reduce((sum, c) => sum + c.objects.length, 0),
  bytes: folderBytes(outdir),
  loadMs: round(started),
  constructionMs: round(t1 - t0),
  resolutionMs: round(mark(SynthesisMarks.RESOLVED) - mark(SynthesisMarks.CONSTRUCTS_VALIDATED)),
  validationMs: round(mark(SynthesisMarks.CONSTRUCTS_VALIDATED) - t1 + mark(SynthesisMarks.VALIDATED) - mark(SynthesisMarks.RESOLVED)),
  outputMs: round(mark(SynthesisMarks.WRITTEN) - mark(SynthesisMarks.VALIDATED)),
  loadedRssKiB,
  constructedRssKiB,
  maxRssKiB,
})}\n`);

function folderBytes(folder: string): number {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((entry) => statSync(join(folder, entry)))
    .reduce((sum, stat) => sum + (stat.isFile() ? stat.size : 0), 0);
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
