// Which address the gateway takes for the client: the TCP peer, or what a trusted proxy says in X-Forwarded-For.
import { isIP } from 'net';
import { IConstruct } from 'constructs';
import { PatternError } from '../errors';

/** Checks trusted-proxy CIDRs (a bare address is one host) and returns them in a canonical order. */
export function resolveTrustedProxies(scope: IConstruct, prop: string, cidrs: readonly string[] | undefined): string[] {
  if (cidrs === undefined) return [];
  if (!Array.isArray(cidrs)) throw PatternError.invalidProp(scope, prop, cidrs, 'must be a list of CIDRs such as ["10.0.0.0/8"]');
  const checked = cidrs.map((cidr, i) => {
    if (!isCidr(cidr)) {
      throw PatternError.invalidProp(scope, `${prop}[${i}]`, cidr,
        'must be an IPv4 or IPv6 CIDR such as "10.0.0.0/8" or "fd00::/8", or a single address');
    }
    if (/\/0$/.test(cidr)) {
      throw PatternError.invalidProp(scope, `${prop}[${i}]`, cidr, 'trusts every peer, so any client could choose its own address: name the proxies\' CIDRs');
    }
    return cidr;
  });
  const unique = [...new Set(checked)];
  if (unique.length !== checked.length) throw PatternError.invalidProp(scope, prop, cidrs, 'lists a CIDR twice');
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * http-level lines: with trusted proxies, whether the TCP peer is one of them, and the X-Forwarded-For passed on:
 * a trusted proxy's chain with that proxy appended, else only the peer. (`$proxy_add_x_forwarded_for` would
 * append the client found by realip a second time instead of the proxy.)
 */
export function clientAddressMaps(trustedProxies: readonly string[]): string[] {
  if (trustedProxies.length === 0) return [];
  return [
    '',
    '  geo $realip_remote_addr $from_trusted_proxy {',
    '    default 0;',
    ...trustedProxies.map((cidr) => `    ${cidr} 1;`),
    '  }',
    '  map "$from_trusted_proxy:$http_x_forwarded_for" $forwarded_for {',
    '    "~^1:(?<chain>.+)$" "$chain, $realip_remote_addr";',
    '    default $remote_addr;',
    '  }',
  ];
}

/**
 * Server-level lines of the routes' server. Without trusted proxies `$remote_addr` is the TCP peer and no client
 * header changes it; with them, realip replaces it by the last address in X-Forwarded-For that is not a trusted
 * proxy, and only when the peer is one. Rate limits and X-Real-IP use `$remote_addr` after this. Kept out of the
 * health server, so that loopback-only locations there see the real peer.
 * @see https://nginx.org/en/docs/http/ngx_http_realip_module.html
 */
export function realIpLines(trustedProxies: readonly string[]): string[] {
  if (trustedProxies.length === 0) return [];
  return [
    '',
    '    # The client address: the TCP peer, or from a trusted proxy the last untrusted address of X-Forwarded-For.',
    ...trustedProxies.map((cidr) => `    set_real_ip_from ${cidr};`),
    '    real_ip_header X-Forwarded-For;',
    '    real_ip_recursive on;',
  ];
}

/** The client-address headers of a proxied location. */
export function forwardedForHeaders(trustedProxies: readonly string[]): string[] {
  return [
    '      proxy_set_header X-Real-IP $remote_addr;',
    `      proxy_set_header X-Forwarded-For ${trustedProxies.length ? '$forwarded_for' : '$remote_addr'};`,
  ];
}

function isCidr(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const [address, prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}
