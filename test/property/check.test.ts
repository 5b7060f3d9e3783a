import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import type { Span } from "../../src/model/span.js";
import { HOST } from "../../src/model/topology.js";
import { TopoBuilder } from "../check/topo-builder.js";

/**
 * Random topologies from a small name and address space (so duplicates, conflicts,
 * unknown names and bad addresses all happen): the checker never throws, every finding
 * points at a real place, and a renaming of namespaces and devices changes no finding's
 * code or place. What it promises about addresses on a segment is check-segments.test.ts.
 */
const nsName = fc.constantFrom("a", "b", "c", "host", "d");
const devName = fc.constantFrom("eth0", "eth1", "br0", "lo", "vh0", "mv0");
const addrText = fc.oneof(
  fc
    .tuple(fc.constantFrom("10.0.0.", "10.0.1.", "192.0.2."), fc.integer({ min: 0, max: 300 }), fc.constantFrom("/24", "/31", "/32", "", "/16", "/40"))
    .map(([p, n, l]) => `${p}${n}${l}`),
  fc
    .tuple(fc.constantFrom("2001:db8::", "2001:db8:1::", "fe80::"), fc.integer({ min: 0, max: 3 }), fc.constantFrom("/64", "/127", "", "/129"))
    .map(([p, n, l]) => `${p}${n.toString(16)}${l}`),
  fc.constantFrom("nonsense", "1.2.3", "::::", "default"),
);

type Step =
  | { t: "ns"; name: string }
  | { t: "bridge"; ns: string; name: string }
  | { t: "uplink"; name: string }
  | { t: "veth"; ns: string; name: string; farNs: string; far: string; master?: string }
  | { t: "macvlan"; ns: string; name: string; pns: string; parent: string }
  | { t: "vlan"; ns: string; name: string; parent: string; id: number }
  | { t: "addr"; ns: string; dev: string; cidr: string }
  | { t: "auto"; ns: string; dev: string; pool: string }
  | { t: "route"; ns: string; dst: string; via?: string; dev?: string; onlink: boolean }
  | { t: "proxyarp"; ns: string; uplink: string }
  | { t: "pool"; name: string; cidr: string }
  | { t: "nat"; ns: string; pattern: string; out: string }
  | { t: "portmap"; hostPort: number; ns: string; port: number }
  | { t: "partition"; groups: string[][] }
  | { t: "reach"; from: string; to: string };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ t: fc.constant("ns" as const), name: nsName }),
  fc.record({ t: fc.constant("bridge" as const), ns: nsName, name: devName }),
  fc.record({ t: fc.constant("uplink" as const), name: devName }),
  fc.record(
    { t: fc.constant("veth" as const), ns: nsName, name: devName, farNs: nsName, far: devName, master: devName },
    { requiredKeys: ["t", "ns", "name", "farNs", "far"] },
  ),
  fc.record({ t: fc.constant("macvlan" as const), ns: nsName, name: devName, pns: nsName, parent: devName }),
  fc.record({ t: fc.constant("vlan" as const), ns: nsName, name: devName, parent: devName, id: fc.integer({ min: -1, max: 5000 }) }),
  fc.record({ t: fc.constant("addr" as const), ns: nsName, dev: devName, cidr: addrText }),
  fc.record({ t: fc.constant("auto" as const), ns: nsName, dev: devName, pool: fc.constantFrom("p", "q") }),
  fc.record(
    { t: fc.constant("route" as const), ns: nsName, dst: addrText, via: addrText.map((a) => a.split("/")[0]!), dev: devName, onlink: fc.boolean() },
    { requiredKeys: ["t", "ns", "dst", "onlink"] },
  ),
  fc.record({ t: fc.constant("proxyarp" as const), ns: nsName, uplink: devName }),
  fc.record({ t: fc.constant("pool" as const), name: fc.constantFrom("p", "q"), cidr: addrText }),
  fc.record({ t: fc.constant("nat" as const), ns: nsName, pattern: fc.constantFrom("eth+", "ve-*", "vh0", ""), out: devName }),
  fc.record({ t: fc.constant("portmap" as const), hostPort: fc.integer({ min: -5, max: 70000 }), ns: nsName, port: fc.integer({ min: 0, max: 66000 }) }),
  fc.record({ t: fc.constant("partition" as const), groups: fc.array(fc.array(nsName, { maxLength: 3 }), { maxLength: 3 }) }),
  fc.record({ t: fc.constant("reach" as const), from: nsName, to: fc.oneof(nsName, addrText) }),
);

