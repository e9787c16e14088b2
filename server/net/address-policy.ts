/**
 * Which addresses an outbound fetch may connect to. `public` allows public unicast addresses only (no
 * loopback, private, link-local, carrier-grade NAT, unique-local, multicast, broadcast, reserved or
 * translation ranges); `any` allows every address (a LAN mirror, a local test server); `off` allows none.
 *
 * Classification is ipaddr.js's `range()`: anything it does not name `unicast` is refused under `public`.
 */
import ipaddr from 'ipaddr.js';

export type AddressPolicy = 'public' | 'any' | 'off';

/**
 * True for an IP address on the public internet. Takes any form ipaddr.js parses (including the legacy
 * IPv4 forms `127.1`, `0x7f.1`, `2130706433`); an IPv4-mapped IPv6 address is judged as its IPv4 address.
 * Host names are not addresses: false.
 */
export function isPublicAddress(address: string): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address);
  } catch {
    return false;
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().range() === 'unicast';
    // ::/96 holds the deprecated IPv4-compatible addresses (::7f00:1), which ipaddr.js calls unicast.
    if (v6.parts.slice(0, 6).every((part) => part === 0)) return false;
    return v6.range() === 'unicast';
  }
  return (parsed as ipaddr.IPv4).range() === 'unicast';
}

/**
 * Whether `policy` lets a fetch connect to `address` (an IP address, not a host name). `allow` names
 * addresses or CIDR ranges let through under `public` as well (a LAN mirror, say: `192.168.1.10`, `fd00::/8`).
 */
export function addressAllowed(policy: AddressPolicy, address: string, allow: readonly string[] = []): boolean {
  if (policy === 'any') return true;
  if (policy === 'off') return false;
  return isPublicAddress(address) || allow.some((range) => inRange(address, range));
}

/** `range` is an address or a CIDR range; IPv4 ones in IPv4 form (an IPv4-mapped `address` is judged as IPv4). */
function inRange(address: string, range: string): boolean {
  try {
    const ip = ipaddr.process(address);
    const [net, bits] = range.includes('/') ? ipaddr.parseCIDR(range) : [ipaddr.process(range), ip.kind() === 'ipv4' ? 32 : 128];
    if (ip.kind() !== net.kind()) return false;
    return ip.kind() === 'ipv4' ? (ip as ipaddr.IPv4).match(net as ipaddr.IPv4, bits) : (ip as ipaddr.IPv6).match(net as ipaddr.IPv6, bits);
  } catch {
    return false;
  }
}

/** The IP address a URL host names literally (`[::1]` → `::1`), or undefined for a host name. */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : undefined;
}
