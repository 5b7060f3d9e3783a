/**
 * How a pool's units (see pool.ts) turn into text and back. Two implementations of one
 * interface: IPv4 pools work in plain numbers (an IPv4 address fits a double exactly), so
 * allocating a /16 makes no bigint garbage; IPv6 pools work in bigints. The allocator is
 * written once, over `UnitCodec<U>`.
 */
import { formatIpv4, parseIpv4, type Family } from "./ip.js";
import { formatCidr, hasHostBits, parseAddressOrCidr, parseCidr } from "./cidr.js";
import { unitBlock, unitInterfaceAddress, unitOf, type PoolPlan } from "./pool.js";

export interface UnitCodec<U extends number | bigint> {
  lo: U;
  hi: U;
  /** the same unit as a bigint index (pool.ts numbering) converted to this codec's type */
  fromIndex(index: bigint): U;
  /** unit holding this address, or null when it is outside the pool's block */
  fromAddress(family: Family, addr: bigint): U | null;
  /** unit of a remembered snapshot value, or why it does not name one */
  fromSnapshot(text: string): U | string;
  /** snapshot text: `ADDR/POOLPREFIX`, or the subnet with `split` */
  ownerText(unit: U): string;
  /** what the interface gets: the address, or the subnet's first usable host */
  interfaceText(unit: U): string;
  /** number of units in [lo, hi] */
  size(): bigint;
}

export function codecFor(plan: PoolPlan): UnitCodec<number> | UnitCodec<bigint> {
  return plan.block.family === 4 ? ipv4Codec(plan) : bigintCodec(plan);
}

function ipv4Codec(plan: PoolPlan): UnitCodec<number> {
  const base = Number(plan.block.addr);
  const last = base + 2 ** (32 - plan.block.prefix) - 1;
  const unitSize = plan.split ? 2 ** (32 - plan.unitPrefix) : 1;
  const suffix = `/${plan.unitPrefix}`;
  // a carved subnet's first host: skip its network address unless it is a /31 or /32
  const hostOffset = plan.split && plan.unitPrefix < 31 ? 1 : 0;
  const unitOfNumber = (addr: number): number | null =>
    addr < base || addr > last ? null : Math.floor((addr - base) / unitSize);
  return {
    lo: Number(plan.lo),
    hi: Number(plan.hi),
    fromIndex: (index) => Number(index),
    fromAddress: (family, addr) => (family === 4 ? unitOfNumber(Number(addr)) : null),
    fromSnapshot(text) {
      const slash = text.indexOf("/");
      const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
      if (addr === null) return "not an IPv4 address";
      if (plan.split && (text.slice(slash + 1) !== String(plan.unitPrefix) || (addr - base) % unitSize !== 0)) {
        return `not a /${plan.unitPrefix} subnet`;
      }
      return unitOfNumber(addr) ?? `outside ${plan.cidr}`;
    },
    ownerText: (unit) => formatIpv4(base + unit * unitSize) + suffix,
    interfaceText: (unit) => formatIpv4(base + unit * unitSize + hostOffset) + suffix,
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
      const c = plan.split ? parseCidr(text) : (parseAddressOrCidr(text)?.cidr ?? null);
      if (!c) return "not an address";
      if (plan.split && (c.prefix !== plan.unitPrefix || hasHostBits(c))) return `not a /${plan.unitPrefix} subnet`;
      return unitOf(plan, c.family, c.addr) ?? `outside ${plan.cidr}`;
    },
    ownerText: (unit) => formatCidr(unitBlock(plan, unit)),
    interfaceText: (unit) => formatCidr(unitInterfaceAddress(plan, unit)),
    size: () => plan.hi - plan.lo + 1n,
  };
}
