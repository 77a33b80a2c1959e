// Synthesis: the construct tree to validated, deterministic YAML files, written all at once or not at all.
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync } from 'fs';
import { dirname, isAbsolute, join, relative, resolve } from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Platform } from './platform';
import { shortenStack } from './private/concise-stack';
import { BackgroundYamlWriter } from './private/background-yaml-writer';
import { writeText } from './private/write-text';
import { yamlDocument } from './private/yaml11-safe-schema';
import { droppedEdits } from './validation/dropped-edits';
import { findingLines, formatReport } from './validation/report';
import { annotateWaivedObjects, Validation } from './validation/rule';
import { ValidationInput, ValidationReport } from './validation/finding';
import type { SchemaChecks } from './validation/schema-check';
import { validateObjects } from './validation/validate';
import { collectWarnings } from './warnings';

/** Options of `synthesize`. */
export interface SynthesizeOptions {
  /**
   * Where the YAML goes; replaced as a whole only when everything succeeded.
   * @default - `CDK8S_OUTDIR` (set by `cdk8s synth`), else 'dist'
   */
  readonly outdir?: string;
  /**
   * Fail on warnings as on errors.
   * @default false
   */
  readonly strictWarnings?: boolean;
  /**
   * Where warnings are printed.
   * @default console.warn
   */
  readonly warn?: (line: string) => void;
  /**
   * How the charts become files, e.g. `gitOpsLayout({ layout: 'per-object', argoCd: {...} })` from the GitOps
   * module. Paths are relative to `outdir`.
   * @default - one multi-document YAML file per chart: `<platform>/<environment>.k8s.yaml`
   */
  readonly layout?: (charts: readonly SynthesizedChart[]) => readonly OutputFile[];
  /**
   * Serialize `yamlDocuments` files on a worker thread while the object set is validated. The output is the same
   * either way; where a worker cannot load the kit (its TypeScript source run without tsx, as under Jest), the
   * files are written on the calling thread.
   * @default true
   */
  readonly writerThread?: boolean;
}

/** One file of the output. */
export interface OutputFile {
  /** Relative to the outdir, with `/` separators. */
  readonly path: string;
  /**
   * The whole text, or its pieces in order, produced while the file is written (e.g. `yamlDocuments(objects)`),
   * so that a large file never has to be held in memory as one string.
   */
  readonly content: string | Iterable<string>;
}

/**
 * The User Timing marks (`performance.mark`) `synthesize` records as it goes, for profilers and the benchmark:
 * construct validations done, every object resolved, the object set validated, every file written.
 */
export const SynthesisMarks = {
  CONSTRUCTS_VALIDATED: 'cdk8s-patterns:constructs-validated',
  RESOLVED: 'cdk8s-patterns:resolved',
  VALIDATED: 'cdk8s-patterns:validated',
  WRITTEN: 'cdk8s-patterns:written',
} as const;

/** One synthesized chart. */
export interface SynthesizedChart {
  readonly chart: Chart;
  /** Path of its YAML file, relative to the outdir. */
  readonly file: string;
  /** Its objects in apply order. */
  readonly objects: readonly Record<string, any>[];
}

/** Raised when synthesis finds problems; lists them all, each with its construct path. */
export class SynthesisError extends Error {
  /** Every problem on one line, `[construct path] …`. */
  declare public readonly problems: readonly string[];
  /** The validation report, when validation found the problems; its findings are grouped by construct path. */
  declare public readonly report?: ValidationReport;

  constructor(problems: readonly string[], report?: ValidationReport) {
    super(report
      ? `Synthesis failed; nothing was written. ${formatReport(report)}`
      : `Synthesis failed with ${problems.length} problem(s); nothing was written:\n  ${problems.join('\n  ')}`);
    this.name = 'SynthesisError';
    // Not enumerable, so that Node printing an uncaught one shows the report once, not three times.
    Object.defineProperties(this, { problems: { value: problems }, report: { value: report } });
    shortenStack(this);
  }
}

/** The order objects are applied in: what others depend on comes first. */
const KIND_ORDER = [
  'Namespace', 'CustomResourceDefinition', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'ServiceAccount',
  'Secret', 'ConfigMap', 'PersistentVolumeClaim', 'Service', 'Deployment', 'StatefulSet', 'CronJob', 'Job',
  'HorizontalPodAutoscaler', 'VerticalPodAutoscaler', 'PodDisruptionBudget', 'Ingress',
];

/** A kind's place in apply order (0 first); kinds the list does not name come last, all with the same rank. */
export function applyOrderRank(kind: string): number {
  const index = KIND_ORDER.indexOf(kind);
  return index < 0 ? KIND_ORDER.length : index;
}

/**
 * Resolves every chart of the app to objects, after running every construct validation of the tree, then
 * validates the complete object set (schema, references, policy, user rules). Throws a SynthesisError listing
 * every error, grouped by construct path; warnings do not throw (see `validateApp` and `synthesize`).
 */