/** The same steps with every namespace and device name passed through `ns` and `dev`. */
function rename(steps: Step[], ns: (n: string) => string, dev: (d: string) => string): Step[] {
  return steps.map((s): Step => {
    switch (s.t) {
      case "ns":
        return { ...s, name: ns(s.name) };
      case "bridge":
        return { ...s, ns: ns(s.ns), name: dev(s.name) };
      case "uplink":
        return { ...s, name: dev(s.name) };
      case "veth":
        return { ...s, ns: ns(s.ns), name: dev(s.name), farNs: ns(s.farNs), far: dev(s.far), ...(s.master ? { master: dev(s.master) } : {}) };
      case "macvlan":
        return { ...s, ns: ns(s.ns), name: dev(s.name), pns: ns(s.pns), parent: dev(s.parent) };
      case "vlan":
        return { ...s, ns: ns(s.ns), name: dev(s.name), parent: dev(s.parent) };
      case "addr":
      case "auto":
        return { ...s, ns: ns(s.ns), dev: dev(s.dev) };
      case "route":
        return { ...s, ns: ns(s.ns), ...(s.dev ? { dev: dev(s.dev) } : {}) };
      case "proxyarp":
        return { ...s, ns: ns(s.ns), uplink: dev(s.uplink) };
      case "nat":
        return { ...s, ns: ns(s.ns), out: dev(s.out) };
      case "portmap":
        return { ...s, ns: ns(s.ns) };
      case "partition":
        return { ...s, groups: s.groups.map((g) => g.map(ns)) };
      case "reach":
        return { ...s, from: ns(s.from), to: s.to.includes(".") || s.to.includes(":") ? s.to : ns(s.to) };
      default:
        return s;
    }
  });
}

function build(steps: Step[], addressed: boolean) {
  const b = new TopoBuilder();
  const autos: ReturnType<TopoBuilder["auto"]>[] = [];
  for (const s of steps) {
    switch (s.t) {
      case "ns":
        b.ns(s.name);
        break;
      case "bridge":
        b.bridge(s.ns, s.name);
        break;
      case "uplink":
        b.uplink(s.name);
        break;
      case "veth":
        b.veth(s.ns, s.name, { ns: s.farNs, name: s.far }, s.master ? { farMaster: s.master } : {});
        break;
      case "macvlan":
        b.macvlan(s.ns, s.name, { ns: s.pns, name: s.parent });
        break;
      case "vlan":
        b.vlan(s.ns, s.name, { ns: HOST, name: s.parent }, s.id);
        break;
      case "addr":
        b.addr(s.ns, s.dev, s.cidr);
        break;
      case "auto":
        autos.push(b.auto(s.ns, s.dev, s.pool));
        break;
      case "route":
        b.route(s.ns, s.dst, s.via, { dev: s.dev, onlink: s.onlink });
        break;
      case "proxyarp":
        b.proxyarp(s.ns, s.uplink);
        break;
      case "pool":
        b.pool(s.name, s.cidr);
        break;
      case "nat":
        b.nat(s.ns, s.pattern, { ns: HOST, name: s.out });
        break;
      case "portmap":
        b.portmap("tcp", s.hostPort, s.ns, s.port);
        break;
      case "partition":
        b.partition(s.groups);
        break;
      case "reach":
        b.reach(s.from, s.to);
        break;
    }
  }
  return addressed ? b.addressed(autos.map((of, i) => ({ of, cidr: `10.0.0.${i % 4}/24` }))) : b.topo;
}

function validSpan(s: Span | undefined): boolean {
  return (
    s !== undefined && s.start.line >= 1 && s.start.column >= 1 && s.end.line >= s.start.line && s.end.offset >= s.start.offset && typeof s.file === "string"
  );
}

describe("check (property)", () => {
  it("never throws; every finding has a code, a message and valid spans", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), (steps, addressed) => {
        const ds = check(build(steps, addressed));
        for (const d of ds) {
          expect(d.code).toMatch(/^NS3\d\d$/);
          // NS300 is a validator that threw: a bug, never a finding
          expect(d.code, d.message).not.toBe("NS300");
          expect(d.message).not.toMatch(/\{\w+\}/);
          expect(["error", "warning", "info"]).toContain(d.severity);
          expect(validSpan(d.span)).toBe(true);
          for (const r of d.related ?? []) {
            expect(validSpan(r.span)).toBe(true);
            expect(r.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it("renaming namespaces (a permutation, or fresh names) and devices no pattern matches changes no finding's code or place", () => {
    // `host`, `lo`, the eth* and vh0 names that nat patterns match stay; the rest is a bijection
    const maps = [
      { a: "d", b: "c", c: "a", d: "b" },
      { a: "zz", b: "y1", c: "x-2", d: "w.3" },
    ] as Record<string, string>[];
    const devs: Record<string, string> = { br0: "mv0", mv0: "br0" };
    const at = (ds: ReturnType<typeof check>) => ds.map((d) => `${d.code} ${d.severity} ${d.span.start.line}:${d.span.start.column}`).sort();
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.boolean(), fc.constantFrom(...maps), (steps, addressed, map) => {
        const renamed = rename(
          steps,
          (n) => map[n] ?? n,
          (d) => devs[d] ?? d,
        );
        expect(at(check(build(renamed, addressed)))).toEqual(at(check(build(steps, addressed))));
      }),
      { numRuns: 400 },
    );
  });

  it("finds every same-segment duplicate of one address on one bridge", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 30 }), (hosts) => {
        const b = new TopoBuilder();
        b.bridge(HOST, "br0");
        hosts.forEach((h, i) => {
          b.ns(`n${i}`);
          b.veth(`n${i}`, "eth0", { ns: HOST, name: `v${i}` }, { farMaster: "br0" });
          b.addr(`n${i}`, "eth0", `10.0.0.${h}/24`);
        });
        const conflicts = check(b.topo).filter((d) => d.code === "NS312").length;
        expect(conflicts).toBe(hosts.length - new Set(hosts).size);
      }),
    );
  });
});
