/**
 * Syntactic checks of address and CIDR text after interpolation. The expander only needs to
 * know "is this a well-formed address, and does it carry a prefix"; arithmetic on addresses
 * belongs to src/ipam. Kept tiny and strict: no leading zeros in IPv4 octets (inet_aton would
 * read `010` as octal 8), no zone ids.
 */

import { ipFamily } from "../ipam/ip.js";

export type AddressText = { ok: true; family: 4 | 6; addr: string; prefix?: number } | { ok: false; reason: string };

// The strict parser lives in src/ipam/ip.ts (pure): one notion of a valid address.
export function isIPv4(s: string): boolean {
  return ipFamily(s) === 4;
}

export function isIPv6(s: string): boolean {
  return ipFamily(s) === 6;
}

/** `ADDR` or `ADDR/LEN`. */
export function parseAddressText(text: string): AddressText {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = ipFamily(addr);
  if (family === null) return { ok: false, reason: `${addr} is not an IPv4 or IPv6 address` };
  if (slash < 0) return { ok: true, family, addr };
  const lenText = text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
    return { ok: false, reason: `the prefix length /${lenText} must be a number from 0 to ${max}` };
  }
  return { ok: true, family, addr, prefix: Number(lenText) };
}
