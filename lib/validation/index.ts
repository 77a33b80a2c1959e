// Synth-time validation: schema, references, policy and the user's own rules.
export type { Finding, FindingLike, KubeObject, Severity, ValidationInput, ValidationReport } from './finding';
export { objectRef } from './finding';
export { ANNOTATIONS_MAX_BYTES, CONFIGMAP_MAX_BYTES, configMapBytes, MonitoringRules, promqlError } from './monitoring-checks';
export { PolicyRules } from './policy-checks';
export { ReferenceRules } from './reference-checks';
export { findingLines, formatFinding, formatReport } from './report';
export type { ExternalDeclaration, ObjectSelector, ScopedRule, UserPolicy, ValidationRule, Waiver } from './rule';
export { annotateWaivedObjects, Validation, waiverAnnotation } from './rule';
export { SchemaRules } from './schema-check';
export type { SchemaChecks } from './schema-check';
export type { ValidationOptions } from './validate';
export { checkPolicies, validateObjects, ValidationRules } from './validate';
