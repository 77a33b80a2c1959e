// The output folder replaced so that a kill at any moment leaves either the old or the new output complete.
//
// A synth writes into `.<name>.staging-<pid>` beside the outdir, syncs every file and folder to the disk, and renames
// it `.<name>.new-<pid>`: a `new` folder is complete by its name. It then moves the old output aside whole
// (`.<name>.old-<pid>`), renames the new one into place and discards the old one (renamed to `.<name>.trash-…` first,
// so that a half-removed folder is never taken for a complete one). A kill between the two renames leaves no outdir
// but a complete `new` and `old` beside it; the next synth, and a reader finding the outdir missing, restore it first
// (docs/adr/0003-output-folder-replacement.md). All of it runs under the lock of output-lock.ts.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'fs';
import { dirname, join } from 'path';
import { lockOutput } from './output-lock';
import { fsyncPath, isRunning, siblingPath, siblings } from './output-siblings';

/** Creates this synth's staging folder, empty (and the outdir's parent, when missing). */
export function createStaging(outdir: string): string {
  mkdirSync(dirname(outdir), { recursive: true });
  const staging = siblingPath(outdir, 'staging', process.pid);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  return staging;
}

/** Replaces `outdir` by the written staging folder (see the steps). */
export function replaceOutput(staging: string, outdir: string): void {
  for (const step of replacementSteps(staging, outdir)) step();
}

/**
 * The steps of `replaceOutput`, in order. After any prefix of them (where a kill may stop a synth) either the outdir
 * is complete, old or new, or it is missing and a complete `new` folder lies beside it, which recovery renames into
 * place.
 */
export function replacementSteps(staging: string, outdir: string): (() => void)[] {
  const complete = siblingPath(outdir, 'new', process.pid);
  const old = siblingPath(outdir, 'old', process.pid);
  let movedAside = false;
  return [
    () => syncTree(staging),
    () => renameAndSync(staging, complete),
    () => { movedAside = renameIfPresent(outdir, old); },
    () => renameAndSync(complete, outdir),
    () => { if (movedAside) discard(outdir, old); },
  ];
}

/**
 * Repairs what killed synths left, holding the outdir's lock: a missing outdir is restored from a complete folder
 * beside it (the new output, else the old one), then every leftover is removed (none can be a running synth's: they
 * all hold the lock).
 */
export function recoverOutput(outdir: string): void {
  const found = siblings(outdir);
  const complete = found.find((s) => s.kind === 'new') ?? found.find((s) => s.kind === 'old');
  if (complete && !existsSync(outdir)) renameAndSync(complete.path, outdir);
  for (const sibling of siblings(outdir)) {
    if (sibling.kind === 'lock' || sibling.kind === 'stale-lock') {
      if (!isRunning(sibling.pid)) rmSync(sibling.path, { force: true });
    } else if (sibling.kind === 'trash') {
      rmSync(sibling.path, { recursive: true, force: true });
    } else {
      discard(outdir, sibling.path);
    }
  }
}

/**
 * What a reader of the output does first: when the outdir is missing but a killed synth left a complete output
 * beside it, restores it under the lock (waiting for a synth that is still running). Touches nothing otherwise.
 */
export function recoverForReading(outdir: string): void {
  if (existsSync(outdir) || !siblings(outdir).some((s) => s.kind === 'new' || s.kind === 'old')) return;
  const release = lockOutput(outdir);
  try {
    recoverOutput(outdir);
  } finally {
    release();
  }
}

/** Flushes every file and folder under `folder`, and `folder` itself, to the disk. */
function syncTree(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) syncTree(path);
    else fsyncPath(path);
  }
  fsyncPath(folder);
}

/** Renames, then syncs the parent folder so that the rename is on the disk. */
function renameAndSync(from: string, to: string): void {
  renameSync(from, to);
  fsyncPath(dirname(to));
}

/** Renames `from` when it exists; false when it does not. */
function renameIfPresent(from: string, to: string): boolean {
  try {
    renameSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Removes a folder beside the outdir, first renamed to a trash name so that a kill half-way leaves no doubt. */
function discard(outdir: string, path: string): void {
  const trash = siblingPath(outdir, 'trash', process.pid);
  renameSync(path, trash);
  rmSync(trash, { recursive: true, force: true });
}
