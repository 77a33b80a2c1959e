// Writes a bench child's YAML files the same way on both sides, so only the serialization differs.
import { mkdirSync, writeFileSync } from 'fs';
import { dirname, join } from 'path';

/** Writes each file below `outdir`; returns the bytes written. */
export function writeFiles(outdir: string, files: readonly { file: string; yaml: string }[]): number {
  let bytes = 0;
  for (const { file, yaml } of files) {
    const path = join(outdir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, yaml);
    bytes += Buffer.byteLength(yaml);
  }
  return bytes;
}
