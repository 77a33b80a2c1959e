// The output folder synthesis may replace: never `/`, a file, a symlink, a mount point, or a folder holding the project.
import { existsSync, lstatSync, realpathSync, Stats } from 'fs';
import { basename, dirname, join, parse, relative, resolve, sep } from 'path';
import { SynthesisError } from './synthesis-error';

/**
 * The absolute path of `outdir` (its parent's symlinks resolved), after refusing every folder synthesis must not
 * replace: the root, a file, a symlink, a mount point, the working directory or the project (the folder holding the
 * package.json of the running program or of the working directory) or any folder containing one of them.
 */
export function checkedOutdir(outdir: string): string {
  const absolute = resolve(outdir);
  const refuse = (why: string) => new SynthesisError([`outdir ${JSON.stringify(outdir)} ${why}; synthesis replaces the whole folder, so use a folder of its own such as 'dist'`]);
  if (absolute === parse(absolute).root) throw refuse('is the root of the file system');
  const path = join(realExistingPath(dirname(absolute)), basename(absolute));
  const stats = lstatOrUndefined(path);
  if (stats?.isSymbolicLink()) throw refuse('is a symbolic link');
  if (stats && !stats.isDirectory()) throw refuse('is a file, not a folder');
  if (stats && stats.dev !== lstatSync(dirname(path)).dev) throw refuse('is a mount point');
  const folders = protectedFolders();
  const same = folders.find(([, folder]) => folder === path);
  if (same) throw refuse(`is ${same[0]}`);
  const inside = folders.find(([, folder]) => isSameOrInside(folder, path));
  if (inside) throw refuse(`contains ${inside[0]} (${inside[1]})`);
  return path;
}

/** The folders an outdir must neither be nor contain. */
function protectedFolders(): [string, string][] {
  const cwd = realExistingPath(process.cwd());
  const folders: [string, string][] = [['the working directory', cwd]];
  const cwdProject = projectRoot(cwd);
  if (cwdProject) folders.push(['the project', cwdProject]);
  const program = process.argv[1] && existsSync(process.argv[1]) ? projectRoot(dirname(realpathSync(process.argv[1]))) : undefined;
  if (program) folders.push(["the running program's project", program]);
  return folders;
}

/** The nearest folder at or above `folder` that holds a package.json. */
function projectRoot(folder: string): string | undefined {
  for (let dir = folder; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Whether `inner` is `outer` or lies below it. */
function isSameOrInside(inner: string, outer: string): boolean {
  const path = relative(outer, inner);
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !parse(path).root);
}

/** `path` with the symlinks of its longest existing ancestor resolved. */
function realExistingPath(path: string): string {
  if (existsSync(path)) return realpathSync(path);
  const parent = dirname(path);
  return parent === path ? path : join(realExistingPath(parent), basename(path));
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
