import { bitsOf, formatIp, parseIp, type Family, type IpAddress } from "../ipam/ip.js";

/**
 * The little prefix arithmetic the checker needs, over src/ipam/ip.ts addresses.
 * `hostOnly` marks text written without a prefix (taken as /32 or /128).
 */
export interface Prefixed extends IpAddress {
  prefix: number;
  hostOnly: boolean;
}

/** "10.0.0.1/24", "2001:db8::1/64" or a bare address → Prefixed, or null if malformed. */
export function parsePrefixed(text: string): Prefixed | null {
  const slash = text.indexOf("/");
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return null;
  if (slash < 0) return { ...ip, prefix: bitsOf(ip.family), hostOnly: true };
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len)) return null;
  const prefix = Number(len);
  if (prefix > bitsOf(ip.family)) return null;
  return { ...ip, prefix, hostOnly: false };
}

function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

export function networkOf(p: Prefixed): bigint {
  return p.addr & ~hostMask(p.family, p.prefix);
}

export function lastOf(p: Prefixed): bigint {
  return networkOf(p) | hostMask(p.family, p.prefix);
}

/** Is `ip` inside the subnet `net` (same family, inside the prefix)? */
export function contains(net: Prefixed, ip: IpAddress): boolean {
  return net.family === ip.family && ip.addr >= networkOf(net) && ip.addr <= lastOf(net);
}

export function overlaps(a: Prefixed, b: Prefixed): boolean {
  return a.family === b.family && networkOf(a) <= lastOf(b) && networkOf(b) <= lastOf(a);
}

/** The subnet as canonical text, e.g. "10.0.0.0/24". */
export function subnetText(p: Prefixed): string {
  return `${formatIp(p.family, networkOf(p))}/${p.prefix}`;
}

export function ipText(ip: IpAddress): string {
  return formatIp(ip.family, ip.addr);
}

/** fe80::/10: on every IPv6 interface, so always "connected". */
export function isLinkLocal6(ip: IpAddress): boolean {
  return ip.family === 6 && ip.addr >> 118n === 0x3fan;
}
