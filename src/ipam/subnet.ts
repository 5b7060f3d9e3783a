/**
 * Carving a block into equal subnets (`pool … split /LEN`). Subnets are numbered from 0 at
 * the block's network address; nothing is enumerated unless asked (a /64 split in /120s
 * has 2^56 of them).
 */
import { bitsOf } from "./ip.js";
import { networkAddress, type Cidr } from "./cidr.js";

/** Whether `len` can carve `c`: at least the block's prefix and at most the family's width. */
export function canSplit(c: Cidr, len: number): boolean {
  return Number.isInteger(len) && len >= c.prefix && len <= bitsOf(c.family);
}

/** How many /len subnets the block holds (2^(len − prefix)). */
export function subnetCount(c: Cidr, len: number): bigint {
  if (!canSplit(c, len)) return 0n;
  return 1n << BigInt(len - c.prefix);
}

/** The i-th /len subnet of the block, or null when out of range. */
export function nthSubnet(c: Cidr, len: number, i: bigint | number): Cidr | null {
  const index = BigInt(i);
  if (index < 0n || index >= subnetCount(c, len)) return null;
  return { family: c.family, addr: networkAddress(c) + (index << BigInt(bitsOf(c.family) - len)), prefix: len };
}

/** Index of the /len subnet of the block that holds `addr` (which must be inside the block). */
export function subnetIndexOf(c: Cidr, len: number, addr: bigint): bigint {
  return (addr - networkAddress(c)) >> BigInt(bitsOf(c.family) - len);
}

/** The /len subnets of the block in address order, lazily. */
export function* subnets(c: Cidr, len: number): Generator<Cidr> {
  const count = subnetCount(c, len);
  for (let i = 0n; i < count; i++) yield nthSubnet(c, len, i)!;
}

/** All /len subnets as an array; refuses (null) when there would be more than `limit`. */
export function splitCidr(c: Cidr, len: number, limit = 1 << 20): Cidr[] | null {
  const count = subnetCount(c, len);
  if (count === 0n || count > BigInt(limit)) return null;
  return [...subnets(c, len)];
}
