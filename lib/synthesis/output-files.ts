// The files of the output: what a layout returns, the default layout, and writing one file into the staging folder.
import { closeSync, openSync, writeFileSync } from 'fs';
import { isAbsolute, join, posix, relative } from 'path';
import type { SynthesizedChart } from './resolve-charts';
import { SynthesisError } from './synthesis-error';
import { writeText } from './write-text';
import { yamlDocuments } from './yaml-documents';

/** One file of the output. */
export interface OutputFile {
  /** Relative to the outdir, with `/` separators. */
  readonly path: string;
  /**
   * The whole text, or its pieces in order, produced while the file is written (e.g. `yamlDocuments(objects)`),
   * so that a large file never has to be held in memory as one string.
   */
  readonly content: string | Iterable<string>;
}

/** The default layout: one multi-document YAML file per chart (see `SynthesizeOptions.layout`). */
export function yamlPerChart(charts: readonly SynthesizedChart[]): OutputFile[] {
  return charts.map((c) => ({ path: c.file, content: yamlDocuments(c.objects) }));
}

/**
 * The layout's files with their paths in the staging folder. Refused: a path that would leave it, and two files
 * with one path (also when they differ only in case, as they would on macOS or Windows) or a file where another's
 * folder goes.
 */
export function stagedFiles(staging: string, files: readonly OutputFile[]): OutputFile[] {
  const staged = files.map((file) => ({ ...file, path: stagedPath(staging, file.path) }));
  const byKey = new Map<string, string>();
  for (const { path } of files) {
    const key = posix.normalize(path).toLowerCase();
    const other = byKey.get(key);
    if (other !== undefined) {
      throw new SynthesisError([`layout: two files would be written at one path, ${JSON.stringify(other)} and ${JSON.stringify(path)}; give each its own path`]);
    }
    byKey.set(key, path);
  }
  for (const [key, path] of byKey) {
    for (let i = key.indexOf('/'); i > 0; i = key.indexOf('/', i + 1)) {
      const file = byKey.get(key.slice(0, i));
      if (file !== undefined) throw new SynthesisError([`layout: ${JSON.stringify(file)} would be both a file and the folder of ${JSON.stringify(path)}`]);
    }
  }
  return staged;
}

/** Where a layout's file goes in the staging folder; a path that would leave it is refused. */
function stagedPath(staging: string, path: string): string {
  const staged = join(staging, path);
  if (isAbsolute(path) || relative(staging, staged).startsWith('..')) {
    throw new SynthesisError([`layout: file path ${JSON.stringify(path)} leaves the output folder: use a relative path below it`]);
  }
  return staged;
}

/** Pieces are gathered into writes of about this many characters: few system calls, little held at once. */
const WRITE_CHUNK = 1 << 18;

/** Writes a file's content, whole or piece by piece. */
export function writeContent(path: string, content: string | Iterable<string>): void {
  if (typeof content === 'string') {
    writeFileSync(path, content);
    return;
  }
  const fd = openSync(path, 'w');
  try {
    let pending = '';
    for (const piece of content) {
      pending += piece;
      if (pending.length >= WRITE_CHUNK) {
        writeText(fd, pending);
        pending = '';
      }
    }
    writeText(fd, pending);
  } finally {
    closeSync(fd);
  }
}
