import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import { canonicalIp } from "../../src/ipam/ip.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import type { Span } from "../../src/model/span.js";
import { HOST, type AddressAssignment, type Topology } from "../../src/model/topology.js";
import { TopoBuilder } from "../check/topo-builder.js";

/**
 * What the checker promises about addresses on one L2 segment, for random topologies
 * built the way scripts build them (namespaces on host bridges, veth pairs between
 * namespaces, loose veths to the host, macvlans on an uplink), from a small address space
 * so that duplicates are common:
 * - a topology the checker passes has no address twice on one segment, where segments are
 *   computed here, independently of src/check/segments.ts (veth ends, bridge ports and a
 *   macvlan's parent share one);
 * - adding a copy of an address to any interface of its segment always gives NS312, naming
 *   both the copy and the original;
 * - a renaming of namespaces and devices changes no finding's code, nor where it points.
 */

/** One interface of the plan: where it is and the addresses it gets (indexes into ADDRS). */
type Link =
  | { k: "bridged"; bridge: number; addrs: number[] }
  | { k: "pair"; peer: number; addrs: number[]; peerAddrs: number[] }
  | { k: "loose"; addrs: number[]; hostAddrs: number[] }
  | { k: "macvlan"; addrs: number[] };

interface Plan {
  bridges: number[][]; // per host bridge: its own addresses
  uplink: number[] | null; // the host's uplink and its addresses, when there is one
  namespaces: Link[][];
}

const ADDRS = ["10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24", "10.0.0.4/24", "10.0.0.5/24", "10.0.0.2/25", "2001:db8::1/64", "2001:db8::2/64"];
const addrs = fc.array(fc.integer({ min: 0, max: ADDRS.length - 1 }), { maxLength: 2 });

