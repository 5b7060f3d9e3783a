/**
 * Syntactic checks of address and CIDR text after interpolation. The expander only needs to
 * know "is this a well-formed address, and does it carry a prefix"; arithmetic on addresses
 * belongs to src/ipam. Kept tiny and strict: no leading zeros in IPv4 octets (inet_aton would
 * read `010` as octal 8), no zone ids.
 */

export type AddressText =
  | { ok: true; family: 4 | 6; addr: string; prefix?: number }
  | { ok: false; reason: string };

export function isIPv4(s: string): boolean {
  const parts = s.split(".");
  if (parts.length !== 4) return false;
  return parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

export function isIPv6(s: string): boolean {
  if (s.length < 2 || !/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const halves = s.split("::");
  if (halves.length > 2) return false;
  const groups = (h: string): string[] | null => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return false;
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i]!;
    const last = i === all.length - 1;
    if (last && g.includes(".")) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(g)) {
      count += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? count < 8 : count === 8;
}

/** `ADDR` or `ADDR/LEN`. */
export function parseAddressText(text: string): AddressText {
  const slash = text.indexOf("/");
  const addr = slash < 0 ? text : text.slice(0, slash);
  const family = isIPv4(addr) ? 4 : isIPv6(addr) ? 6 : 0;
  if (family === 0) return { ok: false, reason: `${addr} is not an IPv4 or IPv6 address` };
  if (slash < 0) return { ok: true, family, addr };
  const lenText = text.slice(slash + 1);
  const max = family === 4 ? 32 : 128;
  if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText) || Number(lenText) > max) {
    return { ok: false, reason: `the prefix length /${lenText} must be a number from 0 to ${max}` };
  }
  return { ok: true, family, addr, prefix: Number(lenText) };
}
