// A pure function of a string, its results remembered: a platform's objects repeat the same few label keys, port
// names and quantities thousands of times, so most calls become a lookup. Bounded, as a long-running process (a test
// runner, a watch loop) checks many object sets.

/** `compute`, remembering the results of the first `limit` distinct arguments. */
export function memoized<V>(compute: (key: string) => V, limit = 10_000): (key: string) => V {
  const results = new Map<string, V>();
  return (key) => {
    if (results.has(key)) return results.get(key) as V;
    const result = compute(key);
    if (results.size < limit) results.set(key, result);
    return result;
  };
}
