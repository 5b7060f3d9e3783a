/**
 * host-local's address allocation, reproduced so nsnet hands out exactly the addresses the
 * reference `host-local` IPAM plugin would for the same netconf and the same sequence of
 * ADDs and DELs (containernetworking/plugins, backend/allocator). Pure: the state is an
 * AllocationSnapshot (one pool per range set, owners keyed `CONTAINERID:IFNAME#0`, `last`
 * = host-local's `last_reserved_ip.N`), read and written by the caller under a lock.
 *
 * The rules, as host-local has them:
 * - a range is subnet + rangeStart (default network+1) + rangeEnd (default: the last
 *   address, minus the broadcast for IPv4) + gateway (default network+1), all inclusive;
 * - the gateway is never handed out; an address held by anyone is skipped;
 * - round robin: the search starts after the last address reserved in the range set (if
 *   it is still inside the set), wraps from the end of a range to the start of the next
 *   and from the last range to the first, and gives up when it is back where it began;
 * - released addresses are not handed out again until the search comes round to them.
 */
import { formatIp, parseIp, type Family } from "../ipam/ip.js";
import { broadcastAddress, networkAddress, parseCidr, hasHostBits, type Cidr } from "../ipam/cidr.js";
import { ownerKey, parseOwnerKey } from "../ipam/owner.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { CNI_CODE, CniError } from "./errors.js";

export interface Range {
  subnet: Cidr;
  start: bigint;
  end: bigint;
  gateway: bigint;
}
export type RangeSet = Range[];

export interface RangeInput {
  subnet?: unknown;
  rangeStart?: unknown;
  rangeEnd?: unknown;
  gateway?: unknown;
}

const bad = (details: string) => new CniError(CNI_CODE.invalidNetconf, details);

function addrIn(text: unknown, family: Family, what: string): bigint {
  const ip = typeof text === "string" ? parseIp(text) : null;
  if (!ip) throw bad(`ipam: ${what} ${JSON.stringify(text)} is not an IP address`);
  if (ip.family !== family) throw bad(`ipam: ${what} ${String(text)} is not of the subnet's address family`);
  return ip.addr;
}

/** host-local's Range.Canonicalize. */
export function canonicalRange(r: RangeInput): Range {
  const subnet = typeof r.subnet === "string" ? parseCidr(r.subnet) : null;
  if (!subnet) throw bad(`ipam: subnet ${JSON.stringify(r.subnet)} is not a CIDR`);
  const bits = subnet.family === 4 ? 32 : 128;
  if (subnet.prefix > bits - 2) throw bad(`ipam: network ${r.subnet as string} is too small to allocate from`);
  if (hasHostBits(subnet)) {
    throw bad(
      `ipam: network ${r.subnet as string} has host bits set; for /${subnet.prefix} the network address is ${formatIp(subnet.family, networkAddress(subnet))}`,
    );
  }
  const inSubnet = (a: bigint, what: string) => {
    if (a < networkAddress(subnet) || a > broadcastAddress(subnet))
      throw bad(`ipam: ${what} ${formatIp(subnet.family, a)} is not in network ${r.subnet as string}`);
    return a;
  };
  const net = networkAddress(subnet);
  const gateway = r.gateway === undefined ? net + 1n : addrIn(r.gateway, subnet.family, "gateway");
  const start = r.rangeStart === undefined ? net + 1n : inSubnet(addrIn(r.rangeStart, subnet.family, "rangeStart"), "rangeStart");
  const last = broadcastAddress(subnet) - (subnet.family === 4 ? 1n : 0n);
  const end = r.rangeEnd === undefined ? last : inSubnet(addrIn(r.rangeEnd, subnet.family, "rangeEnd"), "rangeEnd");
  return { subnet, start, end, gateway };
}

export function rangeContains(r: Range, family: Family, a: bigint): boolean {
  return family === r.subnet.family && a >= r.start && a <= r.end;
}

function overlap(a: Range, b: Range): boolean {
  const f = b.subnet.family;
  return a.subnet.family === f && (rangeContains(a, f, b.start) || rangeContains(a, f, b.end) || rangeContains(b, f, a.start) || rangeContains(b, f, a.end));
}

/** A set of ranges: one family, no overlaps (host-local's RangeSet.Canonicalize). */
export function canonicalRangeSet(inputs: RangeInput[]): RangeSet {
  if (inputs.length === 0) throw bad("ipam: empty range set");
  const set = inputs.map(canonicalRange);
  if (set.some((r) => r.subnet.family !== set[0]!.subnet.family)) throw bad("ipam: a range set mixes address families");
  checkNoOverlap(set);
  return set;
}

export function checkNoOverlap(ranges: Range[]): void {
  for (let i = 0; i < ranges.length; i++)
    for (let j = i + 1; j < ranges.length; j++)
      if (overlap(ranges[i]!, ranges[j]!)) throw bad(`ipam: ranges ${describeRange(ranges[i]!)} and ${describeRange(ranges[j]!)} overlap`);
}

export function describeRange(r: Range): string {
  return `${formatIp(r.subnet.family, r.start)}-${formatIp(r.subnet.family, r.end)}`;
}

export function poolName(setIndex: number): string {
  return `range${setIndex}`;
}

export interface Allocated {
  /** `ADDR/PREFIX` */
  address: string;
  gateway: string;
  family: Family;
}

