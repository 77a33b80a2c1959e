// cdk8s-plus-28's L2 classes, loaded when first needed. The kit builds its objects from cdk8s-plus-28's L1 classes
// (`cdk8s-plus-28/lib/imports/k8s`, what the package exports as `k8s`); its index loads every L2 construct besides,
// ~30 modules and 15-20 ms of every process's start-up. The kit needs an L2 class only where a value comes from
// cdk8s-plus: a `Cpu` given as a quantity, or a cdk8s-plus construct asking a workload for its pod selector. A caller
// holding such a value has loaded cdk8s-plus-28 already, so the require then costs nothing.
import type * as plus from 'cdk8s-plus-28';

/** The cdk8s-plus-28 package (the one the user's project resolves, as for the L1 classes). */
export function cdk8sPlus(): typeof plus {
  return require('cdk8s-plus-28') as typeof plus;
}
