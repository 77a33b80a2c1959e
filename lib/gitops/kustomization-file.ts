// The kustomization.yaml that lists a folder's files, so `kubectl apply -k` and GitOps tools read them in order.
import { dump } from 'js-yaml';

/** A kustomization.yaml listing `resources` in apply order; `fifo` keeps that order in `kustomize build`. */
export function kustomizationFile(resources: readonly string[]): string {
  return dump({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...resources],
    sortOptions: { order: 'fifo' },
  }, { lineWidth: -1 });
}
