// cdk8s-patterns/testing: helpers for users' Jest tests of their charts.
//   import { matchers, yamlSnapshotSerializer } from 'cdk8s-patterns/testing';
//   expect.extend(matchers); expect.addSnapshotSerializer(yamlSnapshotSerializer);
import type { PassPoliciesOptions } from './matchers';

export * from './find-resource';
export * from './matchers';
export * from './partial-match';
export * from './policy-check';
export * from './snapshot-serializer';
export * from './subject';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Some object of `kind` has every field of `partial` (arrays match element by element). */
      toHaveResource(kind: string, partial?: Record<string, unknown>): R;
      /** The objects pass the kit's validation and the named policy profile; failures are listed. */
      toPassPolicies(profile?: string, options?: PassPoliciesOptions): R;
    }
  }
}
