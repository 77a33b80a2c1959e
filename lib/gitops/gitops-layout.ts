// GitOps output: a folder per platform environment with a kustomization.yaml, and the Argo CD / Flux objects
// that point at those folders, for `synthesize(app, { layout: gitOpsLayout({...}) })`.
import { PatternError } from '../errors';
import { applyOrderRank, OutputFile, SynthesizedChart, toYaml } from '../synthesis';
import { argoCdApplication, ArgoCdOptions } from './argo-cd-application';
import { fluxKustomization, FluxOptions } from './flux-kustomization';
import { chartFolder, GitOpsTarget, gitOpsTarget, normalizeRepositoryPath } from './gitops-target';
import { kustomizationFile } from './kustomization-file';

/** How each platform environment's objects are split into files. */
export type ManifestLayout = 'per-environment' | 'per-object';

/** Options of `gitOpsLayout`. */
export interface GitOpsLayoutOptions {
  /**
   * `per-environment`: `<platform>/<environment>/manifest.k8s.yaml`; `per-object`: one file per object,
   * `<platform>/<environment>/<rank>-<kind>-<name>.yaml`, the rank ordering files for apply (namespaces and CRDs first).
   * @default 'per-environment'
   */
  readonly layout?: ManifestLayout;
  /**
   * Where the outdir is in the Git repository, as the GitOps controller sees it.
   * @default 'dist'
   */
  readonly repositoryPath?: string;
  /**
   * Emit an Argo CD Application per platform environment into `gitops/argocd/`.
   * @default - none
   */
  readonly argoCd?: ArgoCdOptions;
  /**
   * Emit a Flux Kustomization per platform environment into `gitops/flux/`.
   * @default - none
   */
  readonly flux?: FluxOptions;
}

/** The folder of the Argo CD / Flux objects, relative to the outdir. */
export const GITOPS_FOLDER = 'gitops';

/** The file of a platform environment in the per-environment layout. */
export const MANIFEST_FILE = 'manifest.k8s.yaml';

/** A layout function for `synthesize`'s `layout` option. */
export function gitOpsLayout(options: GitOpsLayoutOptions = {}): (charts: readonly SynthesizedChart[]) => OutputFile[] {
  const repositoryPath = normalizeRepositoryPath(options.repositoryPath ?? 'dist');
  return (charts) => {
    const files: OutputFile[] = [];
    const targets: GitOpsTarget[] = [];
    for (const chart of charts) {
      const folder = chartFolder(chart);
      if (folder === GITOPS_FOLDER || folder.startsWith(`${GITOPS_FOLDER}/`)) {
        throw new PatternError(chart.chart, `output folder "${folder}" collides with the GitOps folder "${GITOPS_FOLDER}/": rename the chart or platform`);
      }
      files.push(...chartFiles(folder, chart.objects, options.layout ?? 'per-environment'));
      const target = gitOpsTarget(chart, repositoryPath);
      if (target) targets.push(target);
    }
    if (options.argoCd) files.push(...controllerFiles('argocd', targets.map((t) => argoCdApplication(t, options.argoCd!))));
    if (options.flux) files.push(...controllerFiles('flux', targets.map((t) => fluxKustomization(t, options.flux))));
    return files;
  };
}

/** A chart's files and its kustomization.yaml. */
function chartFiles(folder: string, objects: readonly Record<string, any>[], layout: ManifestLayout): OutputFile[] {
  if (layout === 'per-environment') {
    return [
      { path: `${folder}/${MANIFEST_FILE}`, content: toYaml(objects) },
      { path: `${folder}/kustomization.yaml`, content: kustomizationFile([MANIFEST_FILE]) },
    ];
  }
  if (layout !== 'per-object') {
    throw PatternError.invalidProp('gitops', 'layout', layout, "must be 'per-environment' or 'per-object'");
  }
  const names = objectFileNames(objects);
  return [
    ...objects.map((object, i) => ({ path: `${folder}/${names[i]}`, content: toYaml([object]) })),
    { path: `${folder}/kustomization.yaml`, content: kustomizationFile(names) },
  ];
}

/**
 * `<rank>-<kind>-<name>.yaml` per object, the two-digit rank sorting files into apply order for
 * `kubectl apply -f <folder>`; the namespace is added where a kind and name repeat.
 */
export function objectFileNames(objects: readonly Record<string, any>[]): string[] {
  const base = (o: Record<string, any>) =>
    `${String(applyOrderRank(o.kind)).padStart(2, '0')}-${o.kind.toLowerCase()}-${o.metadata?.name}`;
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(base(object), (counts.get(base(object)) ?? 0) + 1);
  return objects.map((object) => {
    const name = base(object);
    return counts.get(name)! > 1 ? `${name}-${object.metadata?.namespace ?? 'cluster'}.yaml` : `${name}.yaml`;
  });
}

function controllerFiles(controller: 'argocd' | 'flux', objects: readonly Record<string, any>[]): OutputFile[] {
  if (objects.length === 0) return [];
  const folder = `${GITOPS_FOLDER}/${controller}`;
  const sorted = [...objects].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const names = sorted.map((o) => `${o.metadata.name}.yaml`);
  return [
    ...sorted.map((object, i) => ({ path: `${folder}/${names[i]}`, content: toYaml([object]) })),
    { path: `${folder}/kustomization.yaml`, content: kustomizationFile(names) },
  ];
}
