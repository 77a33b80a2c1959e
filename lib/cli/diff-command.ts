// The `manifest-diff` command: compares two directories, or synthesizes the app and compares it with dist/.
import { spawnSync } from 'child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, resolve } from 'path';
import { DEFAULT_OUTPUT, readCdk8sConfig } from './cdk8s-config';
import { diffDirectories, ManifestDiff } from '../diff/manifest-diff';
import { markdownReport } from '../diff/markdown-report';
import { terminalReport } from '../diff/terminal-report';

/** Exit codes: pipelines gate on them. */
export enum DiffExitCode {
  NO_CHANGES = 0,
  CHANGES = 1,
  ERROR = 2,
}

/** Where the command reads and writes; the real process by default. */
export interface DiffCommandIo {
  readonly cwd: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colours). */
  readonly isTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The command's name in its messages and usage.
   * @default 'manifest-diff'
   */
  readonly command?: string;
}

/** The usage text of the diff command, under the name it is called by. */
export function manifestDiffUsage(command = 'manifest-diff'): string {
  return MANIFEST_DIFF_USAGE.replace(/^  manifest-diff/gm, `  ${command}`);
}

export const MANIFEST_DIFF_USAGE = `Usage:
  manifest-diff [options]                      synthesize the app, compare dist/ with the result
  manifest-diff [options] <before> <after>     compare two directories of synthesized YAML

Options:
  --markdown          Markdown for a pull-request comment (default: text for a terminal)
  --output <file>     also write the report to this file
  --app <command>     the command that synthesizes into $CDK8S_OUTDIR (default: 'app' of cdk8s.yaml)
  --against <dir>     the committed output to compare with (default: 'output' of cdk8s.yaml, else dist)
  --no-color          plain text even on a terminal (also NO_COLOR=1)
  -h, --help          this text

Exit code: 0 no changes, 1 changes, 2 error.
`;

interface DiffArguments {
  markdown: boolean;
  color: boolean;
  output?: string;
  app?: string;
  against?: string;
  directories: string[];
}

/** Runs the command; returns the exit code. */
export function runManifestDiff(argv: readonly string[], io: DiffCommandIo): DiffExitCode {
  let args: DiffArguments;
  try {
    args = parseArguments(argv);
  } catch (error) {
    io.stderr(`${io.command ?? 'manifest-diff'}: ${(error as Error).message}\n\n${manifestDiffUsage(io.command)}`);
    return DiffExitCode.ERROR;
  }
  if (argv.includes('-h') || argv.includes('--help')) {
    io.stdout(manifestDiffUsage(io.command));
    return DiffExitCode.NO_CHANGES;
  }
  try {
    const diff = args.directories.length === 2
      ? diffDirectories(resolve(io.cwd, args.directories[0]), resolve(io.cwd, args.directories[1]))
      : diffAgainstSynthesis(args, io);
    const report = args.markdown
      ? markdownReport(diff)
      : terminalReport(diff, { color: args.color && io.isTty && !io.env.NO_COLOR });
    io.stdout(report);
    if (args.output) writeFileSync(resolve(io.cwd, args.output), args.markdown ? report : terminalReport(diff));
    return diff.hasChanges ? DiffExitCode.CHANGES : DiffExitCode.NO_CHANGES;
  } catch (error) {
    io.stderr(`${io.command ?? 'manifest-diff'}: ${(error as Error).message}\n`);
    return DiffExitCode.ERROR;
  }
}

function parseArguments(argv: readonly string[]): DiffArguments {
  const args: DiffArguments = { markdown: false, color: true, directories: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === '--markdown') args.markdown = true;
    else if (arg === '--no-color') args.color = false;
    else if (arg === '--output') args.output = value();
    else if (arg === '--app') args.app = value();
    else if (arg === '--against') args.against = value();
    else if (arg === '-h' || arg === '--help') continue;
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else args.directories.push(arg);
  }
  if (args.directories.length !== 0 && args.directories.length !== 2) {
    throw new Error(`expected two directories (before and after) or none, got ${args.directories.length}`);
  }
  if (args.directories.length === 2 && (args.app || args.against)) {
    throw new Error('--app and --against apply only when no directories are given');
  }
  return args;
}

/** Runs the app with CDK8S_OUTDIR set to a temporary folder and compares the committed output with it. */
function diffAgainstSynthesis(args: DiffArguments, io: DiffCommandIo): ManifestDiff {
  const config = readCdk8sConfig(io.cwd);
  const command = args.app ?? config.app;
  if (!command) throw new Error('no app command: pass --app or set `app` in cdk8s.yaml');
  const against = resolve(io.cwd, args.against ?? config.output ?? DEFAULT_OUTPUT);
  const outdir = mkdtempSync(join(tmpdir(), 'manifest-diff-'));
  try {
    const result = spawnSync(command, {
      cwd: io.cwd,
      shell: true,
      env: { ...io.env, CDK8S_OUTDIR: outdir },
      // The app's own output goes to stderr, so a Markdown report on stdout stays clean.
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    if (result.stdout) io.stderr(result.stdout);
    if (result.stderr) io.stderr(result.stderr);
    if (result.error) throw new Error(`could not run \`${command}\`: ${result.error.message}`);
    if (result.status !== 0) throw new Error(`\`${command}\` failed with exit code ${result.status}`);
    if (!existsSync(against)) throw new Error(`${against} does not exist: nothing committed to compare with`);
    return diffDirectories(against, outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
