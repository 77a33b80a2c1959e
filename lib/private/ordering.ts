// The one string order of the kit's output: by Unicode code point, the same on every machine and in every locale.

/**
 * Compares strings by Unicode code point (what `localeCompare` is not: its order follows the machine's locale, so
 * `da_DK` puts `aa` after `z` and `lt_LT` puts `y` right after `i`). Code units order code points except where a
 * surrogate pair (a code point above U+FFFF) meets a unit from U+E000 up, which sorts first.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A UTF-16 code unit's place among code points: surrogates (code points above U+FFFF) after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}
