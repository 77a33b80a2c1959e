// Which thread dumps the YAML of which chunk of objects, and schema-checks it: the writer thread goes through the
// chunks from the first, the main thread, when the writer lags and once its own work is done, from the last; each
// chunk is claimed with one atomic compare-and-swap, so exactly one of them takes it.

/** Chunks with a claim slot; later ones (an output of over two million objects) are always the writer thread's. */
export const CLAIMABLE_CHUNKS = 8192;

export const DUMPED_BY_WRITER = 1;
export const DUMPED_BY_CALLER = 2;

/** Shared claim slots, one per chunk, all unclaimed. */
export function newClaims(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4 * CLAIMABLE_CHUNKS));
}

/** Claims chunk `index` for `dumper`; false when the other thread had claimed it. */
export function claimChunk(claims: Int32Array, index: number, dumper: typeof DUMPED_BY_WRITER | typeof DUMPED_BY_CALLER): boolean {
  if (index >= CLAIMABLE_CHUNKS) return dumper === DUMPED_BY_WRITER;
  return Atomics.compareExchange(claims, index, 0, dumper) === 0;
}

/** Who has claimed chunk `index`: DUMPED_BY_WRITER, DUMPED_BY_CALLER, or 0 for no one yet. */
export function claimOf(claims: Int32Array, index: number): number {
  return index >= CLAIMABLE_CHUNKS ? DUMPED_BY_WRITER : Atomics.load(claims, index);
}
