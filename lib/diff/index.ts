// The manifest diff: what a change of the synthesized YAML will do to the cluster.
export * from './manifest-diff';
export * from './manifest-set';
export * from './markdown-report';
export * from './object-diff';
export * from './terminal-report';
export * from './immutable-fields';
export { changeLines, immutableWarning, REMOVAL_WARNING } from './report-lines';
export type { ChangeLine } from './report-lines';
