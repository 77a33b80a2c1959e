// Reads a folder as { relative path: bytes }, for byte-for-byte comparisons of synthesized output.
import { readdirSync, readFileSync, statSync } from 'fs';
import { join } from 'path';

/** Every file under `dir` with its bytes (base64), keyed by its path below `dir`. */
export function fileTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => readdirSync(d).sort().forEach((name) => {
    const path = join(d, name);
    if (statSync(path).isDirectory()) walk(path);
    else files[path.slice(dir.length)] = readFileSync(path).toString('base64');
  });
  walk(dir);
  return files;
}
