// What a GitOps controller syncs: one platform environment, its folder in the repository and its namespace.
import { PatternError } from '../errors';
import { Platform } from '../platform';
import { SynthesizedChart } from '../synthesis';

/** One platform environment as a GitOps controller sees it. */
export interface GitOpsTarget {
  /** `<platform>-<environment>`: the name of its Application / Kustomization. */
  readonly name: string;
  /** The construct path of its chart, for error messages. */
  readonly constructPath: string;
  /** Its folder relative to the outdir, e.g. `blog/production`. */
  readonly folder: string;
  /** Its folder relative to the repository root, e.g. `dist/blog/production`. */
  readonly repositoryPath: string;
  /** The namespace its objects go to. */
  readonly namespace: string;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The folder a chart's objects go to in the GitOps layouts: its file's path without `.k8s.yaml`. */
export function chartFolder(chart: SynthesizedChart): string {
  return chart.file.replace(/\.k8s\.yaml$/, '');
}

/** The target of a Platform chart; undefined for other charts (they have no platform namespace to sync into). */
export function gitOpsTarget(chart: SynthesizedChart, repositoryPath: string): GitOpsTarget | undefined {
  if (!Platform.isPlatform(chart.chart)) return undefined;
  const platform = chart.chart;
  const name = `${platform.platformName}-${platform.environment.name}`;
  if (name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw PatternError.invalidProp(platform, 'GitOps name', name, 'must be a DNS subdomain (lowercase letters, digits, - and ., at most 253 characters): rename the platform or environment');
  }
  const folder = chartFolder(chart);
  return {
    name,
    constructPath: platform.node.path,
    folder,
    repositoryPath: repositoryPath ? `${repositoryPath}/${folder}` : folder,
    namespace: platform.namespaceName,
  };
}

/** The repository path of the outdir without `./` or trailing `/`; `.`/empty for the repository root. */
export function normalizeRepositoryPath(path: string): string {
  const normalized = path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  if (normalized.startsWith('/') || normalized.split('/').includes('..')) {
    throw PatternError.invalidProp('gitops', 'repositoryPath', path, 'must be relative to the repository root, without ".." (e.g. "dist")');
  }
  return normalized === '.' ? '' : normalized;
}
