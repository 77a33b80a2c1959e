// Config hashes: stable, order-independent, sensitive to every key and value.
import { configHash } from '../../lib/pod/config-hash';

test('the hash ignores key order but not content', () => {
  expect(configHash({ a: '1', b: '2' })).toBe(configHash({ b: '2', a: '1' }));
  expect(configHash({ a: '1' })).not.toBe(configHash({ a: '2' }));
  expect(configHash({ ab: '' })).not.toBe(configHash({ a: 'b' }));
  expect(configHash({ a: '1' }, undefined)).not.toBe(configHash(undefined, { a: '1' }));
});

test('the digest is the one of old (a Hash object updated piece by piece), non-ASCII text included', () => {
  expect(configHash({ B: '2', A: 'x' }, undefined, { 'f.txt': 'é' })).toBe('bbcb8c70f9e67346');
});
