// A synth killed (SIGKILL) at a random moment leaves the previous or the new output complete, never neither nor a mix,
// and the next synth leaves nothing behind. KILL_TRIALS sets the number of kills (default 20 under CI, else 10); KILL_SEED
// the random seed (fixed under CI, so that a red build replays); KILL_REPORT a file to write the outcome counts to.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { synthesize } from '../../lib';
import { recoverForReading } from '../../lib/synthesis/output-folder';
import { fileTree } from '../support/file-tree';
import { outputSafetyApp, outputSafetyLayout } from '../support/output-safety-app';
import { ChildMode, startSynthChild } from '../support/synth-child';

const TRIALS = Number(process.env.KILL_TRIALS ?? (process.env.CI ? 20 : 10));
const SEED = Number(process.env.KILL_SEED ?? (process.env.CI ? 18 : Date.now() % 1e9));
const MODES: ChildMode[] = ['reports', 'thread'];

jest.setTimeout(120_000 + TRIALS * 10_000);

/** A small seeded generator (mulberry32), so that a failing series can be replayed with KILL_SEED. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let root: string;
const expected: Record<ChildMode, { old: string; new: string; synthMs: number }> = {} as never;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kill-'));
  for (const mode of MODES) {
    const old = join(root, `${mode}-old`);
    const next = join(root, `${mode}-new`);
    expect((await startSynthChild(old, 'old', mode).exit).code).toBe(0);
    // How long a whole synth takes once the child is ready: the kills are spread over it.
    let synthMs = 0;
    for (let run = 0; run < 2; run++) {
      const child = startSynthChild(next, 'new', mode);
      await child.ready;
      const start = Date.now();
      expect((await child.exit).code).toBe(0);
      synthMs = Math.max(synthMs, Date.now() - start);
    }
    expected[mode] = { old, new: next, synthMs };
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

test(`a synth killed at ${TRIALS} random moments leaves the old or the new output complete, and the next synth no leftover`, async () => {
  const next = random(SEED);
  const outcomes: Record<string, number> = {};
  const count = (key: string) => { outcomes[key] = (outcomes[key] ?? 0) + 1; };
  for (let trial = 0; trial < TRIALS; trial++) {
    const mode = MODES[trial % MODES.length];
    const { old, new: fresh, synthMs } = expected[mode];
    const oldTree = fileTree(old);
    const newTree = fileTree(fresh);
    // given the previous output in place
    const parent = join(root, `trial-${trial}`);
    const outdir = join(parent, 'dist');
    cpSync(old, outdir, { recursive: true });
    // when a synth of the new output is killed after a random delay within its duration (a little past its end); half
    // the kills fall in its last fifth, where the files are written and the output replaced
    const child = startSynthChild(outdir, 'new', mode);
    await child.ready;
    const delay = (next() < 0.5 ? next() * 1.1 : 0.8 + next() * 0.3) * synthMs;
    await sleep(delay);
    child.process.kill('SIGKILL');
    const { signal } = await child.exit;
    count(signal === 'SIGKILL' ? 'killed' : 'finished before the kill');
    // then, once a reader has done its recovery, the folder is the complete old or the complete new output
    if (!existsSync(outdir)) count('outdir missing until recovery');
    recoverForReading(outdir);
    const tree = fileTree(outdir);
    const context = `trial ${trial} (seed ${SEED}, ${mode}, killed after ${delay.toFixed(0)} of ${synthMs} ms)`;
    const outcome = JSON.stringify(tree) === JSON.stringify(oldTree) ? 'old' : JSON.stringify(tree) === JSON.stringify(newTree) ? 'new' : context;
    expect(outcome === 'old' || outcome === 'new' ? 'complete' : outcome).toBe('complete');
    count(`${outcome} output`);
    if (readdirSync(parent).length > 1) count('leftovers before the next synth');
    // and the next synth replaces it and leaves nothing beside it
    synthesize(outputSafetyApp('new'), { outdir, layout: mode === 'reports' ? outputSafetyLayout : undefined, warn: () => undefined });
    expect(fileTree(outdir)).toEqual(newTree);
    expect(readdirSync(parent)).toEqual(['dist']);
    rmSync(parent, { recursive: true, force: true });
  }
  if (process.env.KILL_REPORT) {
    writeFileSync(process.env.KILL_REPORT, `${JSON.stringify({ trials: TRIALS, seed: SEED, synthMs: MODES.map((m) => expected[m].synthMs), outcomes }, null, 2)}\n`);
  }
  expect(outcomes.killed).toBeGreaterThan(0);
});
