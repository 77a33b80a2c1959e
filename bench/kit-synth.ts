// Benchmark child: builds a platform of N ResilientMicroservices and synthesizes it through the kit's full pipeline
// (construction, validation + resolution in synthesizeCharts, toYaml, write). Prints one JSON line of figures.
//   node --import tsx bench/kit-synth.ts <N> <outdir> [--objects-json <file>]
import { writeFileSync } from 'fs';
import { performance } from 'perf_hooks';
import { App } from 'cdk8s';
import { Node } from 'constructs';
import { Environment, Platform, ResilientMicroservice, synthesizeCharts, toYaml } from '../lib';
import { writeFiles } from './write-files';

const started = performance.now();
const n = Number(process.argv[2]);
const outdir = process.argv[3];
const jsonIndex = process.argv.indexOf('--objects-json');
const objectsJson = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;
if (!Number.isInteger(n) || n < 1 || !outdir) {
  throw new Error('usage: kit-synth.ts <N> <outdir> [--objects-json <file>]');
}

// Validation runs inside synthesizeCharts; the time spent in construct validations is summed here so that the
// phase split can tell it apart from resolution (toJson of every object).
let validationMs = 0;
const validate = Node.prototype.validate;
Node.prototype.validate = function timedValidate(this: Node): string[] {
  const t = performance.now();
  try {
    return validate.call(this);
  } finally {
    validationMs += performance.now() - t;
  }
};

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
const charts = synthesizeCharts(app);
const t2 = performance.now();
const files = charts.map(({ file, objects }) => ({ file, yaml: toYaml(objects) }));
const t3 = performance.now();
const bytes = writeFiles(outdir, files);
const t4 = performance.now();
if (objectsJson) {
  writeFileSync(objectsJson, JSON.stringify(charts.map(({ file, objects }) => ({ file, objects }))));
}

const objects = charts.reduce((sum, c) => sum + c.objects.length, 0);
process.stdout.write(`${JSON.stringify({
  n,
  objects,
  bytes,
  loadMs: round(started),
  constructionMs: round(t1 - t0),
  validationMs: round(validationMs),
  resolutionMs: round(t2 - t1 - validationMs),
  serializationMs: round(t3 - t2),
  writeMs: round(t4 - t3),
  maxRssKiB: process.resourceUsage().maxRSS,
})}\n`);

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
