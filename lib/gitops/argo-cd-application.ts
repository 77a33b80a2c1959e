// An Argo CD Application per platform environment, built on the typed model and validated against its schema.
import type { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { PatternError } from '../errors';
import { GitOpsTarget } from './gitops-target';

/**
 * Argo CD Applications for each platform environment.
 * @see https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
 */
export interface ArgoCdOptions {
  /** The Git repository Argo CD pulls the synthesized YAML from, e.g. `https://github.com/acme/platform.git`. */
  readonly repoUrl: string;
  /**
   * The branch, tag or commit to sync.
   * @default 'HEAD'
   */
  readonly targetRevision?: string;
  /**
   * The namespace Argo CD runs in (Applications must live there).
   * @default 'argocd'
   */
  readonly namespace?: string;
  /**
   * The Argo CD project.
   * @default 'default'
   */
  readonly project?: string;
  /**
   * The cluster to deploy to.
   * @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in)
   */
  readonly destinationServer?: string;
  /**
   * Sync automatically, pruning removed objects and reverting drift. Off: every sync is a manual step.
   * @default true
   * @see https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/
   */
  readonly autoSync?: boolean;
}

const GIT_URL = /^(https:\/\/|http:\/\/|ssh:\/\/|git@)\S+$/;

/** The Application that syncs `target` from the repository; throws a PatternError when the result is invalid. */
export function argoCdApplication(target: GitOpsTarget, options: ArgoCdOptions): Application {
  if (!GIT_URL.test(options.repoUrl)) {
    throw PatternError.invalidProp('gitops', 'argoCd.repoUrl', options.repoUrl, 'must be a Git URL (https://…, ssh://… or git@host:path)');
  }
  const autoSync = options.autoSync ?? true;
  // Loaded here, not with the kit: the Argo CD models take ~10 ms to load, and most programs never build one.
  const { Application: ApplicationModel } = require('@kubernetes-models/argo-cd/argoproj.io/v1alpha1') as typeof import('@kubernetes-models/argo-cd/argoproj.io/v1alpha1');
  const application = new ApplicationModel({
    metadata: { name: target.name, namespace: options.namespace ?? 'argocd' },
    spec: {
      project: options.project ?? 'default',
      source: { repoURL: options.repoUrl, targetRevision: options.targetRevision ?? 'HEAD', path: target.repositoryPath },
      destination: { server: options.destinationServer ?? 'https://kubernetes.default.svc', namespace: target.namespace },
      // PruneLast: objects that left the manifests are deleted only after the rest is applied and healthy.
      syncPolicy: autoSync ? { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] } : { syncOptions: ['PruneLast=true'] },
    },
  });
  validateModel(application, target, 'Argo CD Application');
  return application;
}

/** Runs a kubernetes-models schema validation, turning its error into the kit's error. */
export function validateModel(model: { validate(): void }, target: GitOpsTarget, what: string): void {
  try {
    model.validate();
  } catch (error) {
    throw new PatternError(target.constructPath, `${what} "${target.name}" fails its schema: ${(error as Error).message}`);
  }
}
