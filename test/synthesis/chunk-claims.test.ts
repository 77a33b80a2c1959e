// Claims on chunks to dump as YAML: each chunk goes to exactly one thread.
import { DUMPED_BY_CALLER, DUMPED_BY_WRITER, CLAIMABLE_CHUNKS, claimChunk, claimOf, newClaims } from '../../lib/synthesis/chunk-claims';

test('a chunk claimed by one thread cannot be claimed by the other, nor twice', () => {
  const claims = newClaims();
  expect(claimChunk(claims, 0, DUMPED_BY_WRITER)).toBe(true);
  expect(claimChunk(claims, 0, DUMPED_BY_CALLER)).toBe(false);
  expect(claimChunk(claims, 0, DUMPED_BY_WRITER)).toBe(false);
  expect(claimChunk(claims, 5, DUMPED_BY_CALLER)).toBe(true);
  expect(claimChunk(claims, 5, DUMPED_BY_WRITER)).toBe(false);
});

test('chunks beyond the claim slots are always the writer thread\'s', () => {
  const claims = newClaims();
  expect(claimChunk(claims, CLAIMABLE_CHUNKS, DUMPED_BY_CALLER)).toBe(false);
  expect(claimChunk(claims, CLAIMABLE_CHUNKS, DUMPED_BY_WRITER)).toBe(true);
  expect(claimChunk(claims, CLAIMABLE_CHUNKS + 7, DUMPED_BY_WRITER)).toBe(true);
});

test('tells who claimed a chunk', () => {
  const claims = newClaims();
  expect(claimOf(claims, 3)).toBe(0);
  claimChunk(claims, 3, DUMPED_BY_CALLER);
  claimChunk(claims, 4, DUMPED_BY_WRITER);
  expect([claimOf(claims, 3), claimOf(claims, 4), claimOf(claims, CLAIMABLE_CHUNKS + 1)]).toEqual([DUMPED_BY_CALLER, DUMPED_BY_WRITER, DUMPED_BY_WRITER]);
});
