// A Flux Kustomization per platform environment, validated against the schema of Flux's current CRD.
import { Duration } from 'cdk8s';
import { GitOpsObject, validateModel } from './argo-cd-application';
import { GitOpsTarget } from './gitops-target';

/** The Flux source the Kustomizations read from. */
export interface FluxSourceRef {
  /** @default 'GitRepository' */
  readonly kind?: 'GitRepository' | 'OCIRepository' | 'Bucket';
  readonly name: string;
  /** @default - the Kustomization's namespace */
  readonly namespace?: string;
}

/**
 * Flux Kustomizations for each platform environment.
 * @see https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export interface FluxOptions {
  /**
   * The source holding the repository.
   * @default - the GitRepository `flux-system` that `flux bootstrap` creates
   */
  readonly sourceRef?: FluxSourceRef;
  /**
   * The namespace Flux runs in.
   * @default 'flux-system'
   */
  readonly namespace?: string;
  /**
   * How often Flux reconciles (re-applies and corrects drift).
   * @default Duration.minutes(10)
   */
  readonly interval?: Duration;
  /**
   * Delete objects that left the manifests.
   * @default true
   */
  readonly prune?: boolean;
}

/** The Kustomization that syncs `target`; throws a PatternError when the result is invalid. */
export function fluxKustomization(target: GitOpsTarget, options: FluxOptions = {}): GitOpsObject {
  const source = options.sourceRef ?? { name: 'flux-system' };
  const kustomization: GitOpsObject = {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: target.name, namespace: options.namespace ?? 'flux-system' },
    spec: {
      interval: formatInterval(options.interval ?? Duration.minutes(10)),
      path: `./${target.repositoryPath}`,
      prune: options.prune ?? true,
      sourceRef: { kind: source.kind ?? 'GitRepository', name: source.name, ...(source.namespace ? { namespace: source.namespace } : {}) },
    },
  };
  validateModel(kustomization, target, 'Flux Kustomization');
  return kustomization;
}

/** A Duration as Flux writes it: whole hours, minutes, seconds or milliseconds (`1h`, `10m`, `90s`, `1500ms`). */
export function formatInterval(duration: Duration): string {
  const millis = duration.toMilliseconds();
  if (millis % 1000 !== 0) return `${millis}ms`;
  const seconds = millis / 1000;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
