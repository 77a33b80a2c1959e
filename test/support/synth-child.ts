// Runs output-safety-child.ts in a child process (with tsx, so that the writer thread loads the kit).
import { ChildProcess, spawn } from 'child_process';
import { join } from 'path';

const CHILD = join(__dirname, 'output-safety-child.ts');
const ROOT = join(__dirname, '..', '..');

export type ChildMode = 'thread' | 'reports';

/** A started synth: `ready` resolves when it is about to synthesize, `exit` when it has ended (and been reaped). */
export interface SynthChild {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

export function startSynthChild(outdir: string, version: 'old' | 'new', mode: ChildMode, env: NodeJS.ProcessEnv = process.env): SynthChild {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, outdir, version, mode], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += chunk; });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.on('exit', () => reject(new Error(`the synth ended before it was ready: ${stderr}`)));
  });
  ready.catch(() => undefined);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
  return { process: child, ready, exit };
}