export function synthesizeCharts(app: App): SynthesizedChart[] {
  const { charts, report } = resolveApp(app);
  if (report.errors.length) throw new SynthesisError(findingLines(report.errors), report);
  return charts;
}

/** The charts of the app and the validation report over all their objects, without throwing on findings. */
export function validateApp(app: App): { charts: SynthesizedChart[]; report: ValidationReport } {
  return resolveApp(app);
}

function resolveApp(app: App): { charts: SynthesizedChart[]; report: ValidationReport } {
  const resolved = resolveCharts(app);
  return { charts: resolved.charts, report: resolved.validate() };
}

/** Receives each chart's objects in apply order as they are resolved, each with its ApiObject's construct path. */
type ObjectSink = (chart: SynthesizedChart['file'], object: Record<string, any>, constructPath: string) => void;

/**
 * Runs the construct validations and resolves every chart, handing each object to `sink` as soon as it is resolved;
 * the object set is validated when `validate` is called (given the schema check of the objects when it ran
 * elsewhere). `inOrder` is false when an object's JSON patches changed its kind, namespace or name so that it moved
 * in apply order: what the sink received is then out of order.
 */
function resolveCharts(app: App, sink?: ObjectSink): {
  charts: SynthesizedChart[]; inOrder: boolean; validate: (schemaCheckedElsewhere?: () => SchemaChecks | undefined) => ValidationReport;
} {
  const problems: string[] = [];
  for (const construct of app.node.findAll()) {
    for (const message of construct.node.validate()) problems.push(`[${construct.node.path}] ${message}`);
  }
  if (problems.length) throw new SynthesisError(problems);
  performance.mark(SynthesisMarks.CONSTRUCTS_VALIDATED);
  const policy = Validation.collect(app);
  annotateWaivedObjects(app, policy.waivers);
  let inOrder = true;
  const resolved = app.node.findAll().filter((c): c is Chart => Chart.isChart(c)).map((chart) => {
    const file = outputFile(chart);
    const { inputs, sorted } = chartInputs(chart, sink && ((object, constructPath) => sink(file, object, constructPath)));
    inOrder = inOrder && sorted;
    return { chart, file, inputs };
  });
  performance.mark(SynthesisMarks.RESOLVED);
  return {
    charts: resolved.map(({ chart, file, inputs }) => ({ chart, file, objects: inputs.map((i) => i.object) })),
    inOrder,
    validate: (schemaCheckedElsewhere) => {
      const report = validateObjects(resolved.flatMap((r) => r.inputs), policy, schemaCheckedElsewhere);
      performance.mark(SynthesisMarks.VALIDATED);
      return report;
    },
  };
}

/** A chart's objects, resolved and in apply order (kind, then namespace and name). */
export function chartObjects(chart: Chart): Record<string, any>[] {
  return chartInputs(chart).inputs.map((i) => i.object);
}

/**
 * A chart's objects in apply order, each with the construct path of its ApiObject (what validation reports). They
 * are resolved in the order their kind and name give before resolution, each handed to `onResolved` at once; only
 * a JSON patch that changes a kind, namespace or name can move an object, and then `sorted` is false.
 */
function chartInputs(chart: Chart, onResolved?: (object: Record<string, any>, constructPath: string) => void): { inputs: ValidationInput[]; sorted: boolean } {
  // One environment is one cluster: the same platform in staging and production never sees the other's objects.
  const cluster = Platform.isPlatform(chart) ? chart.environment.name : '';
  const planned = chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart)
    .map((o) => ({ o, order: applyOrder(o.kind, o.metadata.namespace, o.name) }))
    .sort((a, b) => compareOrder(a.order, b.order));
  const inputs = planned.map(({ o }) => {
    const object = o.toJson() as Record<string, any>;
    const constructPath = o.node.path;
    onResolved?.(object, constructPath);
    const input: ValidationInput = { object, constructPath, cluster, droppedEdits: droppedEdits(o, object) };
    return { input, order: applyOrder(object.kind, object.metadata?.namespace, object.metadata?.name) };
  });
  const sorted = inputs.every((entry, i) => i === 0 || compareOrder(inputs[i - 1].order, entry.order) <= 0);
  if (!sorted) inputs.sort((a, b) => compareOrder(a.order, b.order));
  return { inputs: inputs.map((i) => i.input), sorted };
}

/** Sort keys of apply order, computed once per object: kind rank, then kind/namespace/name. */
function applyOrder(kind: string, namespace: string | undefined, name: string | undefined): { rank: number; key: string } {
  return { rank: applyOrderRank(kind), key: `${kind}/${namespace ?? ''}/${name ?? ''}` };
}

