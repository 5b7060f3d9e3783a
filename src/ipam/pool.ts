/**
 * A `pool` statement made ready for allocation: its block, the unit it hands out (an
 * address, or a subnet with `split`), the range of unit indices that may be handed out,
 * and the units kept back by `reserve`. Pool-level mistakes become diagnostics here.
 *
 * Units are numbered from 0 at the pool's network address: address offsets for a plain
 * pool, subnet indices for a split pool. Indices are bigints so a /64 (or ::/0) pool is
 * never enumerated — only its taken units are ever materialised.
 */
import type { Pool } from "../model/topology.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import { bitsOf, formatIp, parseIp, type Family } from "./ip.js";
import { containsAddress, firstUsable, formatCidr, hasHostBits, lastUsable, networkAddress, networkOf, overlaps, parseCidr, type Cidr } from "./cidr.js";
import { subnetCount } from "./subnet.js";

export interface PoolPlan {
  pool: Pool;
  /** the pool's block, host bits cleared */
  block: Cidr;
  /** canonical text of `block` */
  cidr: string;
  /** prefix of what is handed out: the pool's prefix, or the split length */
  unitPrefix: number;
  split: boolean;
  /** lowest and highest unit index that may be handed out */
  lo: bigint;
  hi: bigint;
  /** unit indices kept back by `reserve` (inside [lo, hi]) */
  reserved: bigint[];
  /** runs of unit indices kept back by `reserve A-B` (both ends included, clipped to [lo, hi]) */
  reservedRuns: (readonly [bigint, bigint])[];
}

/** How many units `reserve` keeps back of [lo, hi]: single units and runs, each unit once. */
export function reservedCount(plan: PoolPlan, singles: Iterable<bigint> = plan.reserved): bigint {
  const runs = [...plan.reservedRuns].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let n = 0n;
  let end = -1n;
  for (const [a, b] of runs) {
    const from = a > end ? a : end + 1n;
    if (b >= from) n += b - from + 1n;
    if (b > end) end = b;
  }
  for (const u of new Set(singles)) if (!inRuns(plan, u)) n++;
  return n;
}

/** Whether a unit lies in one of the pool's reserved runs. */
export function inRuns(plan: PoolPlan, unit: bigint): boolean {
  return plan.reservedRuns.some(([a, b]) => unit >= a && unit <= b);
}

/** "addresses" or "subnets" — what the pool hands out, for messages. */
export function unitName(plan: PoolPlan): string {
  return plan.split ? `/${plan.unitPrefix} subnets` : "addresses";
}

/** Unit index of `addr` in the pool, or null when outside the block. */
export function unitOf(plan: PoolPlan, family: Family, addr: bigint): bigint | null {
  if (!containsAddress(plan.block, family, addr)) return null;
  const offset = addr - plan.block.addr;
  return plan.split ? offset >> BigInt(bitsOf(family) - plan.unitPrefix) : offset;
}

/** The block a unit stands for: the address/pool-prefix, or the subnet. */
export function unitBlock(plan: PoolPlan, unit: bigint): Cidr {
  const { family } = plan.block;
  const addr = plan.split ? plan.block.addr + (unit << BigInt(bitsOf(family) - plan.unitPrefix)) : plan.block.addr + unit;
  return { family, addr, prefix: plan.unitPrefix };
}

/**
 * Validate every pool and plan the valid ones. Duplicate names keep the first, silently:
 * the checker reports them (NS310), once. Overlapping pools are reported at the later one
 * (both are still planned, the script is in error).
 */
export function planPools(pools: readonly Pool[]): { plans: Map<string, PoolPlan>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const plans = new Map<string, PoolPlan>();
  const seen = new Map<string, Pool>();
  for (const pool of pools) {
    if (seen.has(pool.name)) continue;
    seen.set(pool.name, pool);
    const plan = planPool(pool, diagnostics);
    if (!plan) continue;
    for (const other of plans.values()) {
      if (overlaps(other.block, plan.block)) {
        diagnostics.push(
          diag(
            "NS404",
            pool.cidrSpan,
            { pool: pool.name, cidr: plan.cidr, other: other.pool.name, otherCidr: other.cidr },
            { related: [{ span: other.pool.cidrSpan, message: `pool ${other.pool.name} is declared here` }] },
          ),
        );
      }
    }
    plans.set(pool.name, plan);
  }
  return { plans, diagnostics };
}

function planPool(pool: Pool, diagnostics: Diagnostic[]): PoolPlan | null {
  const parsed = parseCidr(pool.cidr);
  if (!parsed) {
    diagnostics.push(diag("NS402", pool.cidrSpan, { text: pool.cidr, pool: pool.name }));
    return null;
  }
  const block = networkOf(parsed);
  const cidr = formatCidr(block);
  if (hasHostBits(parsed)) {
    diagnostics.push(diag("NS403", pool.cidrSpan, { pool: pool.name, cidr: pool.cidr, network: cidr }, { suggestions: [cidr] }));
  }
  const max = bitsOf(block.family);
  let split = false;
  let unitPrefix = block.prefix;
  if (pool.split !== undefined) {
    if (!Number.isInteger(pool.split) || pool.split <= block.prefix || pool.split > max) {
      diagnostics.push(diag("NS407", pool.splitSpan ?? pool.span, { len: pool.split, pool: pool.name, cidr, prefix: block.prefix, max }));
      return null;
    }
    split = true;
    unitPrefix = pool.split;
  }
  const lo = split ? 0n : firstUsable(block) - networkAddress(block);
  const hi = split ? subnetCount(block, unitPrefix) - 1n : lastUsable(block) - networkAddress(block);
  const plan: PoolPlan = { pool, block, cidr, unitPrefix, split, lo, hi, reserved: [], reservedRuns: [] };
  for (const r of pool.reserve) {
    // `A-B`: every address from A to B (an IPv4 or IPv6 address never holds a '-')
    const ends = r.addr.split("-");
    if (ends.length > 2) {
      diagnostics.push(diag("NS406", r.span, { text: r.addr, pool: pool.name }));
      continue;
    }
    const units: bigint[] = [];
    const ips = ends.map((e) => parseIp(e.includes("/") ? "" : e));
    for (const [i, ip] of ips.entries()) {
      if (!ip) {
        diagnostics.push(diag("NS406", r.span, { text: ends[i]!, pool: pool.name }));
        break;
      }
      const unit = unitOf(plan, ip.family, ip.addr);
      if (unit === null) {
        diagnostics.push(
          diag(
            "NS405",
            r.span,
            { addr: formatIp(ip.family, ip.addr), pool: pool.name, cidr },
            { related: [{ span: pool.cidrSpan, message: `the pool's block is ${cidr}` }] },
          ),
        );
        break;
      }
      units.push(unit);
    }
    if (units.length !== ends.length) continue;
    if (units.length === 1) {
      if (units[0]! >= lo && units[0]! <= hi) plan.reserved.push(units[0]!);
      continue;
    }
    const [a, b] = ips as [NonNullable<(typeof ips)[0]>, NonNullable<(typeof ips)[0]>];
    if (a.addr > b.addr) {
      diagnostics.push(
        diag("NS414", r.span, { text: r.addr, pool: pool.name, reason: `${formatIp(a.family, a.addr)} comes after ${formatIp(b.family, b.addr)}` }),
      );
      continue;
    }
    const from = units[0]! < lo ? lo : units[0]!;
    const to = units[1]! > hi ? hi : units[1]!;
    if (from <= to) plan.reservedRuns.push([from, to]);
  }
  return plan;
}
