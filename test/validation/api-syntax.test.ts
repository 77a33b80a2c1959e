// The API server's string syntaxes, at their edges.
import { isConfigKey, isDnsLabel, isIpAddress, isLabelValue, isPortName, isPortNumber, isQualifiedName, isRelativeVolumePath, isTimeZone } from '../../lib/validation/api-syntax';

test.each([
  [isDnsLabel, ['a', 'a-1', 'a'.repeat(63)], ['', 'A', '-a', 'a-', 'a.b', 'a'.repeat(64)]],
  [isQualifiedName, ['a', 'A_b.c', 'acme.io/x', `${'a'.repeat(253)}/x`], ['', '/x', 'acme.io/', 'a/b/c', 'Acme.io/x', `${'a'.repeat(254)}/x`, '-a']],
  [isLabelValue, ['', 'a', 'A.b_c-d', 'a'.repeat(63)], ['-a', 'a/b', 'a b', 'a'.repeat(64)]],
  [isConfigKey, ['a', '.env', 'a.b-c_D', 'k'.repeat(253)], ['', '.', '..', 'a/b', 'a b', 'k'.repeat(254)]],
  [isRelativeVolumePath, ['a', 'a/b', 'a/..b', '..a/b', './a'], ['', '/a', '..', 'a/../b', 'a/..']],
  [isPortName, ['http', 'h2c', 'a-b', 'a'.repeat(15)], ['', '80', 'HTTP', 'a--b', '-a', 'a'.repeat(16)]],
  [isPortNumber, [1, 80, 65535], [0, -1, 65536, 1.5, '80']],
  [isIpAddress, ['10.0.0.1', '::1', '2001:db8::1', '255.255.255.255'], ['a.b', '256.1.1.1', 'shop.example.com', '1.2.3']],
  [isTimeZone, ['UTC', 'Etc/UTC', 'Europe/Berlin', 'US/Eastern', 'Etc/GMT+5'], ['', 'utc', 'Local', '+01:00', 'Mars/Olympus', 'Europe/berlin']],
] as const)('%p accepts the valid and refuses the rest', (predicate, valid, invalid) => {
  for (const value of valid) expect([value, (predicate as (v: unknown) => boolean)(value)]).toEqual([value, true]);
  for (const value of invalid) expect([value, (predicate as (v: unknown) => boolean)(value)]).toEqual([value, false]);
});
