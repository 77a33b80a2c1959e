// compareCodePoints: one order on every machine, by Unicode code point.
import * as fc from 'fast-check';
import { compareCodePoints } from '../../lib/private/ordering';

test('orders by code point, where locales disagree (Danish aa, Lithuanian y, case, punctuation)', () => {
  expect(['z', 'aa', 'y', 'j', 'i', 'B', 'a', 'postgres-backup', 'postgres', 'a_b', 'a-b', 'å'].sort(compareCodePoints))
    .toEqual(['B', 'a', 'a-b', 'a_b', 'aa', 'i', 'j', 'postgres', 'postgres-backup', 'y', 'z', 'å']);
});

test('a code point above U+FFFF sorts after U+E000–U+FFFF (UTF-16 code units would put it before)', () => {
  expect(['😀', '\uffff', '\ue000', 'z'].sort(compareCodePoints)).toEqual(['z', '\ue000', '\uffff', '😀']);
});

test('agrees with comparing the code point arrays, for any strings', () => {
  const byArrays = (a: string, b: string) => {
    const x = [...a].map((c) => c.codePointAt(0)!);
    const y = [...b].map((c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
    return x.length - y.length;
  };
  fc.assert(fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byArrays(a, b)));
  }), { seed: process.env.CI ? 18 : undefined });
});
