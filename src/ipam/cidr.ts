/**
 * CIDR blocks: `{ family, addr, prefix }`. `addr` is kept as written (an interface address
 * like 10.0.0.5/24 has host bits; a route target or a pool must not — see `hasHostBits`).
 * Used by the allocator, the checker (conflicts, gateway-in-subnet, host bits in routes)
 * and the planner. Pure.
 *
 * Usable hosts: IPv4 blocks shorter than /31 lose the network and broadcast addresses;
 * IPv6 blocks shorter than /127 lose the network address (the subnet-router anycast
 * address, RFC 4291 §2.6.1); /31 and /127 (RFC 3021, RFC 6164) and /32, /128 are all usable.
 */
import { bitsOf, formatIp, parseIp, parseIpv4, type Family } from "./ip.js";

export interface Cidr {
  family: Family;
  addr: bigint;
  prefix: number;
}

function parsePrefix(text: string, family: Family): number | null {
  if (!/^(0|[1-9][0-9]{0,2})$/.test(text)) return null;
  const p = Number(text);
  return p <= bitsOf(family) ? p : null;
}

/** `ADDR/PREFIX` → Cidr, or null. The prefix is required (see `parseAddressOrCidr`). */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf("/");
  if (slash < 0) return null;
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  // IPv4 fast path: no bigint until the end.
  if (!addrText.includes(":")) {
    const v4 = parseIpv4(addrText);
    if (v4 === null) return null;
    const prefix = parsePrefix(prefixText, 4);
    return prefix === null ? null : { family: 4, addr: BigInt(v4), prefix };
  }
  const ip = parseIp(addrText);
  if (ip === null) return null;
  const prefix = parsePrefix(prefixText, ip.family);
  return prefix === null ? null : { family: ip.family, addr: ip.addr, prefix };
}

/**
 * `ADDR/PREFIX` or a bare `ADDR` (then a host block: /32 or /128). `hadPrefix` tells which,
 * so a caller can warn about a bare interface address.
 */
export function parseAddressOrCidr(text: string): { cidr: Cidr; hadPrefix: boolean } | null {
  if (text.includes("/")) {
    const cidr = parseCidr(text);
    return cidr === null ? null : { cidr, hadPrefix: true };
  }
  const ip = parseIp(text);
  return ip === null ? null : { cidr: { ...ip, prefix: bitsOf(ip.family) }, hadPrefix: false };
}

/** Canonical text: canonical address (RFC 5952 for IPv6), `/`, prefix. Host bits are kept. */
export function formatCidr(c: Cidr): string {
  return `${formatIp(c.family, c.addr)}/${c.prefix}`;
}

/** Canonical text of a CIDR given as text, or null. */
export function canonicalCidr(text: string): string | null {
  const c = parseCidr(text);
  return c === null ? null : formatCidr(c);
}

/** The host part's mask: ones in the bits after the prefix. */
export function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

/** The network part's mask: ones in the first `prefix` bits. */
export function netMask(family: Family, prefix: number): bigint {
  return ((1n << BigInt(bitsOf(family))) - 1n) ^ hostMask(family, prefix);
}

/** Number of addresses in the block (2^(bits − prefix)). */
export function blockSize(c: Cidr): bigint {
  return 1n << BigInt(bitsOf(c.family) - c.prefix);
}

/** First address of the block. */
export function networkAddress(c: Cidr): bigint {
  return c.addr & netMask(c.family, c.prefix);
}

/** Last address of the block — the IPv4 broadcast address (IPv6 has no broadcast; still the last). */
export function broadcastAddress(c: Cidr): bigint {
  return networkAddress(c) | hostMask(c.family, c.prefix);
}

/**
 * The broadcast address an interface address gets by default — what `ip addr add … brd +`,
 * ifupdown, LXC and the reference CNI bridge plugin set: the block's last address for IPv4
 * shorter than /31; none for /31, /32 (RFC 3021) and IPv6. Text in, text out; undefined for
 * what has no broadcast or does not parse.
 */
export function defaultBroadcast(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (!c || c.family !== 4 || c.prefix >= 31) return undefined;
  return formatIp(4, broadcastAddress(c));
}

/** The block with host bits cleared: 10.0.0.5/24 → 10.0.0.0/24. */
export function networkOf(c: Cidr): Cidr {
  return { family: c.family, addr: networkAddress(c), prefix: c.prefix };
}

/** True when the address part has bits set after the prefix (not a network block). */
export function hasHostBits(c: Cidr): boolean {
  return (c.addr & hostMask(c.family, c.prefix)) !== 0n;
}

/** True when `addr` (of `family`) lies inside the block. */
export function containsAddress(c: Cidr, family: Family, addr: bigint): boolean {
  return family === c.family && (addr & netMask(c.family, c.prefix)) === networkAddress(c);
}

/** True when the block `inner` lies entirely inside `outer` (a block contains itself). */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix && containsAddress(outer, inner.family, inner.addr);
}

/** True when the two blocks share at least one address (for blocks: one contains the other). */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.prefix <= b.prefix ? containsAddress(a, b.family, b.addr) : containsAddress(b, a.family, a.addr);
}

/** Whether the block keeps its first / last address out of host use (see the file comment). */
function reservesNetwork(c: Cidr): boolean {
  return c.family === 4 ? c.prefix < 31 : c.prefix < 127;
}
function reservesBroadcast(c: Cidr): boolean {
  return c.family === 4 && c.prefix < 31;
}

/** Lowest address a host may use in the block. */
export function firstUsable(c: Cidr): bigint {
  return networkAddress(c) + (reservesNetwork(c) ? 1n : 0n);
}

/** Highest address a host may use in the block. */
export function lastUsable(c: Cidr): bigint {
  return broadcastAddress(c) - (reservesBroadcast(c) ? 1n : 0n);
}

/** Number of host-usable addresses in the block. */
export function usableCount(c: Cidr): bigint {
  return lastUsable(c) - firstUsable(c) + 1n;
}

/**
 * What is wrong with using this interface address as a host address: its block's network
 * address or its IPv4 broadcast address; null when it is a fine host address.
 */
export function hostAddressProblem(c: Cidr): "network" | "broadcast" | null {
  if (reservesNetwork(c) && c.addr === networkAddress(c)) return "network";
  if (reservesBroadcast(c) && c.addr === broadcastAddress(c)) return "broadcast";
  return null;
}

/**
 * The n-th address of the block counting from its network address (0 = network);
 * negative n counts from the end (−1 = last). Null when outside the block.
 */
export function nthAddress(c: Cidr, n: bigint | number): bigint | null {
  const i = BigInt(n);
  const size = blockSize(c);
  const offset = i < 0n ? size + i : i;
  if (offset < 0n || offset >= size) return null;
  return networkAddress(c) + offset;
}

/** The address `addr` with this block's prefix: the interface address `addr/prefix`. */
export function withPrefix(c: Cidr, addr: bigint): Cidr {
  return { family: c.family, addr, prefix: c.prefix };
}
