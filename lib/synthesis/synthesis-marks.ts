// The User Timing marks synthesis records, for profilers and the benchmark.

/**
 * The User Timing marks (`performance.mark`) `synthesize` records as it goes, for profilers and the benchmark:
 * construct validations done, every object resolved, the object set validated, every file written.
 */
export const SynthesisMarks = {
  CONSTRUCTS_VALIDATED: 'cdk8s-patterns:constructs-validated',
  RESOLVED: 'cdk8s-patterns:resolved',
  VALIDATED: 'cdk8s-patterns:validated',
  WRITTEN: 'cdk8s-patterns:written',
} as const;