const plan: fc.Arbitrary<Plan> = fc.record({
  bridges: fc.array(fc.array(fc.integer({ min: 0, max: ADDRS.length - 1 }), { maxLength: 1 }), { maxLength: 2 }),
  uplink: fc.option(addrs, { nil: null }),
  namespaces: fc.array(
    fc.array(
      fc.oneof(
        fc.record({ k: fc.constant("bridged" as const), bridge: fc.nat(3), addrs }),
        fc.record({ k: fc.constant("pair" as const), peer: fc.nat(5), addrs, peerAddrs: addrs }),
        fc.record({ k: fc.constant("loose" as const), addrs, hostAddrs: addrs }),
        fc.record({ k: fc.constant("macvlan" as const), addrs }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
    { minLength: 1, maxLength: 5 },
  ),
});

/** How names are spelled: the identity, or a renaming (bijective on each kind of name). */
interface Names {
  ns: (i: number) => string;
  bridge: (i: number) => string;
  dev: (base: string) => string;
}
const PLAIN: Names = { ns: (i) => `n${i}`, bridge: (i) => `br${i}`, dev: (b) => b };

interface Built {
  b: TopoBuilder;
  topo: Topology;
  /** every address statement with the device key it is on */
  placed: { a: AddressAssignment; key: string }[];
}

/** The plan as a topology; peers that do not exist and bridges that are not there are skipped. */
function build(p: Plan, names: Names = PLAIN): Built {
  const b = new TopoBuilder();
  const placed: Built["placed"] = [];
  const add = (ns: string, dev: string, list: number[]) => {
    for (const i of list) placed.push({ a: b.addr(ns, dev, ADDRS[i]!), key: `${ns}:${dev}` });
  };
  p.bridges.forEach((own, i) => {
    b.bridge(HOST, names.bridge(i));
    add(HOST, names.bridge(i), own);
  });
  const uplink = names.dev("eth0");
  if (p.uplink) {
    b.uplink(uplink);
    add(HOST, uplink, p.uplink);
  }
  for (let i = 0; i < p.namespaces.length; i++) b.ns(names.ns(i));
  p.namespaces.forEach((links, i) => {
    const ns = names.ns(i);
    links.forEach((l, j) => {
      const dev = names.dev(`e${j}`);
      switch (l.k) {
        case "bridged":
          if (l.bridge >= p.bridges.length) return;
          b.veth(ns, dev, { ns: HOST, name: names.dev(`v${i}x${j}`) }, { farMaster: names.bridge(l.bridge) });
          add(ns, dev, l.addrs);
          return;
        case "pair": {
          if (l.peer >= p.namespaces.length || l.peer === i) return;
          const far = names.dev(`p${i}x${j}`);
          b.veth(ns, dev, { ns: names.ns(l.peer), name: far });
          add(ns, dev, l.addrs);
          add(names.ns(l.peer), far, l.peerAddrs);
          return;
        }
        case "loose": {
          const far = names.dev(`h${i}x${j}`);
          b.veth(ns, dev, { ns: HOST, name: far });
          add(ns, dev, l.addrs);
          add(HOST, far, l.hostAddrs);
          return;
        }
        case "macvlan":
          if (!p.uplink) return;
          b.macvlan(ns, dev, { ns: HOST, name: uplink });
          add(ns, dev, l.addrs);
          return;
      }
    });
  });
  return { b, topo: b.topo, placed };
}

/** L2 segments computed here, from the model alone: device key → segment representative. */
function segmentsOf(t: Topology): (key: string) => string {
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    const p = parent.get(k);
    if (p === undefined || p === k) return k;
    const r = find(p);
    parent.set(k, r);
    return r;
  };
  const join = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(rb, ra);
  };
  for (const d of t.devices) {
    const k = `${d.ns}:${d.name}`;
    if (d.master) join(`${d.ns}:${d.master}`, k);
    if (d.kind === "veth") join(k, `${d.peer.ns}:${d.peer.name}`);
    if (d.kind === "macvlan" || d.kind === "ipvlan") join(`${d.parent.ns}:${d.parent.name}`, k);
  }
  return find;
}

const ipOf = (cidr: string) => canonicalIp(cidr.split("/")[0]!) ?? cidr;
const errors = (ds: Diagnostic[]) => ds.filter((d) => d.severity === "error");
const at = (s: Span) => `${s.start.line}:${s.start.column}`;

describe("check (property): addresses on one L2 segment", () => {
  it("a topology the checker passes has no address twice on one segment", () => {
    let passed = 0;
    let passedWithShared = 0;
    fc.assert(
      fc.property(plan, (p) => {
        const { topo, placed } = build(p);
        if (errors(check(topo)).length) return;
        passed++;
        const seg = segmentsOf(topo);
        const seen = new Map<string, string>();
        for (const { a, key } of placed) {
          const where = `${seg(key)}|${ipOf(a.spec.kind === "static" ? a.spec.cidr : "")}`;
          expect(seen.get(where), `${key} repeats an address of ${seen.get(where)} on one segment`).toBeUndefined();
          seen.set(where, key);
        }
        if (new Set(placed.map(({ key }) => seg(key))).size < placed.length) passedWithShared++;
      }),
      { numRuns: 500 },
    );
    // not vacuous: many passed, and some had several addresses on one segment
    expect(passed).toBeGreaterThan(50);
    expect(passedWithShared).toBeGreaterThan(10);
  });

  it("a copy of an address on any interface of its segment gives NS312 naming both", () => {
    fc.assert(
      fc.property(plan, fc.nat(), fc.nat(), (p, pick, to) => {
        const built = build(p);
        fc.pre(built.placed.length > 0 && !check(built.topo).some((d) => d.code === "NS312"));
        const seg = segmentsOf(built.topo);
        const original = built.placed[pick % built.placed.length]!;
        // the interfaces of the original's segment (its own included)
        const keys = [...new Set(built.topo.devices.map((d) => `${d.ns}:${d.name}`))].filter((k) => seg(k) === seg(original.key));
        const target = keys[to % keys.length] ?? original.key;
        const [ns, dev] = target.split(":") as [string, string];
        const cidr = original.a.spec.kind === "static" ? original.a.spec.cidr : "";
        // the same topology, with the copy as one more statement at the end
        const copy = built.b.addr(ns, dev, cidr);
        const conflicts = check(built.topo).filter((d) => d.code === "NS312");
        const named = conflicts.map((d) => [d.span, ...(d.related ?? []).map((r) => r.span)].map(at).sort().join(" "));
        expect(named, `copy of ${cidr} from ${original.key} onto ${target}`).toContain([at(copy.valueSpan), at(original.a.valueSpan)].sort().join(" "));
      }),
      { numRuns: 300 },
    );
  });

  it("renaming namespaces and devices changes no finding's code or place", () => {
    // a bijection onto other names of the same lengths and kinds (no pattern or special name)
    const renamed: Names = { ns: (i) => `q${9 - i}`, bridge: (i) => `bz${i}`, dev: (b) => (b === "eth0" ? "up7" : `${b}r`) };
    fc.assert(
      fc.property(plan, (p) => {
        const codes = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.severity} ${at(d.span)}`).sort();
        expect(codes(check(build(p, renamed).topo))).toEqual(codes(check(build(p).topo)));
      }),
      { numRuns: 300 },
    );
  });
});
