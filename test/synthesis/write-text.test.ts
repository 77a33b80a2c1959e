// writeText: a whole string reaches the file, multi-byte characters included.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { writeText } from '../../lib/synthesis/write-text';

test('writes every byte of the text, appending at the current position', () => {
  // given an open file
  const folder = mkdtempSync(join(tmpdir(), 'write-text-'));
  const path = join(folder, 'a.txt');
  const fd = openSync(path, 'w');
  // when a large text with multi-byte characters is written, then a second one
  const text = 'é💥 on: yes\n'.repeat(100000);
  writeText(fd, text);
  writeText(fd, 'end\n');
  closeSync(fd);
  // then the file holds both, in order
  expect(readFileSync(path, 'utf8')).toBe(`${text}end\n`);
  rmSync(folder, { recursive: true, force: true });
});
