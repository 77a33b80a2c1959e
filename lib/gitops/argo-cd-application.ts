// An Argo CD Application per platform environment, validated against the schema of Argo CD's current CRD.
import { PatternError } from '../errors';
import { schemaViolation } from '../validation/schema-models';
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

/** A GitOps controller's object (an Argo CD Application, a Flux Kustomization) as plain JSON. */
export interface GitOpsObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly spec: Record<string, unknown>;
}

/** The Application that syncs `target` from the repository; throws a PatternError when the result is invalid. */
export function argoCdApplication(target: GitOpsTarget, options: ArgoCdOptions): GitOpsObject {
  if (!GIT_URL.test(options.repoUrl)) {
    throw PatternError.invalidProp('gitops', 'argoCd.repoUrl', options.repoUrl, 'must be a Git URL (https://…, ssh://… or git@host:path)');
  }
  const autoSync = options.autoSync ?? true;
  const application: GitOpsObject = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: target.name, namespace: options.namespace ?? 'argocd' },
    spec: {
      project: options.project ?? 'default',
      source: { repoURL: options.repoUrl, targetRevision: options.targetRevision ?? 'HEAD', path: target.repositoryPath },
      destination: { server: options.destinationServer ?? 'https://kubernetes.default.svc', namespace: target.namespace },
      // PruneLast: objects that left the manifests are deleted only after the rest is applied and healthy.
      syncPolicy: autoSync ? { automated: { prune: true, selfHeal: true }, syncOptions: ['PruneLast=true'] } : { syncOptions: ['PruneLast=true'] },
    },
  };
  validateModel(application, target, 'Argo CD Application');
  return application;
}

/** Validates a controller object against its operator's schema (loaded on first use), as a PatternError. */
export function validateModel(object: GitOpsObject, target: GitOpsTarget, what: string): void {
  const violation = schemaViolation(object);
  if (violation !== undefined) {
    throw new PatternError(target.constructPath, `${what} "${target.name}" fails the ${object.apiVersion} ${object.kind} schema: ${violation}`);
  }
}
