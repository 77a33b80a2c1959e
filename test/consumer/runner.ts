// The consumer test's steps: each command run, timed and checked, its output shown only when it went wrong.
import { spawnSync } from 'child_process';

export interface RunOptions {
  readonly cwd: string;
  /** Added to the environment. */
  readonly env?: Record<string, string>;
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

/** What a command must do: its exit code and what its output must show. */
export class Outcome {
  /** Exits with `code` ('non-zero': any failure) and prints something matching `pattern`. */
  public static exit(code: number | 'non-zero', pattern?: RegExp): Outcome {
    return new Outcome((r) => {
      const problems: string[] = [];
      if (code === 'non-zero' ? r.status === 0 : r.status !== code) problems.push(`exit code ${r.status}, expected ${code}`);
      if (pattern && !pattern.test(r.stdout + r.stderr)) problems.push(`output does not match ${pattern}`);
      return problems;
    });
  }

  /**
   * Fails with the kit's short report: the summary once, each construct path and the rule, at most one `at` line
   * (the user's own), none of the error's properties dumped by Node.
   */
  public static shortReport(constructPaths: readonly string[], ruleId: string): Outcome {
    return new Outcome((r) => {
      const output = r.stdout + r.stderr;
      const problems = Outcome.exit('non-zero').problems(r);
      const summaries = output.split('Synthesis failed; nothing was written.').length - 1;
      if (summaries !== 1) problems.push(`the summary line appears ${summaries} times, expected once`);
      for (const path of constructPaths) if (!output.includes(`[${path}]`)) problems.push(`no [${path}] group`);
      const findings = output.split(`error ${ruleId} `).length - 1;
      if (findings !== constructPaths.length) problems.push(`${findings} ${ruleId} findings, expected ${constructPaths.length}`);
      // `cdk8s synth` adds its own error with a stack trace through cdk8s-cli and Node: not the kit's to shorten.
      const frames = output.split('\n').filter((line) => /^\s+at /.test(line) && !/cdk8s-cli|\(node:/.test(line)).length;
      if (frames > 1) problems.push(`${frames} stack frames, expected at most one`);
      if (/problems: \[|report: \{/.test(output)) problems.push('the error\'s properties are dumped');
      return problems;
    });
  }

  private constructor(public readonly problems: (result: RunResult) => string[]) {}
}

/** Runs the steps, printing one line each; throws on the first that fails, with its output. */
export class Runner {
  /** Steps and checks that passed so far. */
  public passed = 0;
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    // npm's own variables (set when this runs as an npm script) and the kit's would leak into the projects.
    this.env = Object.fromEntries(Object.entries(process.env).filter(([key]) =>
      !key.startsWith('npm_') && key !== 'CDK8S_OUTDIR' && key !== 'CDK8S_PATTERNS_VERBOSE' && key !== 'INIT_CWD'));
  }

  public section(title: string): void {
    process.stdout.write(`\n== ${title}\n`);
  }

  public note(text: string): void {
    process.stdout.write(`   ${text}\n`);
  }

  /** Runs without printing; the result as it is. */
  public quiet(command: string, args: readonly string[], options: RunOptions): RunResult {
    const started = Date.now();
    const result = spawnSync(command, args, {
      cwd: options.cwd,
      env: { ...this.env, ...options.env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
  }

  /** A step that must exit 0. */
  public step(title: string, command: string, args: readonly string[], options: RunOptions): RunResult {
    return this.expect(title, command, args, options, Outcome.exit(0));
  }

  public expect(title: string, command: string, args: readonly string[], options: RunOptions, outcome: Outcome): RunResult {
    const result = this.quiet(command, args, options);
    const problems = outcome.problems(result);
    process.stdout.write(`${problems.length ? 'FAIL' : 'ok  '} ${title} (${result.seconds.toFixed(1)} s)\n`);
    if (problems.length) {
      process.stdout.write(`--- stdout\n${result.stdout}--- stderr\n${result.stderr}---\n`);
      throw new Error(`${title}: ${problems.join('; ')}`);
    }
    this.passed++;
    return result;
  }

  public check(condition: boolean, what: string): void {
    process.stdout.write(`${condition ? 'ok  ' : 'FAIL'} ${what}\n`);
    if (!condition) throw new Error(what);
    this.passed++;
  }
}