/** The address text held in the snapshot → its number (or null for junk). */
function held(text: string, family: Family): bigint | null {
  const ip = parseIp(text.split("/")[0] ?? "");
  return ip && ip.family === family ? ip.addr : null;
}

/**
 * One address from each range set for (containerId, ifname). An owner that already holds an
 * address in a set keeps it (nsnet's stickiness: a repeated ADD after a crash reuses it).
 * Returns the new snapshot, or throws when a set is exhausted.
 */
export function allocateHostLocal(
  sets: RangeSet[],
  snapshot: AllocationSnapshot,
  containerId: string,
  ifname: string,
): { ips: Allocated[]; snapshot: AllocationSnapshot } {
  const next: AllocationSnapshot = structuredClone(snapshot);
  const owner = ownerKey(containerId, ifname, 0);
  const ips: Allocated[] = [];
  sets.forEach((set, i) => {
    const family = set[0]!.subnet.family;
    const name = poolName(i);
    const pool = (next.pools[name] ??= { cidr: formatCidrOf(set[0]!), owners: {} });
    const mine = pool.owners[owner];
    const mineAddr = mine === undefined ? null : held(mine, family);
    const mineRange = mineAddr === null ? undefined : set.find((r) => rangeContains(r, family, mineAddr));
    if (mineAddr !== null && mineRange) {
      ips.push(result(mineRange, mineAddr));
      return;
    }
    const taken = new Set<bigint>();
    for (const text of Object.values(pool.owners)) {
      const a = held(text, family);
      if (a !== null) taken.add(a);
    }
    const lastText = pool.last;
    const last = lastText === undefined ? null : held(lastText, family);
    const got = search(set, family, last, taken);
    if (!got) {
      throw new CniError(CNI_CODE.internal, `no IP addresses available in range set ${set.map(describeRange).join(",")}`, "Address pool exhausted");
    }
    pool.owners[owner] = `${formatIp(family, got.addr)}/${got.range.subnet.prefix}`;
    pool.last = formatIp(family, got.addr);
    ips.push(result(got.range, got.addr));
  });
  return { ips, snapshot: next };
}

function formatCidrOf(r: Range): string {
  return `${formatIp(r.subnet.family, networkAddress(r.subnet))}/${r.subnet.prefix}`;
}

function result(r: Range, addr: bigint): Allocated {
  const f = r.subnet.family;
  return { address: `${formatIp(f, addr)}/${r.subnet.prefix}`, gateway: formatIp(f, r.gateway), family: f };
}

/** host-local's RangeIter: the candidates in order, the first one not taken wins. */
function search(set: RangeSet, family: Family, last: bigint | null, taken: Set<bigint>): { range: Range; addr: bigint } | null {
  let idx = 0;
  let cur: bigint | null = null;
  let startAddr: bigint | null = null;
  if (last !== null) {
    const at = set.findIndex((r) => rangeContains(r, family, last));
    if (at >= 0) {
      idx = at;
      cur = last;
    }
  }
  if (cur === null) startAddr = set[0]!.start;
  // bounded: every candidate is visited at most once, plus the wrap back to the start
  for (;;) {
    let r = set[idx]!;
    if (cur === null) {
      cur = r.start;
      startAddr = cur;
    } else {
      if (cur === r.end) {
        idx = (idx + 1) % set.length;
        r = set[idx]!;
        cur = r.start;
      } else {
        cur = cur + 1n;
      }
      if (startAddr === null) startAddr = cur;
      else if (cur === startAddr) return null;
    }
    if (cur === r.gateway) continue;
    if (!taken.has(cur)) return { range: r, addr: cur };
  }
}

/** Frees what (containerId, ifname) holds in every pool; true when something was held. */
export function releaseHostLocal(snapshot: AllocationSnapshot, containerId: string, ifname: string): { snapshot: AllocationSnapshot; released: string[] } {
  const next: AllocationSnapshot = structuredClone(snapshot);
  const owner = ownerKey(containerId, ifname, 0);
  const released: string[] = [];
  for (const pool of Object.values(next.pools)) {
    const v = pool.owners[owner];
    if (v !== undefined) {
      released.push(v);
      delete pool.owners[owner];
    }
  }
  return { snapshot: next, released };
}

/** Every (containerId, ifname) holding an address. */
export function holders(snapshot: AllocationSnapshot): { containerId: string; ifname: string }[] {
  const seen = new Map<string, { containerId: string; ifname: string }>();
  for (const pool of Object.values(snapshot.pools))
    for (const key of Object.keys(pool.owners)) {
      const o = parseOwnerKey(key);
      if (o) seen.set(`${o.ns}\0${o.dev}`, { containerId: o.ns, ifname: o.dev });
    }
  return [...seen.values()];
}

/** Addresses still free in a range set (for STATUS: an exhausted pool cannot serve ADD). */
export function freeCount(set: RangeSet, snapshot: AllocationSnapshot, setIndex: number): bigint {
  const family = set[0]!.subnet.family;
  const taken = new Set<bigint>();
  for (const t of Object.values(snapshot.pools[poolName(setIndex)]?.owners ?? {})) {
    const a = held(t, family);
    if (a !== null) taken.add(a);
  }
  let n = 0n;
  for (const r of set) {
    n += r.end - r.start + 1n;
    if (rangeContains(r, family, r.gateway)) n -= 1n;
    for (const a of taken) if (rangeContains(r, family, a) && a !== r.gateway) n -= 1n;
  }
  return n;
}
