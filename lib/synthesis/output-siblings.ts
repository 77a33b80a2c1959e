// What synthesis keeps beside the output folder while it replaces it: `.<name>.<kind>-<pid>` folders and files.
import { closeSync, fsyncSync, openSync, readdirSync } from 'fs';
import { basename, dirname, join } from 'path';

/**
 * `staging`: a folder being written (never complete); `new`: a staged folder complete and synced; `old`: the previous
 * output, moved aside whole; `trash`: a folder being removed (never complete); `lock`: a lock file being created;
 * `stale-lock`: a dead synth's lock being removed.
 */
export type SiblingKind = 'staging' | 'new' | 'old' | 'trash' | 'lock' | 'stale-lock';

/** A sibling of the output folder, with the pid of the synth that made it. */
export interface Sibling {
  readonly path: string;
  readonly kind: SiblingKind;
  readonly pid: number;
}

let serial = 0;

/**
 * The path of a sibling of `outdir`: `.<name>.<kind>-<pid>` (a trash folder gets a serial number too, so that one
 * synth can discard several); without a pid, `.<name>.<kind>` (the lock itself).
 */
export function siblingPath(outdir: string, kind: SiblingKind, pid?: number): string {
  const prefix = join(dirname(outdir), `.${basename(outdir)}.${kind}`);
  if (pid === undefined) return prefix;
  return kind === 'trash' ? `${prefix}-${pid}-${++serial}` : `${prefix}-${pid}`;
}

/** Every sibling of `outdir` that some synth made, in name order. */
export function siblings(outdir: string): Sibling[] {
  const prefix = `.${basename(outdir)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(outdir));
  } catch {
    return [];
  }
  const found: Sibling[] = [];
  for (const name of names.filter((n) => n.startsWith(prefix)).sort()) {
    const match = /^(staging|new|old|trash|lock|stale-lock)-([0-9]+)(?:-[0-9]+)?$/.exec(name.slice(prefix.length));
    if (match) found.push({ path: join(dirname(outdir), name), kind: match[1] as SiblingKind, pid: Number(match[2]) });
  }
  return found;
}

/**
 * Whether another process with this pid runs. This process counts as not running: synthesis is synchronous, so
 * anything with its own pid was left by an earlier process (pids repeat, e.g. in containers).
 */
export function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` (synthesis is synchronous). */
export function sleep(ms: number): void {
  Atomics.wait(SLEEPER, 0, 0, ms);
}

/** Flushes a file's or a folder's contents (a folder's: its entries) to the disk. */
export function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
