// One synth at a time per output folder: a lock file beside it holding the pid of the synth that owns it.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'fs';
import { isRunning, siblingPath, sleep } from './output-siblings';
import { SynthesisError } from './synthesis-error';

/** How long a synth waits for another synth of the same outdir before it gives up. */
export const LOCK_TIMEOUT_MS = 5 * 60 * 1000;

const POLL_MS = 25;

/**
 * Takes the lock of `outdir` (`.<name>.lock` beside it), waiting while another running synth holds it; a lock whose
 * pid no longer runs is taken over. Returns the function that releases it.
 *
 * The lock file is created whole: the pid is written to a file of this process's own, which is then hard-linked to
 * the lock's name (a link fails when the name exists), so a lock never exists without its pid, even after a kill.
 */
export function lockOutput(outdir: string, timeoutMs = LOCK_TIMEOUT_MS): () => void {
  const lock = siblingPath(outdir, 'lock');
  const mine = siblingPath(outdir, 'lock', process.pid);
  writeFileSync(mine, `${process.pid}\n`);
  try {
    const deadline = Date.now() + timeoutMs;
    while (!tryLink(mine, lock)) {
      const holder = lockHolder(lock);
      if (holder === undefined) continue; // released meanwhile
      if (!isRunning(holder)) {
        breakStaleLock(outdir, holder);
      } else if (Date.now() > deadline) {
        throw new SynthesisError([`another synth (pid ${holder}) still holds ${lock} after ${timeoutMs / 1000} s; `
          + 'wait for it to finish, or remove the file if no such process is synthesizing']);
      } else {
        sleep(POLL_MS);
      }
    }
  } finally {
    rmSync(mine, { force: true });
  }
  return () => {
    if (lockHolder(lock) === process.pid) rmSync(lock, { force: true });
  };
}

function tryLink(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** The pid in the lock file; undefined when there is none; NaN (not running) when it holds no pid. */
function lockHolder(lock: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(lock, 'utf8'), 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Removes the lock of a synth that no longer runs. It is first moved aside (one atomic rename), so that of two
 * processes taking over at once only one removes it; if what was moved turns out to be a newer lock of a running
 * synth (taken between the read and the rename), it is put back.
 */
function breakStaleLock(outdir: string, deadHolder: number): void {
  const lock = siblingPath(outdir, 'lock');
  const aside = siblingPath(outdir, 'stale-lock', process.pid);
  try {
    renameSync(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = lockHolder(aside);
  if (moved !== deadHolder && moved !== undefined && isRunning(moved)) tryLink(aside, lock);
  rmSync(aside, { force: true });
}
