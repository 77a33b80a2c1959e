// cdk8s-plus-28's L1 classes (what that package exports as `k8s`), imported in this one place: every kit module takes
// them from here (`import * as k8s from './private/k8s'`). Bundled (ADR 0016), an external CommonJS module imported
// as a namespace is copied into a namespace object of its own, ~580 names each time: from 26 modules that cost
// ~12 ms of every start; re-exported from one module it is done once.
export * from 'cdk8s-plus-28/lib/imports/k8s';
