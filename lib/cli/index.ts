// The `cdk8s-patterns` command: synth (atomic), validate (writes nothing) and diff, for a project's package.json.
import { DiffExitCode, runManifestDiff } from './diff-command';
import { VERBOSE_ENV, verboseErrors } from '../concise-stack';
import { readCdk8sConfig } from './cdk8s-config';
import { CommandError, CommandIo } from './run-app';
import { SynthArguments, synthCommand, validateCommand } from './synth-command';

export { CommandError, processIo } from './run-app';
export { runManifestDiff } from './diff-command';
export type { CommandIo } from './run-app';

export const CLI_USAGE = `Usage: cdk8s-patterns <command> [options]

Commands:
  synth       run the app and replace the output folder with its result, only when it succeeded
  validate    run the app with every check synth makes, write nothing
  diff        compare the output folder with what the app synthesizes now, or two folders (exit 0/1/2)

Options for every command:
  --verbose   stack traces in error output (also CDK8S_PATTERNS_VERBOSE=1)
  -h, --help  this text; \`cdk8s-patterns <command> --help\` for a command's own

The app command and the output folder come from cdk8s.yaml (\`app:\`, \`output:\`, default dist), as for
\`cdk8s synth\`; the app learns its folder from CDK8S_OUTDIR.
`;

const SYNTH_USAGE = `Usage: cdk8s-patterns synth [--app "<command>"] [--output <dir>] [--verbose]

Runs the app into a staging folder beside the output; the output is replaced by it only when the app exits 0,
so a failed synth leaves the previous output as it was (unlike \`cdk8s synth\`, which deletes it first).
Exit code: 0 written, 1 the app failed (its report on stderr), 2 wrong usage.

Options:
  --app <command>   the command that runs the app (default: \`app:\` of cdk8s.yaml)
  --output <dir>    the output folder (default: \`output:\` of cdk8s.yaml, else dist)
  --verbose         stack traces in the app's error output
`;

const VALIDATE_USAGE = `Usage: cdk8s-patterns validate [--app "<command>"] [--verbose]

Runs the app with every check synth makes into a temporary folder, then removes it: nothing is written.
Exit code: 0 valid, 1 the app failed (its report on stderr), 2 wrong usage.

Options:
  --app <command>   the command that runs the app (default: \`app:\` of cdk8s.yaml)
  --verbose         stack traces in the app's error output
`;

/** Runs the command line; returns the exit code. */
export function runCli(argv: readonly string[], io: CommandIo): number {
  const verbose = argv.includes('--verbose') || verboseErrors(io.env);
  const rest = argv.filter((arg) => arg !== '--verbose');
  const [command, ...options] = rest;
  const commandIo: CommandIo = { ...io, env: verbose ? { ...io.env, [VERBOSE_ENV]: '1' } : io.env };
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      (command === undefined ? io.stderr : io.stdout)(CLI_USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'diff') return runManifestDiff(options, { ...commandIo, command: 'cdk8s-patterns diff' });
    if (command !== 'synth' && command !== 'validate') {
      throw new CommandError(`unknown command ${JSON.stringify(command)}: expected synth, validate or diff`, 2);
    }
    const usage = command === 'synth' ? SYNTH_USAGE : VALIDATE_USAGE;
    if (options.includes('-h') || options.includes('--help')) {
      io.stdout(usage);
      return 0;
    }
    const args = parseSynthArguments(options, command === 'synth', verbose);
    const config = readCdk8sConfig(io.cwd);
    return command === 'synth' ? synthCommand(args, config, commandIo) : validateCommand(args, config, commandIo);
  } catch (error) {
    return reportFailure(error, command, io, verbose);
  }
}

function reportFailure(error: unknown, command: string | undefined, io: CommandIo, verbose: boolean): number {
  const name = command === 'synth' || command === 'validate' ? `cdk8s-patterns ${command}` : 'cdk8s-patterns';
  if (error instanceof CommandError) {
    io.stderr(`${name}: ${error.message}\n${error.exitCode === 2 ? '\nRun `cdk8s-patterns --help` for usage.\n' : ''}`);
    return error.exitCode;
  }
  const text = verbose && error instanceof Error ? error.stack ?? error.message : (error as Error)?.message ?? String(error);
  io.stderr(`${name}: ${text}\n`);
  return DiffExitCode.ERROR;
}

function parseSynthArguments(argv: readonly string[], takesOutput: boolean, verbose: boolean): SynthArguments {
  let app: string | undefined;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new CommandError(`${arg} needs a value`, 2);
      return next;
    };
    if (arg === '--app') app = value();
    else if (arg === '--output' && takesOutput) output = value();
    else throw new CommandError(`unknown option ${JSON.stringify(arg)}`, 2);
  }
  return { app, output, verbose };
}
