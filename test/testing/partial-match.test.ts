// partialMismatches: the comparison behind toHaveResource.
import { partialMismatches, printValue } from '../../lib/testing';

describe('partialMismatches', () => {
  test('ignores fields the partial does not name', () => {
    expect(partialMismatches({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toEqual([]);
  });

  test('reports each differing leaf with its dotted path', () => {
    expect(partialMismatches({ a: 1, b: { c: 2 } }, { a: 2, b: { c: 3, e: 'x' } })).toEqual([
      { path: 'a', expected: 2, received: 1 },
      { path: 'b.c', expected: 3, received: 2 },
      { path: 'b.e', expected: 'x', received: undefined },
    ]);
  });

  test('arrays match element by element and must have the same length', () => {
    expect(partialMismatches({ l: [{ n: 'a', x: 1 }, { n: 'b' }] }, { l: [{ n: 'a' }, { n: 'c' }] }))
      .toEqual([{ path: 'l[1].n', expected: 'c', received: 'b' }]);
    expect(partialMismatches({ l: [1, 2] }, { l: [1] })).toEqual([{ path: 'l', expected: [1], received: [1, 2] }]);
  });

  test('an object where a scalar is found is one mismatch at that path', () => {
    expect(partialMismatches({ a: 'text' }, { a: { b: 1 } })).toEqual([{ path: 'a', expected: { b: 1 }, received: 'text' }]);
  });

  test('asks asymmetric matchers', () => {
    expect(partialMismatches({ image: 'a:1.0' }, { image: expect.stringMatching(/:1\.0$/) })).toEqual([]);
    expect(partialMismatches({ image: 'a:2.0' }, { image: expect.stringMatching(/:1\.0$/) })).toHaveLength(1);
  });
});

describe('printValue', () => {
  test('compact JSON, undefined by name, asymmetric matchers by their description', () => {
    expect(printValue({ a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(printValue(undefined)).toBe('undefined');
    expect(printValue(expect.any(String))).toBe('"<Any<String>>"');
  });
});
