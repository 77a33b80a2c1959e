// The public API of cdk8s-patterns.
export * from './capacity';
export * from './compatibility';
export * from './deployment-strategy';
export * from './environment';
export * from './errors';
export * from './labels';
export * from './network/wiring-graph';
export * from './network/workload-network-policy';
export * from './platform';
export * from './pod/container';
export * from './pod/probes';
export * from './pod/resources';
export * from './resilient-microservice';
export type { AutoscalingOptions } from './scaling/horizontal-autoscaler';
export * from './secrets';
export * from './synthesizer';
export * from './warnings';