function compareOrder(a: { rank: number; key: string }, b: { rank: number; key: string }): number {
  return a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Serializes objects as a multi-document YAML stream. Strings YAML 1.1 would misread (`on`, `0755`) are quoted. */
export function toYaml(objects: readonly unknown[]): string {
  return [...yamlDocuments(objects)].join('');
}

/**
 * The same YAML stream as `toYaml`, a document at a time (each after the first starts with its `---` line): what
 * `OutputFile.content` takes, so a file is written without ever being held whole, and, by `synthesize`, on a
 * worker thread.
 */
export function yamlDocuments(objects: readonly unknown[]): YamlDocuments {
  return new YamlDocuments(objects);
}

/** The YAML documents of objects, serialized one by one as they are iterated. */
export class YamlDocuments implements Iterable<string> {
  constructor(public readonly objects: readonly unknown[]) {}

  public *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.objects.length; i++) {
      yield yamlDocument(this.objects[i], i === 0);
    }
  }
}

/** The default layout: one multi-document YAML file per chart (see `SynthesizeOptions.layout`). */
export function yamlPerChart(charts: readonly SynthesizedChart[]): OutputFile[] {
  return charts.map((c) => ({ path: c.file, content: yamlDocuments(c.objects) }));
}

/**
 * Synthesizes the app into `outdir`: YAML into a temporary folder that replaces `outdir` only when everything
 * succeeded (validation included), so a failed synth leaves the previous output untouched. While the object set is
 * validated, the YAML files are already being written on a worker thread (see `writerThread`).
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizedChart[] {
  const outdir = resolve(options.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  const staging = `${outdir}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  // With the default layout the files are known up front: each chart's YAML is written, on a worker thread, while
  // the charts are still being resolved and then validated.
  let writer = !options.layout && options.writerThread !== false ? BackgroundYamlWriter.start() : undefined;
  try {
    const folders = new Set<string>();
    const folderOf = (path: string) => {
      if (!folders.has(dirname(path))) mkdirSync(dirname(path), { recursive: true });
      folders.add(dirname(path));
      return path;
    };
    const { charts, inOrder, validate } = resolveCharts(app,
      writer && ((file, object, constructPath) => writer!.append(folderOf(join(staging, file)), object, constructPath)));
    if (writer && !inOrder) {
      writer.abandon(); // a JSON patch moved an object: the streamed files are out of order, write them here
      writer = undefined;
    }
    const files = (options.layout ?? yamlPerChart)(charts).map((file) => ({ ...file, path: stagedPath(staging, file.path) }));

    // The thread schema-checks the objects as it writes them; validation asks for its results last.
    const report = validate(writer && (() => writer!.schemaChecks()));
    if (report.errors.length) throw new SynthesisError(findingLines(report.errors), report);
    const warnings = [...collectWarnings(app), ...findingLines(report.warnings)];
    warnings.forEach((w) => (options.warn ?? console.warn)(`warning: ${w}`));
    if (options.strictWarnings && warnings.length) throw new SynthesisError(warnings);

    files.forEach((file) => writer?.create(folderOf(file.path)));
    const written = writer?.finish() ?? false;
    for (const file of files) {
      if (written && file.content instanceof YamlDocuments) continue;
      writeContent(folderOf(file.path), file.content);
    }
    performance.mark(SynthesisMarks.WRITTEN);
    replaceDirectory(staging, outdir);
    return charts;
  } finally {
    writer?.abandon();
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Where a layout's file goes in the staging folder; a path that would leave it is refused. */
function stagedPath(staging: string, path: string): string {
  const staged = join(staging, path);
  if (isAbsolute(path) || relative(staging, staged).startsWith('..')) {
    throw new SynthesisError([`layout: file path ${JSON.stringify(path)} leaves the output folder: use a relative path below it`]);
  }
  return staged;
}

/** Pieces are gathered into writes of about this many characters: few system calls, little held at once. */
const WRITE_CHUNK = 1 << 18;

function writeContent(path: string, content: string | Iterable<string>): void {
  if (typeof content === 'string') {
    writeFileSync(path, content);
    return;
  }
  const fd = openSync(path, 'w');
  try {
    let pending = '';
    for (const piece of content) {
      pending += piece;
      if (pending.length >= WRITE_CHUNK) {
        writeText(fd, pending);
        pending = '';
      }
    }
    writeText(fd, pending);
  } finally {
    closeSync(fd);
  }
}


function replaceDirectory(source: string, target: string): void {
  const previous = `${target}.previous-${process.pid}`;
  rmSync(previous, { recursive: true, force: true });
  try {
    renameSync(target, previous);
  } catch {
    // no previous output
  }
  renameSync(source, target);
  rmSync(previous, { recursive: true, force: true });
}

function outputFile(chart: IConstruct): string {
  if (Platform.isPlatform(chart)) return `${chart.platformName}/${chart.environment.name}.k8s.yaml`;
  return `${chart.node.id}.k8s.yaml`;
}
