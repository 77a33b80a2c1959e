// The public API of cdk8s-patterns: the constructs and their value types. The toolchain has subpaths of its own:
// cdk8s-patterns/synthesis, /validation, /reports, /diff, /gitops and /testing.
export { Compatibility } from './compatibility';
export type { CompatibilityProfileProps } from './compatibility';
export { DeploymentStrategy } from './deployment-strategy';
export type { RollingUpdateOptions } from './deployment-strategy';
export { Environment } from './environment';
export type { EnvironmentProfileProps } from './environment';
export { PatternError } from './errors';
export { LabelKeys } from './labels';
export { Platform } from './platform';
export { PlatformApp } from './platform-app';
export type { PlatformProps } from './platform';
export type { QuotaProps } from './capacity';
export type { ApiServerEndpoints } from './network/api-server';
export type { MonitoringProps } from './platform-monitoring';
export type { PriorityClassProvision } from './platform-priority';
export { PlatformEdge } from './edge/platform-edge';
export type { CreateGatewayOptions, GatewayApiEdgeOptions, GatewayReference, IngressEdgeOptions } from './edge/platform-edge';
export { GatewayDataPlane } from './edge/data-plane';
export type { CustomDataPlaneOptions, EnvoyGatewayDataPlaneOptions } from './edge/data-plane';
export type { ServiceExposeOptions } from './edge/service-exposure';
export { Workload } from './workload';
export type { AllowOptions, ConnectOptions, WorkloadPeer } from './workload';
export { ClusterDns } from './network/cluster-dns';
export type { CustomDnsProps } from './network/cluster-dns';
export { ClusterNetwork } from './network/cluster-network';
export type { ClusterNetworkProps } from './network/cluster-network';
export { ExternalService } from './network/external-service';
export { ManagedDatabase } from './database/managed-database';
export type { ManagedDatabaseProps, ManagedPostgresProps } from './database/managed-database';
export { PlatformSecret } from './platform-secret';
export type { PlatformSecretProps } from './platform-secret';
export { SecretSource } from './secret-source';
export type { GeneratedPasswordProps, SealedSecretProps, SecretStoreRef, StoreSecretProps } from './secret-source';
export type { ExternalServiceProps } from './network/external-service';
export type { IConnectable, NetworkPort } from './network/wiring-graph';

// Workloads
export { ResilientMicroservice } from './resilient-microservice';
export type { MetricsOptions, ProbeSet, ResilientMicroserviceProps } from './resilient-microservice-props';
export type { SharedVolume, SidecarSpec } from './pod/sidecars';
export { CloudNativePgCluster } from './cloud-native-pg-cluster';
export { StatefulDatabase } from './stateful-database';
export type { ClaimRetentionPolicy, StatefulDatabaseProps } from './stateful-database';
export { ApiGateway, ExternalTarget } from './api-gateway';
export type { ApiGatewayProps, ExternalTargetOptions, GatewayRoute, RouteRateLimit } from './api-gateway';
export { ScheduledJob } from './scheduled-job';
export type { JobMetricsOptions, ScheduledJobProps } from './scheduled-job';
export { DatabaseBackup } from './database/database-backup';
export type { DatabaseBackupOptions } from './database/database-backup';
export type { OffsiteBackupOptions } from './database/offsite-backup';

// Pods
export type { ContainerSpec } from './pod/container';
export { Probe } from './pod/probes';
export type { ApiAccessRule } from './pod/api-access';
export type { NodeAffinity, NodeLabelExpression, NodeTerm, PodOptions, PreferredNodeTerm, Toleration } from './pod/pod-options';
export type { ContainerResources, CpuQuantity, MemoryQuantity } from './pod/resources';
export type { SecretFileMount, SecretKeyRef } from './pod/secret-refs';
export type { AutoscalingOptions } from './scaling/horizontal-autoscaler';

// Releases
export { Release } from './release/release-strategy';
export { RollingRelease } from './release/rolling-release';
export { BlueGreenRelease } from './release/blue-green';
export type { BlueGreenColorOptions, BlueGreenOptions } from './release/blue-green';
export { CanaryRelease } from './release/canary';
export type { CanaryOptions, CanaryTrafficSplit } from './release/canary';
export { ArgoRolloutRelease, RolloutStep } from './release/argo-rollout';
export type { ArgoRolloutOptions, ArgoTrafficRouting, RolloutAnalysisOptions } from './release/argo-rollout';
export type { IRelease, ReleasePlan } from './release/release-plan';

// Databases
export { DatabaseEngine } from './database/database-engine';
export type { IDatabaseEngine } from './database/engine-contract';
export { PostgresEngine } from './database/postgres-engine';
export type { PostgresEngineProps } from './database/postgres-engine';
export { RedisEngine } from './database/redis-engine';
export type { RedisEngineProps } from './database/redis-engine';
export { DatabaseCredentials } from './database/database-credentials';
export type { ExistingSecretOptions, ExternalSecretOptions, PlaintextCredentials } from './database/database-credentials';

// The edge
export { GatewayTls } from './gateway/gateway-tls';
export type { CertManagerOptions } from './gateway/gateway-tls';
export type { NginxGatewayOptions } from './gateway/nginx-gateway-options';
export type { GatewayDnsOptions } from './gateway/nginx-upstreams';

// Observability
export { PlatformAlerts } from './observability/platform-alerts';
export type { PlatformAlertsProps } from './observability/platform-alerts';
export { PlatformDashboard } from './observability/grafana-dashboard';
export type { PlatformDashboardProps } from './observability/grafana-dashboard';
export { ServiceMonitor } from './observability/service-monitor';

// What every program ends with, and the rules it can add or waive.
export { synthesize, SynthesisError } from './synthesis';
export { Validation } from './validation/rule';
