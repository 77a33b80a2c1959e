// Runs a project's cdk8s app the way `cdk8s synth` does (its command in a shell, CDK8S_OUTDIR set), into a folder
// of the kit's choosing, so that the output folder itself is only ever replaced whole.
import { spawnSync } from 'child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import { dirname, join, relative } from 'path';
import { DiffCommandIo } from './diff-command';
import { VERBOSE_ENV } from '../concise-stack';

/** Where a command reads and writes: the same as the diff command's. */
export type CommandIo = DiffCommandIo;

/** A failure the command reports in one line, with exit code 1 (the app failed) or 2 (the command was misused). */
export class CommandError extends Error {
  constructor(message: string, public readonly exitCode: 1 | 2) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * Runs `command` with CDK8S_OUTDIR=`outdir` (and CDK8S_PATTERNS_VERBOSE when asked), its output passed through to
 * stderr; throws a CommandError when it fails or writes nothing.
 */
export function runApp(command: string, outdir: string, io: CommandIo, verbose: boolean): void {
  const result = spawnSync(command, {
    cwd: io.cwd,
    shell: true,
    env: { ...io.env, CDK8S_OUTDIR: outdir, ...(verbose ? { [VERBOSE_ENV]: '1' } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.stdout) io.stderr(result.stdout);
  if (result.stderr) io.stderr(result.stderr);
  if (result.error) throw new CommandError(`could not run \`${command}\`: ${result.error.message}`, 2);
  if (result.status !== 0) {
    const how = result.signal ? `was stopped by ${result.signal}` : `failed with exit code ${result.status}`;
    throw new CommandError(`\`${command}\` ${how}`, 1);
  }
  if (!existsSync(outdir)) {
    throw new CommandError(`\`${command}\` wrote nothing into $CDK8S_OUTDIR: does the app end with app.synth() or synthesize(app)?`, 1);
  }
}

/** The files below `folder`, relative and sorted by code point, for the summary line. */
export function filesBelow(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.push(relative(folder, path).split('\\').join('/'));
    }
  };
  walk(folder);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Replaces `target` by `source` with two renames, so `target` is always either the old or the new output. */
export function replaceFolder(source: string, target: string): void {
  const previous = `${target}.previous-${process.pid}`;
  rmSync(previous, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  if (existsSync(target)) renameSync(target, previous);
  renameSync(source, target);
  rmSync(previous, { recursive: true, force: true });
}

/** The real process's working folder, output streams and environment. */
export function processIo(): CommandIo {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
  };
}
