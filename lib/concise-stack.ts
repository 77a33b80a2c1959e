// Errors for people: the kit's errors print their message and the one line of the user's program that led there,
// not a stack trace through the kit, unless CDK8S_PATTERNS_VERBOSE=1 (or the command line's --verbose) asks for it.

/** The environment variable that keeps full stack traces. */
export const VERBOSE_ENV = 'CDK8S_PATTERNS_VERBOSE';

/** The kit's own code (lib/ in the repository, build/lib/ in the package), where this file stands: its frames are left out. */
const KIT_ROOT = __dirname;

/** Whether full stack traces were asked for. */
export function verboseErrors(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env[VERBOSE_ENV];
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/**
 * Shortens `error.stack` to its message and the first frame outside the kit, cdk8s and Node itself (where the
 * user's program called in). Node prints an uncaught error's stack, and Jest a failed test's: both then show the
 * report once, without dozens of frames.
 */
export function shortenStack(error: Error): void {
  if (verboseErrors()) return;
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const caller = frames.find((frame) => !frame.includes(KIT_ROOT) && !frame.includes('node_modules') && !frame.includes('(node:') && !/at node:/.test(frame));
  // A stack without any `at` line would be printed by Node in [brackets]: keep one line that says what to do.
  const where = caller ?? `    at (the kit; ${VERBOSE_ENV}=1 for the stack trace)`;
  Object.defineProperty(error, 'stack', { value: `${error.name}: ${error.message}\n${where}`, writable: true, configurable: true, enumerable: false });
}
