// What the testing helpers accept: a chart, an app or already synthesized objects, turned into plain objects.
import { App, Chart } from 'cdk8s';
import { chartObjects } from '../synthesis';

/** A synthesized Kubernetes object, loosely typed for assertions. */
export type ManifestObject = Record<string, any>;

/** What the matchers and `findResource` read: a Chart, an App (every chart in it) or synthesized objects. */
export type ManifestSource = Chart | App | readonly ManifestObject[];

/** The objects of a chart, an app or an array, in apply order for charts. */
export function objectsOf(source: ManifestSource): readonly ManifestObject[] {
  if (Array.isArray(source)) return source;
  if (Chart.isChart(source)) return chartObjects(source);
  if (source instanceof App) return source.charts.flatMap((chart) => chartObjects(chart));
  throw new TypeError(`expected a cdk8s Chart, App or an array of objects, received ${describeSource(source)}`);
}

/** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects: how the helpers name an object. */
export function describeObject(object: ManifestObject): string {
  const namespace = object.metadata?.namespace;
  return namespace ? `${object.kind}/${namespace}/${object.metadata?.name}` : `${object.kind}/${object.metadata?.name}`;
}

function describeSource(source: unknown): string {
  if (source === null) return 'null';
  if (typeof source === 'object') return source.constructor?.name ?? 'object';
  return typeof source;
}
