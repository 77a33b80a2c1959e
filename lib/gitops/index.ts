// GitOps output: folders with kustomization.yaml files, Argo CD Applications and Flux Kustomizations.
export * from './argo-cd-application';
export * from './flux-kustomization';
export * from './gitops-layout';
export * from './gitops-target';
export * from './kustomization-file';
