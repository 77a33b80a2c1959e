// The construct tree to charts of resolved objects in apply order, and the validation of the whole object set.
import { performance } from 'perf_hooks';
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { Platform } from '../platform';
import { droppedEdits } from '../validation/dropped-edits';
import { ownAnnotationsOf } from '../validation/ingress-annotations';
import { ValidationInput, ValidationReport } from '../validation/finding';
import { findingLines } from '../validation/report';
import { annotateWaivedObjects, Validation } from '../validation/rule';
import type { SchemaChecks } from '../validation/schema-check';
import { validateObjects } from '../validation/validate';
import { applyOrder, compareOrder } from './apply-order';
import { resolveObject } from './plain-resolution';
import { SynthesisError } from './synthesis-error';
import { SynthesisMarks } from './synthesis-marks';

/** One synthesized chart. */
export interface SynthesizedChart {
  readonly chart: Chart;
  /** Path of its YAML file, relative to the outdir. */
  readonly file: string;
  /** Its objects in apply order. */
  readonly objects: readonly Record<string, any>[];
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
export type ObjectSink = (chart: SynthesizedChart['file'], object: Record<string, any>, constructPath: string) => void;

/** The charts of an app, resolved; the object set is validated when `validate` is called. */
export interface ResolvedCharts {
  readonly charts: SynthesizedChart[];
  /** False when what the sink received is out of apply order (see `resolveCharts`). */
  readonly inOrder: boolean;
  readonly validate: (schemaCheckedElsewhere?: () => SchemaChecks | undefined) => ValidationReport;
}

/**
 * Runs the construct validations and resolves every chart, handing each object to `sink` as soon as it is resolved;
 * the object set is validated when `validate` is called (given the schema check of the objects when it ran
 * elsewhere). `inOrder` is false when an object's JSON patches changed its kind, namespace or name so that it moved
 * in apply order: what the sink received is then out of order.
 */
export function resolveCharts(app: App, sink?: ObjectSink): ResolvedCharts {
  const problems: string[] = [];
  for (const construct of app.node.findAll()) {
    for (const message of construct.node.validate()) problems.push(`[${construct.node.path}] ${message}`);
  }
  if (problems.length) throw new SynthesisError(problems);
  performance.mark(SynthesisMarks.CONSTRUCTS_VALIDATED);
  const policy = Validation.collect(app);
  annotateWaivedObjects(app, policy.waivers);
  let inOrder = true;
  const resolved = chartFiles(app).map(({ chart, file }) => {
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
    const object = resolveObject(o);
    const constructPath = o.node.path;
    onResolved?.(object, constructPath);
    const input: ValidationInput = { object, constructPath, cluster, droppedEdits: droppedEdits(o, object), ownAnnotations: ownAnnotationsOf(o) };
    return { input, order: applyOrder(object.kind, object.metadata?.namespace, object.metadata?.name) };
  });
  const sorted = inputs.every((entry, i) => i === 0 || compareOrder(inputs[i - 1].order, entry.order) <= 0);
  if (!sorted) inputs.sort((a, b) => compareOrder(a.order, b.order));
  return { inputs: inputs.map((i) => i.input), sorted };
}

/**
 * Every chart of the app with the file its objects go to. Two charts with one file (two Platforms of one name and
 * environment, or files differing only in case, as they would on macOS or Windows) are refused, naming both.
 */
function chartFiles(app: App): { chart: Chart; file: string }[] {
  const charts = app.node.findAll().filter((c): c is Chart => Chart.isChart(c)).map((chart) => ({ chart, file: outputFile(chart) }));
  const byFile = new Map<string, Chart>();
  const problems: string[] = [];
  for (const { chart, file } of charts) {
    const other = byFile.get(file.toLowerCase());
    if (other) problems.push(`[${chart.node.path}] would write ${file}, as [${other.node.path}] does: give each Platform its own name or environment (each chart its own id)`);
    byFile.set(file.toLowerCase(), chart);
  }
  if (problems.length) throw new SynthesisError(problems);
  return charts;
}

function outputFile(chart: IConstruct): string {
  if (Platform.isPlatform(chart)) return `${chart.platformName}/${chart.environment.name}.k8s.yaml`;
  return `${chart.node.id}.k8s.yaml`;
}
