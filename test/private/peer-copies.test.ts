// A second copy of constructs or cdk8s fails at the Platform with what to do, not with a TypeError inside cdk8s.
import { ApiObject, App, Chart } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PatternError, Platform } from '../../lib';
import { checkPlusUsesSameCdk8s } from '../../lib/private/peer-copies';

/** A fresh instance of a package's module: what npm's second copy in a nested node_modules amounts to. */
function secondCopyOf<T extends object>(name: string): T {
  let loaded: T | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<T>(name);
  });
  return loaded!;
}

describe('a second copy of a peer dependency', () => {
  test('a scope from another copy of constructs is refused before cdk8s sees it', () => {
    // given a root construct made by a second copy of constructs
    const { Construct: ForeignConstruct } = secondCopyOf<typeof import('constructs')>('constructs');
    const foreign = new ForeignConstruct(undefined as any, '');
    // when a Platform is created in it
    const create = () => new Platform(foreign, 'shop');
    // then the error says which copy the kit uses and how to merge them
    expect(create).toThrow(PatternError);
    expect(create).toThrow(/scope is a Construct of a second copy of the `constructs` package; the kit uses the copy in .*node_modules\/constructs/);
    expect(create).toThrow(/npm ls constructs cdk8s cdk8s-plus-28.*npm dedupe/);
  });

  test('an App from another copy of cdk8s is refused', () => {
    // given an App of another cdk8s copy built on the kit's constructs: a root Construct with synth() and outdir
    class ForeignApp extends Construct {
      public readonly outdir = 'dist';
      constructor() {
        super(undefined as any, '');
      }
      public synth(): void {}
    }
    const create = () => new Platform(new ForeignApp(), 'shop');
    expect(create).toThrow(/the App is from a second copy of the `cdk8s` package; the kit uses the copy in .*node_modules\/cdk8s/);
  });

  test('the kit\'s own copies pass', () => {
    expect(() => new Platform(new App(), 'shop')).not.toThrow();
  });

  test('a scope that is no Construct at all is named as such', () => {
    expect(() => new Platform({} as any, 'shop')).toThrow(/scope \(object\) must be a Construct/);
  });
});

describe('cdk8s-plus-28 on another copy of cdk8s', () => {
  test('an L1 object that is not an ApiObject of the kit\'s cdk8s is refused (instanceof would say yes)', () => {
    // given an object that carries cdk8s' ApiObject symbol, as one of another copy does, without the kit's class
    const app = new App();
    const foreign = new Construct(app, 'foreign');
    Object.defineProperty(foreign, Symbol.for('cdk8s.ApiObject'), { value: true });
    // then instanceof cannot tell, and the check can
    expect(foreign instanceof ApiObject).toBe(true);
    expect(() => checkPlusUsesSameCdk8s(foreign)).toThrow(/\[foreign\] cdk8s-plus-28 loads a second copy of `cdk8s`; the kit uses the copy in .*npm dedupe/);
    expect(() => checkPlusUsesSameCdk8s(new k8s.KubeNamespace(new Chart(app, 'chart'), 'ns'))).not.toThrow();
  });
});
