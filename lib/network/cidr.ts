// IPv4 and IPv6 CIDR blocks as numbers: parsing in the API server's canonical form, and containment, for the
// ipBlocks of NetworkPolicies and the ranges they must never reach.

/** A parsed CIDR block. */
export interface Cidr {
  readonly family: 4 | 6;
  /** The network address as a number (host bits zero). */
  readonly network: bigint;
  readonly prefix: number;
  /** The canonical text, e.g. `10.0.0.0/8` or `fd00:ec2::254/128`. */
  readonly text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses `text` as a CIDR block. Returns a reason instead when it is none, or is not in the canonical form the API
 * server stores (host bits zero, no leading zeros, compressed lower-case IPv6), with the canonical text to use.
 */
export function parseCidr(text: string): Cidr | { reason: string } {
  if (typeof text !== 'string') return { reason: 'is not a string' };
  const slash = text.indexOf('/');
  if (slash < 0 || !/^\d{1,3}$/.test(text.slice(slash + 1))) return { reason: 'needs a prefix length, e.g. "203.0.113.0/24"' };
  const prefix = Number(text.slice(slash + 1));
  const address = parseAddress(text.slice(0, slash));
  if (!address) return { reason: 'is no IPv4 or IPv6 address with a prefix length' };
  const bits = address.family === 4 ? 32 : 128;
  if (prefix > bits) return { reason: `has a prefix longer than ${bits} bits` };
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const network = address.value & ~hostMask;
  const canonical = `${formatAddress(address.family, network)}/${prefix}`;
  if (canonical !== text) return { reason: `is not in canonical form: write "${canonical}"` };
  return { family: address.family, network, prefix, text: canonical };
}

/** Whether `inner` lies within `outer` (equal blocks included). */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  if (outer.family !== inner.family || inner.prefix < outer.prefix) return false;
  const bits = outer.family === 4 ? 32 : 128;
  const shift = BigInt(bits - outer.prefix);
  return (inner.network >> shift) === (outer.network >> shift);
}

/** Whether two blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Parses a CIDR the kit itself writes; throws on a typo in the kit's own constants. */
export function knownCidr(text: string): Cidr {
  const parsed = parseCidr(text);
  if ('reason' in parsed) throw new Error(`internal: ${text} ${parsed.reason}`);
  return parsed;
}

function parseAddress(text: string): { family: 4 | 6; value: bigint } | undefined {
  const v4 = IPV4.exec(text);
  if (v4) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o, i) => o > 255 || String(o) !== v4[i + 1])) return undefined;
    return { family: 4, value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!/^[0-9a-fA-F:]+$/.test(text) || text.split('::').length > 2) return undefined;
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headGroups.length - tailGroups.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return undefined;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill('0'), ...tailGroups];
  if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return { family: 6, value: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n) };
}

function formatAddress(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups (the first of equal runs) becomes '::'.
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}
