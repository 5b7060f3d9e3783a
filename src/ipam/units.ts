/**
 * How the addresses of a plain pool (see pool.ts) turn into text and back; split pools
 * work per L2 segment in allocate-split.ts. Two implementations of one interface: IPv4
 * pools work in plain numbers (an IPv4 address fits a double exactly), so allocating a /16
 * makes no bigint garbage; IPv6 pools work in bigints. The allocator is written once, over
 * `UnitCodec<U>`.
 */
import { formatIpv4, parseIpv4, type Family } from "./ip.js";
import { formatCidr, parseAddressOrCidr } from "./cidr.js";
import { unitBlock, unitOf, type PoolPlan } from "./pool.js";

export interface UnitCodec<U extends number | bigint> {
  lo: U;
  hi: U;
  /** the same unit as a bigint index (pool.ts numbering) converted to this codec's type */
  fromIndex(index: bigint): U;
  /** unit holding this address, or null when it is outside the pool's block */
  fromAddress(family: Family, addr: bigint): U | null;
  /** unit of a remembered snapshot value, or why it does not name one */
  fromSnapshot(text: string): U | string;
  /** snapshot text, which is also what the interface gets: `ADDR/POOLPREFIX` */
  ownerText(unit: U): string;
  /** number of units in [lo, hi] */
  size(): bigint;
}

export function codecFor(plan: PoolPlan): UnitCodec<number> | UnitCodec<bigint> {
  if (plan.split) throw new Error("internal: split pools are allocated per segment (allocate-split.ts)");
  return plan.block.family === 4 ? ipv4Codec(plan) : bigintCodec(plan);
}

function ipv4Codec(plan: PoolPlan): UnitCodec<number> {
  const base = Number(plan.block.addr);
  const last = base + 2 ** (32 - plan.block.prefix) - 1;
  const suffix = `/${plan.unitPrefix}`;
  const unitOfNumber = (addr: number): number | null => (addr < base || addr > last ? null : addr - base);
  return {
    lo: Number(plan.lo),
    hi: Number(plan.hi),
    fromIndex: (index) => Number(index),
    fromAddress: (family, addr) => (family === 4 ? unitOfNumber(Number(addr)) : null),
    fromSnapshot(text) {
      const slash = text.indexOf("/");
      const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
      if (addr === null) return "not an IPv4 address";
      return unitOfNumber(addr) ?? `outside ${plan.cidr}`;
    },
    ownerText: (unit) => formatIpv4(base + unit) + suffix,
    size: () => BigInt(plan.hi - plan.lo + 1n),
  };
}

function bigintCodec(plan: PoolPlan): UnitCodec<bigint> {
  return {
    lo: plan.lo,
    hi: plan.hi,
    fromIndex: (index) => index,
    fromAddress: (family, addr) => unitOf(plan, family, addr),
    fromSnapshot(text) {
      const c = parseAddressOrCidr(text)?.cidr ?? null;
      if (!c) return "not an address";
      return unitOf(plan, c.family, c.addr) ?? `outside ${plan.cidr}`;
    },
    ownerText: (unit) => formatCidr(unitBlock(plan, unit)),
    size: () => plan.hi - plan.lo + 1n,
  };
}
