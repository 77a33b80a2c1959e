// One copy of constructs and cdk8s per program: a scope made by another copy fails here, with what to do, not later
// with a TypeError deep in a library (`scope.node._scopes is not iterable`, `can't render non-simple object`).
import { dirname } from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** What a person runs to see the copies and merge them. */
const HOW_TO_FIX = 'run `npm ls constructs cdk8s cdk8s-plus-28` to see the copies, align your versions with the '
  + 'kit\'s peerDependencies, then `npm dedupe` (with pnpm or yarn workspaces: hoist or dedupe them the same way)';

/** Where a package of the kit resolves, so the message can say which copy the kit has. */
function kitCopyOf(name: string): string {
  try {
    return dirname(require.resolve(`${name}/package.json`));
  } catch {
    return name;
  }
}

/**
 * Throws a PatternError when `scope` is a Construct of another copy of `constructs`, or lives under an App of
 * another copy of `cdk8s`, than the kit loads. Call it before `super(scope, ...)`: a foreign scope breaks the
 * base constructor itself.
 */
export function checkSameCopies(scope: IConstruct): void {
  if (!Construct.isConstruct(scope)) {
    throw new PatternError('<unknown>', `scope (${typeof scope}) must be a Construct (an App, a Chart or a construct within one)`);
  }
  if (!(scope instanceof Construct)) {
    throw new PatternError(scope, `scope is a Construct of a second copy of the \`constructs\` package; the kit uses the copy in ${kitCopyOf('constructs')}. Two copies cannot share one construct tree: ${HOW_TO_FIX}`);
  }
  const root = scope.node.root;
  if (!(root instanceof App) && looksLikeApp(root)) {
    throw new PatternError(scope, `the App is from a second copy of the \`cdk8s\` package; the kit uses the copy in ${kitCopyOf('cdk8s')}. Its tokens and charts do not mix with the kit's: ${HOW_TO_FIX}`);
  }
}

/** Throws when an L1 object of cdk8s-plus-28 is not an ApiObject of the kit's cdk8s (cdk8s-plus-28 has its own). */
export function checkPlusUsesSameCdk8s(object: IConstruct): void {
  // `instanceof ApiObject` cannot tell: cdk8s answers it by a symbol every copy shares.
  if (!Object.prototype.isPrototypeOf.call(ApiObject.prototype, object)) {
    throw new PatternError(object, `cdk8s-plus-28 loads a second copy of \`cdk8s\`; the kit uses the copy in ${kitCopyOf('cdk8s')}: ${HOW_TO_FIX}`);
  }
}

function looksLikeApp(root: IConstruct): boolean {
  const candidate = root as unknown as Record<string, unknown>;
  return typeof candidate.synth === 'function' && typeof candidate.outdir === 'string';
}
