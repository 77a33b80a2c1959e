// Writing a string to an open file completely: writeSync may write fewer bytes than asked.
import { writeSync } from 'fs';

/** Writes all of `text` (UTF-8) at the file's current position. */
export function writeText(fd: number, text: string): void {
  const bytes = Buffer.from(text);
  for (let written = 0; written < bytes.length;) written += writeSync(fd, bytes, written);
}
