/**
 * IP addresses as text and as numbers. An address is `{ family, addr }` with `addr` a
 * bigint (so IPv4 and IPv6 share one arithmetic); IPv4 also has number fast paths
 * (`parseIpv4`, `formatIpv4`) for hot loops. Pure; no DNS, no zones.
 *
 * Parsing is strict on purpose — text that reaches a batch file must mean one thing:
 * - IPv4: four decimal octets 0–255, no leading zeros (`010.0.0.1` is octal to inet_aton).
 * - IPv6: RFC 4291 text (1–4 hex digits per group, one `::`, an optional dotted IPv4 tail),
 *   no zone index (`%eth0`), no brackets.
 * Formatting is canonical: IPv6 per RFC 5952 (lowercase, no leading zeros, the longest run
 * of two or more zero groups as `::`, the first on a tie), IPv4-mapped as `::ffff:a.b.c.d`.
 */

export type Family = 4 | 6;

export interface IpAddress {
  family: Family;
  addr: bigint;
}

/** Width of an address of this family in bits. */
export function bitsOf(family: Family): 32 | 128 {
  return family === 4 ? 32 : 128;
}

/** Largest address of the family (all ones). */
export function maxAddress(family: Family): bigint {
  return family === 4 ? 0xffff_ffffn : (1n << 128n) - 1n;
}

/** Dotted quad → unsigned 32-bit number, or null. The fast path of `parseIp`. */
export function parseIpv4(text: string): number | null {
  const n = text.length;
  if (n < 7 || n > 15) return null;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && octet === 0) return null; // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) return null;
      digits++;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}

/** Unsigned 32-bit number → dotted quad. */
export function formatIpv4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

const HEX = /^[0-9A-Fa-f]{1,4}$/;

/** Parsed IPv6 texts: a plan of a thousand namespaces parses the same few gateways and
 *  prefixes thousands of times. Bounded; a bigint is immutable, so sharing it is safe. */
const v6Memo = new Map<string, bigint | null>();
function parseIpv6(text: string): bigint | null {
  const known = v6Memo.get(text);
  if (known !== undefined) return known;
  const v = parseIpv6Text(text);
  if (v6Memo.size >= 4096) v6Memo.clear();
  v6Memo.set(text, v);
  return v;
}

function parseIpv6Text(text: string): bigint | null {
  if (text.length < 2 || text.length > 45) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === "") return [];
    const words = part.split(":");
    const out: number[] = [];
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      if (i === words.length - 1 && w.includes(".")) {
        const v4 = parseIpv4(w);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!HEX.test(w)) return null;
        out.push(parseInt(w, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  if (head === null) return null;
  let groups: number[];
  if (halves.length === 2) {
    const tail = groupsOf(halves[1]!);
    if (tail === null) return null;
    // A dotted tail may only end the address.
    if (halves[0]!.includes(".")) return null;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return null;
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  let addr = 0n;
  for (const g of groups) addr = (addr << 16n) | BigInt(g);
  return addr;
}

/** Whether the text is one IPv6 address (no zone). The parser checks address tokens with
 *  it instead of node:net's isIPv6, whose module costs every start-up ~5 ms. */
export function isIpv6(text: string): boolean {
  return text.includes(":") && parseIpv6(text) !== null;
}

/** Text → address, or null if it is not exactly one IPv4 or IPv6 address. */
export function parseIp(text: string): IpAddress | null {
  if (text.includes(":")) {
    const addr = parseIpv6(text);
    return addr === null ? null : { family: 6, addr };
  }
  const v4 = parseIpv4(text);
  return v4 === null ? null : { family: 4, addr: BigInt(v4) };
}

/** The family the text is an address of, or null. */
export function ipFamily(text: string): Family | null {
  return parseIp(text)?.family ?? null;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** True for `::ffff:a.b.c.d` (IPv4-mapped IPv6, RFC 4291 §2.5.5.2). */
export function isIpv4Mapped(addr: bigint): boolean {
  return addr >> 32n === 0xffffn;
}

function formatIpv6(addr: bigint): string {
  if (isIpv4Mapped(addr)) return `::ffff:${formatIpv4(Number(addr - MAPPED_PREFIX))}`;
  const groups: number[] = new Array(8);
  for (let i = 7; i >= 0; i--) {
    groups[i] = Number(addr & 0xffffn);
    addr >>= 16n;
  }
  // Longest run of zero groups, length >= 2, first wins a tie (RFC 5952 §4.2).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number) =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(":");
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

/** Address → canonical text. */
export function formatIp(family: Family, addr: bigint): string {
  return family === 4 ? formatIpv4(Number(addr)) : formatIpv6(addr);
}

/** Canonical text of an address given as text, or null if it is not one. */
export function canonicalIp(text: string): string | null {
  const ip = parseIp(text);
  return ip === null ? null : formatIp(ip.family, ip.addr);
}
