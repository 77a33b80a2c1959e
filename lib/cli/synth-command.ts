// `cdk8s-patterns synth` and `validate`: run the project's app into a staging folder; synth then swaps it in whole
// (the previous output survives any failure), validate throws it away.
import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative, resolve } from 'path';
import { Cdk8sConfig, DEFAULT_OUTPUT } from './cdk8s-config';
import { CommandError, CommandIo, filesBelow, replaceFolder, runApp } from './run-app';

/** The options synth and validate take. */
export interface SynthArguments {
  /** The command that runs the app. @default - `app` of cdk8s.yaml */
  readonly app?: string;
  /** The output folder (synth only). @default - `output` of cdk8s.yaml, else dist */
  readonly output?: string;
  readonly verbose: boolean;
}

function appCommand(args: SynthArguments, config: Cdk8sConfig): string {
  const command = args.app ?? config.app;
  if (!command) throw new CommandError('no app command: pass --app "<command>" or set `app:` in cdk8s.yaml', 2);
  return command;
}

/** Synthesizes into a sibling staging folder and replaces the output with it only when the app succeeded. */
export function synthCommand(args: SynthArguments, config: Cdk8sConfig, io: CommandIo): number {
  const command = appCommand(args, config);
  const output = resolve(io.cwd, args.output ?? config.output ?? DEFAULT_OUTPUT);
  // A sibling of the output, so that the swap is a rename on one file system.
  const staging = `${output}.synth-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    runApp(command, staging, io, args.verbose);
    const files = filesBelow(staging);
    replaceFolder(staging, output);
    io.stdout(`Synthesized ${files.length} file(s) into ${relative(io.cwd, output) || '.'}/:\n${files.map((f) => `  ${f}\n`).join('')}`);
    return 0;
  } catch (error) {
    if (error instanceof CommandError) {
      throw new CommandError(`${error.message}; ${relative(io.cwd, output) || output}/ was left as it was`, error.exitCode);
    }
    throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Runs the app with every check the synthesis makes, writing nothing the project keeps. */
export function validateCommand(args: SynthArguments, config: Cdk8sConfig, io: CommandIo): number {
  const command = appCommand(args, config);
  const scratch = mkdtempSync(join(tmpdir(), 'cdk8s-patterns-validate-'));
  try {
    runApp(command, join(scratch, 'out'), io, args.verbose);
    const files = filesBelow(join(scratch, 'out'));
    io.stdout(`Valid: ${files.length} file(s) would be written; nothing was.\n`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
