// The public API of cdk8s-patterns.
export * from './capacity';
export * from './compatibility';
export * from './deployment-strategy';
export * from './environment';
export * from './errors';
export * from './labels';
export * from './network/service-ingress';
export * from './network/wiring-graph';
export * from './network/workload-network-policy';
export * from './observability/grafana-dashboard';
export * from './observability/platform-alerts';
export type { HttpMetricNames } from './observability/prometheus-series';
export * from './observability/service-monitor';
export * from './platform';
export * from './platform-app';
export * from './pod/container';
export * from './pod/probes';
export * from './pod/resources';
export * from './release/argo-rollout';
export * from './release/blue-green';
export * from './release/canary';
export * from './release/release-strategy';
export type { IRelease, ReleaseColor, ReleasedWorkload, ReleaseRole } from './release/release-target';
export { ReleaseLabels } from './release/release-target';
export * from './release/rolling-release';
export * from './resilient-microservice';
export type { AutoscalingOptions } from './scaling/horizontal-autoscaler';
export * from './secrets';
export * from './synthesizer';
export * from './warnings';
export * from './reports/capacity-report';
export * from './reports/topology-diagram';
export * from './stateful-database';
export * from './database/database-engine';
export type { EngineBackupPlan, EngineContainerPlan, EngineContext, EngineSideContainer, IDatabaseEngine } from './database/engine-contract';
export * from './database/postgres-engine';
export * from './database/redis-engine';
export * from './database/database-credentials';
export * from './database/database-backup';
export * from './api-gateway';
export * from './gateway/gateway-tls';
export * from './gateway/nginx-config';
export { argoCdApplication, fluxKustomization, GITOPS_FOLDER, gitOpsLayout, kustomizationFile, MANIFEST_FILE } from './gitops';
export type { ArgoCdOptions, FluxOptions, FluxSourceRef, GitOpsLayoutOptions, GitOpsTarget, ManifestLayout } from './gitops';
export {
  DiffExitCode, diffDirectories, diffManifests, diffObjects, markdownReport, readManifestDirectory, runManifestDiff, terminalReport,
} from './diff';
export type {
  ChangedObject, DiffCommandIo, FieldChange, GroupDiff, ManifestDiff, ManifestEntry, ManifestSet, TerminalReportOptions,
} from './diff';
export * from './reports/platform-report-files';
export * from './scheduled-job';
export * from './validation';
