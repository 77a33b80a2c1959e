// synthesize(): the construct tree to validated, deterministic YAML files, written all at once or not at all.
import { mkdirSync, rmSync } from 'fs';
import { dirname, join } from 'path';
import { performance } from 'perf_hooks';
import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { findingLines } from '../validation/report';
import { collectWarnings } from '../warnings';
import { BackgroundYamlWriter } from './background-yaml-writer';
import { checkedOutdir } from './outdir-checks';
import { OutputFile, stagedFiles, writeContent, yamlPerChart } from './output-files';
import { createStaging, recoverOutput, replaceOutput } from './output-folder';
import { lockOutput } from './output-lock';
import { resolveCharts, SynthesizedChart } from './resolve-charts';
import { SynthesisError } from './synthesis-error';
import { SynthesisMarks } from './synthesis-marks';
import { YamlDocuments } from './yaml-documents';

/** Objects from which the YAML writer thread pays for its start-up, unless `writerThread` says otherwise. */
const WRITER_THREAD_MIN_OBJECTS = 3000;

/** Options of `synthesize`. */
export interface SynthesizeOptions {
  /**
   * Where the YAML goes; replaced as a whole only when everything succeeded.
   * @default - the app's `outdir`: its `outdir` prop, else `CDK8S_OUTDIR` (set by `cdk8s synth`), else 'dist'
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
   * Serialize `yamlDocuments` files on a worker thread while the object set is validated: `true` always, `false`
   * never. The output is the same either way; where a worker cannot load the kit (its TypeScript source run without
   * tsx, or a broken install), the files are written on the calling thread and `warn` is told why (a note on the
   * run, not on the platform: `strictWarnings` does not count it).
   * @default - on a worker thread when the app holds at least 3000 objects. Below that, the thread's start-up
   * and its second copy of the cold code (js-yaml and the validators compiled again in its own isolate) cost more than
   * it saves, and it adds ~20-50 MiB: measured on 2 cores, alternating runs of the bench app without it against with
   * it, 709 objects 14 % quicker, 2109 objects 6 %, 2809 objects 2 %, 3509 objects 5 % slower, 7009 objects 11 % slower
   */
  readonly writerThread?: boolean;
}

/**
 * Synthesizes the app into `outdir`: YAML into a staging folder that replaces `outdir` only when everything
 * succeeded (validation included), so a failed synth leaves the previous output untouched, and a kill at any moment
 * leaves the old or the new output complete (docs/adr/0003-output-folder-replacement.md). Synths of one outdir run
 * one at a time. While the object set is validated, the YAML files are already being written on a worker thread
 * (see `writerThread`).
 */
export function synthesize(app: App, options: SynthesizeOptions = {}): SynthesizedChart[] {
  const outdir = checkedOutdir(options.outdir ?? app?.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist');
  mkdirSync(dirname(outdir), { recursive: true });
  const unlock = lockOutput(outdir);
  try {
    recoverOutput(outdir);
    const staging = createStaging(outdir);
    try {
      const charts = writeStaging(app, options, staging);
      replaceOutput(staging, outdir);
      return charts;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  } finally {
    unlock();
  }
}

/** Resolves, validates and writes the app into the staging folder. */
function writeStaging(app: App, options: SynthesizeOptions, staging: string): SynthesizedChart[] {
  // With the default layout the files are known up front: each chart's YAML is written, on a worker thread, while
  // the charts are still being resolved and then validated.
  const threaded = options.writerThread ?? holdsAtLeast(app, WRITER_THREAD_MIN_OBJECTS);
  let writer = !options.layout && threaded ? BackgroundYamlWriter.start() : undefined;
  try {
    const folders = new Set<string>([staging]);
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
    const files = stagedFiles(staging, (options.layout ?? yamlPerChart)(charts));

    // The thread schema-checks the objects as it writes them; validation asks for its results last.
    const report = validate(writer && (() => writer!.schemaChecks()));
    if (report.errors.length) throw new SynthesisError(findingLines(report.errors), report);
    const warnings = [...collectWarnings(app), ...findingLines(report.warnings)];
    warnings.forEach((w) => (options.warn ?? console.warn)(`warning: ${w}`));
    if (options.strictWarnings && warnings.length) throw new SynthesisError(warnings);

    files.forEach((file) => writer?.create(folderOf(file.path)));
    const written = writer?.finish() ?? false;
    if (writer?.unavailableReason !== undefined) {
      (options.warn ?? console.warn)(`warning: the YAML writer thread could not start (${writer.unavailableReason}): the files were written on this thread`);
    }
    for (const file of files) {
      if (written && file.content instanceof YamlDocuments) continue;
      writeContent(folderOf(file.path), file.content);
    }
    performance.mark(SynthesisMarks.WRITTEN);
    return charts;
  } finally {
    writer?.abandon();
  }
}

/** Whether the app holds at least `count` ApiObjects; the walk stops as soon as it has found them. */
function holdsAtLeast(app: App, count: number): boolean {
  let found = 0;
  const stack: IConstruct[] = [app];
  while (stack.length > 0) {
    const construct = stack.pop()!;
    if (construct instanceof ApiObject && ++found >= count) return true;
    stack.push(...construct.node.children);
  }
  return false;
}
