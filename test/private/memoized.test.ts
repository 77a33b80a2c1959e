// memoized: a pure function's results remembered, up to a bound.
import { memoized } from '../../lib/private/memoized';

describe('memoized', () => {
  test('computes each argument once, undefined results included', () => {
    // given
    const compute = jest.fn((key: string) => (key === 'x' ? undefined : key.length));
    const remembered = memoized(compute);
    // when
    const results = ['ab', 'x', 'ab', 'x'].map(remembered);
    // then
    expect(results).toEqual([2, undefined, 2, undefined]);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  test('past its limit it still answers, computing what it no longer has room for', () => {
    // given
    const compute = jest.fn((key: string) => key.toUpperCase());
    const remembered = memoized(compute, 2);
    // when
    const results = ['a', 'b', 'c', 'c', 'a'].map(remembered);
    // then
    expect(results).toEqual(['A', 'B', 'C', 'C', 'A']);
    expect(compute.mock.calls.map(([key]) => key)).toEqual(['a', 'b', 'c', 'c']);
  });
});
