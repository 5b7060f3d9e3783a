// Laws of the allocator (docs/architecture.md §10), over random pools, reserves, static addresses and
// request sequences. Pools are small enough for a brute-force model to be the oracle,
// except the IPv6 /64 laws, which check that nothing is enumerated.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { allocate } from "../../src/ipam/allocate.js";
import { emptySnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";
import {
  blockSize,
  broadcastAddress,
  containsAddress,
  firstUsable,
  formatCidr,
  lastUsable,
  networkAddress,
  networkOf,
  overlaps,
  usableCount,
  parseCidr,
  type Cidr,
} from "../../src/ipam/cidr.js";
import { bitsOf, formatIp, type Family } from "../../src/ipam/ip.js";
import { splitCidr } from "../../src/ipam/subnet.js";
import { auto, fixed, pool, topo } from "../ipam/build.js";
import { HOST, type Topology } from "../../src/model/topology.js";
import { TopoBuilder } from "../check/topo-builder.js";

interface Scenario {
  block: Cidr;
  split?: number;
  reserve: bigint[];
  statics: bigint[];
}

/** A random pool: IPv4 /24–/30 or IPv6 /120–/126, maybe split, with reserves and statics inside. */
const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    family: fc.constantFrom<Family>(4, 6),
    hostBits: fc.integer({ min: 2, max: 8 }),
    net: fc.bigInt({ min: 0n, max: (1n << 24n) - 1n }),
    splitBits: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
    reserve: fc.array(fc.bigInt({ min: 0n, max: 255n }), { maxLength: 4 }),
    statics: fc.array(fc.bigInt({ min: 0n, max: 255n }), { maxLength: 4 }),
  })
  .map(({ family, hostBits, net, splitBits, reserve, statics }) => {
    const bits = bitsOf(family);
    const prefix = bits - hostBits;
    const base = family === 4 ? net << BigInt(hostBits) : (0x20010db8n << 96n) | (net << BigInt(hostBits));
    const size = 1n << BigInt(hostBits);
    const block: Cidr = { family, addr: base & ((1n << BigInt(bits)) - 1n), prefix };
    const split = splitBits === undefined ? undefined : Math.min(bits, prefix + 1 + splitBits);
    const inside = (o: bigint) => block.addr + (o % size);
    return { block, split, reserve: reserve.map(inside), statics: statics.map(inside) };
  });

const text = (s: Scenario, a: bigint) => formatIp(s.block.family, a);

function build(s: Scenario, owners: string[]): Topology {
  return topo(
    [pool("p", formatCidr(s.block), { split: s.split, reserve: s.reserve.map((a) => text(s, a)) })],
    [...s.statics.map((a, i) => fixed(`static${i}`, `${text(s, a)}/${s.block.prefix}`)), ...owners.map((o) => auto(o, "eth0", "p"))],
  );
}

/** The free subnets of a split pool, in order (brute force). */
function modelSubnets(s: Scenario): Cidr[] {
  const taken = (lo: bigint, hi: bigint) => [...s.reserve, ...s.statics].some((a) => a >= lo && a <= hi);
  const out: Cidr[] = [];
  const step = 1n << BigInt(bitsOf(s.block.family) - s.split!);
  for (let a = s.block.addr; a <= broadcastAddress(s.block); a += step)
    if (!taken(a, a + step - 1n)) out.push({ family: s.block.family, addr: a, prefix: s.split! });
  return out;
}

/**
 * Brute-force oracle: what the pool hands out to owners on separate L2 segments, in order,
 * as snapshot text — an address, or with `split` the first host of each free subnet.
 */
function modelFree(s: Scenario): string[] {
  const taken = (lo: bigint, hi: bigint) => [...s.reserve, ...s.statics].some((a) => a >= lo && a <= hi);
  const out: string[] = [];
  if (s.split !== undefined) {
    for (const sub of modelSubnets(s)) out.push(`${text(s, firstUsable(sub))}/${s.split}`);
  } else {
    for (let a = firstUsable(s.block); a <= lastUsable(s.block); a++) if (!taken(a, a)) out.push(`${text(s, a)}/${s.block.prefix}`);
  }
  return out;
}

/** The block a snapshot value stands for: the subnet, or the single address of a plain pool. */
function held(s: Scenario, unit: string): Cidr {
  const c = parseCidr(unit)!;
  return s.split === undefined ? { ...c, prefix: bitsOf(c.family) } : networkOf(c);
}

const names = (n: number, prefix = "n") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const ownersOf = (snap: AllocationSnapshot) => snap.pools.p?.owners ?? {};
/** Scenario plus a number of requesters up to a little past capacity. */
const withCount = scenario.chain((s) => fc.tuple(fc.constant(s), fc.integer({ min: 0, max: modelFree(s).length + 3 })));

describe("ipam laws", () => {
  it("uniqueness: no two owners get the same address or subnet", () => {
    fc.assert(
      fc.property(withCount, ([s, n]) => {
        const units = Object.values(ownersOf(allocate(build(s, names(n)), emptySnapshot()).allocations));
        const blocks = units.map((u) => held(s, u));
        for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) expect(overlaps(blocks[i]!, blocks[j]!)).toBe(false);
      }),
    );
  });

  it("in range: every allocation lies in the pool, with the pool's prefix or the split length", () => {
    fc.assert(
      fc.property(withCount, ([s, n]) => {
        const r = allocate(build(s, names(n)), emptySnapshot());
        for (const a of r.topology.resolved.filter((x) => x.fromPool)) {
          const c = parseCidr(a.cidr)!;
          expect(containsAddress(s.block, c.family, c.addr)).toBe(true);
          expect(c.prefix).toBe(s.split ?? s.block.prefix);
        }
      }),
    );
  });

  it("never network, broadcast, reserved or statically taken", () => {
    fc.assert(
      fc.property(withCount, ([s, n]) => {
        const taken = [...s.reserve, ...s.statics];
        for (const unit of Object.values(ownersOf(allocate(build(s, names(n)), emptySnapshot()).allocations))) {
          const c = held(s, unit);
          for (const t of taken) expect(containsAddress(c, s.block.family, t)).toBe(false);
          if (s.split === undefined) {
            expect(c.addr >= firstUsable(s.block) && c.addr <= lastUsable(s.block)).toBe(true);
            if (s.block.family === 4) expect(c.addr).not.toBe(broadcastAddress(s.block));
            expect(c.addr).not.toBe(networkAddress(s.block));
          }
        }
      }),
    );
  });

  it("lowest free first: fresh allocations are exactly the first free units of the model", () => {
    fc.assert(
      fc.property(withCount, ([s, n]) => {
        const got = Object.values(ownersOf(allocate(build(s, names(n)), emptySnapshot()).allocations));
        expect(got).toEqual(modelFree(s).slice(0, n));
      }),
    );
  });

  it("determinism: the same input gives the same output", () => {
    fc.assert(
      fc.property(withCount, fc.integer({ min: 0, max: 5 }), ([s, n], m) => {
        const prev = allocate(build(s, names(m, "old")), emptySnapshot()).allocations;
        const t = build(s, [...names(n), ...names(m, "old")]);
        expect(allocate(t, prev)).toEqual(allocate(t, prev));
      }),
    );
  });

  it("stickiness under insertion: new owners anywhere never move existing ones", () => {
    fc.assert(
      fc.property(withCount, fc.array(fc.nat(), { maxLength: 6 }), ([s, n], positions) => {
        const before = names(n);
        const first = allocate(build(s, before), emptySnapshot()).allocations;
        const after = [...before];
        for (const [i, p] of positions.entries()) after.splice(p % (after.length + 1), 0, `new${i}`);
        const again = allocate(build(s, after), first).allocations;
        for (const [owner, unit] of Object.entries(ownersOf(first))) expect(ownersOf(again)[owner]).toBe(unit);
      }),
    );
  });

  it("stickiness under a new static address: refused (NS415) exactly when it lands on a handed-out one, else nobody moves", () => {
    fc.assert(
      fc.property(withCount, fc.bigInt({ min: 0n, max: 255n }), ([s, n], offset) => {
        const first = allocate(build(s, names(n)), emptySnapshot()).allocations;
        const addr = s.block.addr + (offset % blockSize(s.block));
        const t = build(s, names(n));
        t.addresses.push(fixed("newcomer", `${text(s, addr)}/${s.block.prefix}`));
        const again = allocate(t, first);
        const lands = Object.values(ownersOf(first)).some((u) => containsAddress(held(s, u), s.block.family, addr));
        expect(again.diagnostics.filter((d) => d.code === "NS415").length).toBe(lands ? 1 : 0);
        expect(again.diagnostics.filter((d) => d.code === "NS412")).toEqual([]);
        if (!lands) expect(ownersOf(again.allocations)).toEqual(ownersOf(first));
      }),
    );
  });

  it("stickiness under removal: the others keep theirs and the removed are forgotten", () => {
    fc.assert(
      fc.property(withCount, fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), ([s, n], keepMask) => {
        const all = names(n);
        const first = allocate(build(s, all), emptySnapshot()).allocations;
        const kept = all.filter((_, i) => keepMask[i % keepMask.length]);
        const again = ownersOf(allocate(build(s, kept), first).allocations);
        for (const owner of all) {
          const key = `${owner}:eth0#0`;
          const had = ownersOf(first)[key];
          if (kept.includes(owner)) {
            if (had !== undefined) expect(again[key]).toBe(had);
          } else expect(again).not.toHaveProperty(key);
        }
      }),
    );
  });

  it("removal frees the address for a later newcomer, not for the rest", () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (s, pick) => {
        const n = modelFree(s).length;
        fc.pre(n >= 2);
        const all = names(n);
        const first = allocate(build(s, all), emptySnapshot()).allocations;
        const gone = all[pick % n]!;
        const rest = all.filter((o) => o !== gone);
        const without = allocate(build(s, rest), first).allocations;
        // freed, not handed to the rest: they all keep what they had
        for (const o of rest) expect(ownersOf(without)[`${o}:eth0#0`]).toBe(ownersOf(first)[`${o}:eth0#0`]);
        const again = ownersOf(allocate(build(s, [...rest, "late"]), without).allocations);
        expect(again["late:eth0#0"]).toBe(ownersOf(first)[`${gone}:eth0#0`]);
      }),
    );
  });

  it("exhaustion exactly at capacity: capacity is fine, one more is exactly one NS401", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const capacity = modelFree(s).length;
        const full = allocate(build(s, names(capacity)), emptySnapshot());
        expect(full.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
        expect(Object.keys(ownersOf(full.allocations))).toHaveLength(capacity);
        const over = allocate(build(s, names(capacity + 1)), emptySnapshot());
        const errors = over.diagnostics.filter((d) => d.code.startsWith("NS4"));
        expect(errors.map((d) => d.code)).toEqual(["NS401"]);
        expect(errors[0]!.message).toContain(`all ${capacity} `);
        expect(errors[0]!.message).toContain(`n${capacity}:eth0`);
      }),
    );
  });

  it("carved subnets never overlap and tile the parent exactly", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Family>(4, 6),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.integer({ min: 0, max: 128 }),
        fc.integer({ min: 0, max: 10 }),
        (family, raw, p, extra) => {
          const bits = bitsOf(family);
          const prefix = p % (bits + 1);
          const len = Math.min(bits, prefix + extra);
          const addr = raw & ((1n << BigInt(bits)) - 1n);
          const parent: Cidr = { family, addr: addr & ~((1n << BigInt(bits - prefix)) - 1n), prefix };
          const parts = splitCidr(parent, len)!;
          expect(BigInt(parts.length)).toBe(1n << BigInt(len - prefix));
          expect(parts[0]!.addr).toBe(networkAddress(parent));
          for (let i = 1; i < parts.length; i++) {
            expect(parts[i]!.addr).toBe(broadcastAddress(parts[i - 1]!) + 1n); // adjacent, so disjoint
            expect(overlaps(parts[i - 1]!, parts[i]!)).toBe(false);
          }
          expect(broadcastAddress(parts.at(-1)!)).toBe(broadcastAddress(parent));
          expect(parts.reduce((sum, c) => sum + blockSize(c), 0n)).toBe(blockSize(parent));
        },
      ),
    );
  });

  it("IPv6 /64: reserves anywhere in the block, lowest free first, nothing enumerated", () => {
    const block = parseCidr("2001:db8:42::/64")!;
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }), { maxLength: 8 }),
        fc.array(fc.bigInt({ min: 1n, max: 12n }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 20 }),
        (far, near, n) => {
          const reserve = [...far, ...near].map((o) => block.addr + o);
          const s: Scenario = { block, reserve, statics: [] };
          const got = Object.values(ownersOf(allocate(build(s, names(n)), emptySnapshot()).allocations));
          const want: string[] = [];
          for (let a = block.addr + 1n; want.length < n; a++) if (!reserve.includes(a)) want.push(`${formatIp(6, a)}/64`);
          expect(got).toEqual(want);
        },
      ),
    );
  });

  it("IPv6 /120: 255 hosts, exhausted exactly at 255 minus reserves", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { maxLength: 10 }), (offsets) => {
        const s: Scenario = {
          block: parseCidr("2001:db8::100/120")!,
          reserve: offsets.map((o) => 0x20010db8n * (1n << 96n) + 0x100n + BigInt(o)),
          statics: [],
        };
        const capacity = 255 - offsets.length;
        expect(allocate(build(s, names(capacity)), emptySnapshot()).diagnostics).toEqual([]);
        expect(allocate(build(s, names(capacity + 1)), emptySnapshot()).diagnostics.map((d) => d.code)).toEqual(["NS401"]);
      }),
      { numRuns: 30 },
    );
  });

  // ── split pools: one subnet per L2 segment ──────────────────────────────────────────

  /** Owners o0…on-1 on bridges: owner i is a port of bridge `br${groups[i]}` (one L2 segment each). */
  function buildSegments(sc: Scenario, groups: number[], names = groups.map((_, i) => `o${i}`)): Topology {
    const t = build(sc, names);
    const b = new TopoBuilder();
    for (const g of new Set(groups)) b.bridge(HOST, `br${g}`);
    for (const [i, n] of names.entries()) b.veth(n, "eth0", { ns: HOST, name: `${n}_v` }, { farMaster: `br${groups[i]}` });
    return { ...t, devices: b.topo.devices };
  }

  const splitScenario = scenario.filter((sc) => sc.split !== undefined);
  const grouping = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 14 });

  it("split: members of one segment share one subnet with consecutive hosts; segments take the free subnets in order", () => {
    fc.assert(
      fc.property(splitScenario, grouping, (sc, groups) => {
        const r = allocate(buildSegments(sc, groups), emptySnapshot());
        const owners = ownersOf(r.allocations);
        const subnets = modelSubnets(sc);
        const order = [...new Set(groups)];
        order.forEach((g, k) => {
          const members = groups.flatMap((x, i) => (x === g ? [`o${i}:eth0#0`] : []));
          const sub = subnets[k];
          if (!sub) {
            // no subnet left for this segment: none of its members got one
            for (const m of members) expect(owners).not.toHaveProperty(m);
            return;
          }
          const hosts = Number(usableCount(sub));
          for (const [j, m] of members.entries()) {
            if (j >= hosts) expect(owners).not.toHaveProperty(m);
            else expect(owners[m]).toBe(`${text(sc, firstUsable(sub) + BigInt(j))}/${sc.split}`);
          }
        });
        const codes = r.diagnostics.map((d) => d.code).sort();
        const tooBig = order.filter((g, k) => k < subnets.length && groups.filter((x) => x === g).length > Number(usableCount(subnets[k]!))).length;
        expect(codes).toEqual([...(order.length > subnets.length ? ["NS401"] : []), ...Array(tooBig).fill("NS413")].sort());
      }),
    );
  });

  it("split: stickiness under insertion of owners and segments anywhere; determinism", () => {
    fc.assert(
      fc.property(splitScenario, grouping, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })), { maxLength: 5 }), (sc, groups, inserts) => {
        const names = groups.map((_, i) => `o${i}`);
        const first = allocate(buildSegments(sc, groups, names), emptySnapshot()).allocations;
        const g2 = [...groups];
        const n2 = [...names];
        inserts.forEach(([p, g], i) => {
          const at = p % (n2.length + 1);
          g2.splice(at, 0, g);
          n2.splice(at, 0, `new${i}`);
        });
        const t2 = buildSegments(sc, g2, n2);
        const again = allocate(t2, first);
        for (const [owner, value] of Object.entries(ownersOf(first))) expect(ownersOf(again.allocations)[owner]).toBe(value);
        expect(allocate(t2, first)).toEqual(again);
        // segments never share a subnet: no two owners hold one address, and each subnet is one segment's
        const bySubnet = new Map<string, Set<number>>();
        n2.forEach((n, i) => {
          const v = ownersOf(again.allocations)[`${n}:eth0#0`];
          if (v === undefined) return;
          const key = formatCidr(networkOf(parseCidr(v)!));
          bySubnet.set(key, (bySubnet.get(key) ?? new Set()).add(g2[i]!));
        });
        for (const gs of bySubnet.values()) expect(gs.size).toBe(1);
        const values = Object.values(ownersOf(again.allocations));
        expect(new Set(values).size).toBe(values.length);
      }),
    );
  });
});
