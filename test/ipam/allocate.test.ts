import { describe, it, expect } from "vitest";
import { allocate } from "../../src/ipam/allocate.js";
import { emptySnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { auto, fixed, pool, topo } from "./build.js";

const cidrs = (r: ReturnType<typeof allocate>) => r.topology.resolved.map((a) => a.cidr);
const codes = (r: ReturnType<typeof allocate>) => r.diagnostics.map((d) => d.code);

describe("allocate: plain pools", () => {
  it("hands out the lowest free addresses in script order, with the pool's prefix", () => {
    const r = allocate(topo([pool("lan", "10.0.0.0/24")], [auto("a", "eth0", "lan"), auto("b"), auto("c", "eth1", "lan")]), emptySnapshot());
    expect(r.diagnostics).toEqual([]);
    expect(cidrs(r)).toEqual(["10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24"]);
    expect(r.topology.resolved.map((a) => [a.ns, a.dev, a.fromPool])).toEqual([
      ["a", "eth0", "lan"],
      ["b", "eth0", "lan"],
      ["c", "eth1", "lan"],
    ]);
    expect(r.allocations).toEqual({
      version: 1,
      pools: { lan: { cidr: "10.0.0.0/24", owners: { "a:eth0#0": "10.0.0.1/24", "b:eth0#0": "10.0.0.2/24", "c:eth1#0": "10.0.0.3/24" } } },
    });
  });

  it("copies static addresses canonically, keeping script order", () => {
    const r = allocate(topo([pool("p", "2001:db8::/64")], [fixed("a", "2001:DB8:0::1/64"), auto("b"), fixed("c", "192.0.2.7")]), emptySnapshot());
    expect(cidrs(r)).toEqual(["2001:db8::1/64", "2001:db8::2/64", "192.0.2.7/32"]);
    expect(r.topology.resolved[0]!.fromPool).toBeUndefined();
  });

  it("skips statics in the pool (the gateway), reserves, network and broadcast", () => {
    const t = topo(
      [pool("p", "198.51.100.0/29", { reserve: ["198.51.100.3"] })],
      [fixed("br", "198.51.100.1/29", "cni0"), auto("a"), auto("b"), auto("c"), auto("d")],
    );
    const r = allocate(t, emptySnapshot());
    expect(r.diagnostics).toEqual([]);
    expect(cidrs(r)).toEqual(["198.51.100.1/29", "198.51.100.2/29", "198.51.100.4/29", "198.51.100.5/29", "198.51.100.6/29"]);
  });

  it("numbers several autos on one device per pool", () => {
    const t = topo([pool("a", "10.0.0.0/24"), pool("b", "10.1.0.0/24")], [auto("x", "eth0", "a"), auto("x", "eth0", "b"), auto("x", "eth0", "a")]);
    const r = allocate(t, emptySnapshot());
    expect(Object.keys(r.allocations.pools.a!.owners)).toEqual(["x:eth0#0", "x:eth0#1"]);
    expect(Object.keys(r.allocations.pools.b!.owners)).toEqual(["x:eth0#0"]);
  });

  it("IPv6 /64: lowest first, never the subnet-router anycast address", () => {
    const r = allocate(topo([pool("v6", "2001:db8:1::/64", { reserve: ["2001:db8:1::1"] })], [auto("a"), auto("b")]), emptySnapshot());
    expect(cidrs(r)).toEqual(["2001:db8:1::2/64", "2001:db8:1::3/64"]);
  });
});

describe("allocate: split pools", () => {
  it("vagga: /30 subnets from 172.18.192.0/19; the interface gets the subnet's first host", () => {
    const r = allocate(topo([pool("cmds", "172.18.192.0/19", { split: 30 })], [auto("c1", "eth1"), auto("c2", "eth1")]), emptySnapshot());
    expect(r.diagnostics).toEqual([]);
    expect(cidrs(r)).toEqual(["172.18.192.1/30", "172.18.192.5/30"]);
    // each owner is its own L2 segment here: a subnet each; the snapshot keeps the address
    expect(r.allocations.pools.cmds!.owners).toEqual({ "c1:eth1#0": "172.18.192.1/30", "c2:eth1#0": "172.18.192.5/30" });
  });
  it("a static address inside a subnet takes the whole subnet", () => {
    const r = allocate(topo([pool("s", "10.233.0.0/16", { split: 24 })], [fixed("h", "10.233.0.9/24"), auto("a")]), emptySnapshot());
    expect(r.allocations.pools.s!.owners).toEqual({ "a:eth0#0": "10.233.1.1/24" });
  });
  it("IPv6 /120s carved from a /64", () => {
    const r = allocate(topo([pool("s6", "2001:db8::/64", { split: 120 })], [auto("a"), auto("b")]), emptySnapshot());
    expect(r.allocations.pools.s6!.owners).toEqual({ "a:eth0#0": "2001:db8::1/120", "b:eth0#0": "2001:db8::101/120" });
    expect(cidrs(r)).toEqual(["2001:db8::1/120", "2001:db8::101/120"]);
  });
});

describe("allocate: stickiness", () => {
  const pools = [pool("lan", "10.0.0.0/24")];
  it("keeps remembered addresses, even when new owners come first", () => {
    const first = allocate(topo(pools, [auto("a"), auto("b")]), emptySnapshot());
    const again = allocate(topo(pools, [auto("new"), auto("b"), auto("a")]), first.allocations);
    expect(again.diagnostics).toEqual([]);
    expect(again.allocations.pools.lan!.owners).toEqual({ "new:eth0#0": "10.0.0.3/24", "b:eth0#0": "10.0.0.2/24", "a:eth0#0": "10.0.0.1/24" });
  });
  it("frees the address of an owner that left, for a later newcomer", () => {
    const first = allocate(topo(pools, [auto("a"), auto("b"), auto("c")]), emptySnapshot());
    const without = allocate(topo(pools, [auto("a"), auto("c")]), first.allocations);
    expect(without.allocations.pools.lan!.owners).toEqual({ "a:eth0#0": "10.0.0.1/24", "c:eth0#0": "10.0.0.3/24" });
    const later = allocate(topo(pools, [auto("a"), auto("c"), auto("d")]), without.allocations);
    expect(later.allocations.pools.lan!.owners["d:eth0#0"]).toBe("10.0.0.2/24");
  });
  it("moves an owner whose address became static or reserved, and says so", () => {
    const first = allocate(topo(pools, [auto("a")]), emptySnapshot());
    const r = allocate(topo(pools, [fixed("gw", "10.0.0.1/24", "br0"), auto("a")]), first.allocations);
    expect(codes(r)).toEqual(["NS412"]);
    expect(r.diagnostics[0]!.severity).toBe("info");
    expect(r.allocations.pools.lan!.owners).toEqual({ "a:eth0#0": "10.0.0.2/24" });
  });
  it("drops remembered values that are garbage, outside the pool or duplicated", () => {
    const snap: AllocationSnapshot = {
      version: 1,
      pools: {
        lan: {
          cidr: "10.0.0.0/24",
          owners: { "a:eth0#0": "junk", "b:eth0#0": "10.9.0.1/24", "c:eth0#0": "10.0.0.7/24", "d:eth0#0": "10.0.0.7/24", "e:eth0#0": "10.0.0.255/24" },
        },
      },
    };
    const r = allocate(topo(pools, [auto("a"), auto("b"), auto("c"), auto("d"), auto("e")]), snap);
    expect(codes(r)).toEqual(["NS412", "NS412", "NS412", "NS412"]);
    expect(r.allocations.pools.lan!.owners).toEqual({
      "a:eth0#0": "10.0.0.1/24",
      "b:eth0#0": "10.0.0.2/24",
      "c:eth0#0": "10.0.0.7/24",
      "d:eth0#0": "10.0.0.3/24",
      "e:eth0#0": "10.0.0.4/24",
    });
  });
  it("keeps the address when the pool grows (the prefix follows the pool)", () => {
    const first = allocate(topo(pools, [auto("a"), auto("b")]), emptySnapshot());
    const r = allocate(topo([pool("lan", "10.0.0.0/16")], [auto("b")]), first.allocations);
    expect(cidrs(r)).toEqual(["10.0.0.2/16"]);
  });
  it("forgets pools the script no longer declares", () => {
    const first = allocate(topo(pools, [auto("a")]), emptySnapshot());
    const r = allocate(topo([pool("other", "10.1.0.0/24")], [auto("a")]), first.allocations);
    expect(Object.keys(r.allocations.pools)).toEqual(["other"]);
  });
});

describe("allocate: diagnostics", () => {
  it("exhaustion names pool, capacity and requester at the auto token, related to the pool", () => {
    const p = pool("tiny", "198.51.100.0/30");
    const t = topo([p], [auto("a"), auto("b"), auto("c"), auto("d")]);
    const r = allocate(t, emptySnapshot());
    expect(codes(r)).toEqual(["NS401"]);
    const d = r.diagnostics[0]!;
    expect(d.message).toBe("pool tiny (198.51.100.0/30) is exhausted: all 2 addresses are taken, none left for c:eth0 and 1 more requester");
    expect(d.span).toBe(t.addresses[2]!.valueSpan);
    expect(d.related?.[0]?.span).toBe(p.span);
    expect(cidrs(r)).toEqual(["198.51.100.1/30", "198.51.100.2/30"]);
  });
  it("exhaustion of a split pool counts subnets", () => {
    const r = allocate(topo([pool("s", "10.0.0.0/29", { split: 30 })], [auto("a"), auto("b"), auto("c")]), emptySnapshot());
    expect(r.diagnostics.map((d) => d.message)).toEqual(["pool s (10.0.0.0/29) is exhausted: all 2 /30 subnets are taken, none left for c:eth0"]);
  });
  it("unknown pool name suggests the closest", () => {
    const t = topo([pool("guests", "10.0.0.0/24")], [auto("a", "eth0", "guest")]);
    const r = allocate(t, emptySnapshot());
    expect(codes(r)).toEqual(["NS408"]);
    expect(r.diagnostics[0]!.suggestions).toEqual(["guests"]);
    expect(r.diagnostics[0]!.span).toBe((t.addresses[0]!.spec as { poolSpan: unknown }).poolSpan);
  });
  it("auto without pools, and auto without `from` among several pools", () => {
    expect(codes(allocate(topo([], [auto("a")]), emptySnapshot()))).toEqual(["NS409"]);
    const r = allocate(topo([pool("a", "10.0.0.0/24"), pool("b", "10.1.0.0/24")], [auto("x")]), emptySnapshot());
    expect(codes(r)).toEqual(["NS410"]);
    expect(r.diagnostics[0]!.suggestions).toEqual(["addr auto from a", "addr auto from b"]);
  });
  it("pool problems: not a CIDR, host bits, bad split, reserve outside or not an address, overlap; a duplicate is the checker's", () => {
    const bad = pool("bad", "10.0.0.0");
    const hostBits = pool("hb", "10.1.0.5/24");
    const split = pool("sp", "10.2.0.0/24", { split: 24 });
    const reserve = pool("rs", "10.3.0.0/24", { reserve: ["10.4.0.1", "10.3.0.300"] });
    const big = pool("big", "10.8.0.0/13");
    const inner = pool("inner", "10.9.1.0/24");
    const dup = pool("big", "10.20.0.0/24");
    const r = allocate(topo([bad, hostBits, split, reserve, big, inner, dup], []), emptySnapshot());
    expect(codes(r)).toEqual(["NS402", "NS403", "NS407", "NS405", "NS406", "NS404"]);
    expect(r.diagnostics[1]!.suggestions).toEqual(["10.1.0.0/24"]);
    const overlap = r.diagnostics[5]!;
    expect(overlap.span).toBe(inner.cidrSpan);
    expect(overlap.related?.[0]?.span).toBe(big.cidrSpan);
    expect(r.diagnostics[3]!.span).toBe(reserve.reserve[0]!.span);
  });
  it("a pool with host bits still allocates from its network", () => {
    const r = allocate(topo([pool("hb", "10.1.0.5/24")], [auto("a")]), emptySnapshot());
    expect(cidrs(r)).toEqual(["10.1.0.1/24"]);
  });
  it("never throws on nonsense", () => {
    const t = topo([pool("x", "::/0", { split: 128 }), pool("y", "0.0.0.0/0")], [auto("a", "e", "x"), auto("b", "e", "y"), fixed("c", "garbage")]);
    const r = allocate(t, { version: 1, pools: { x: { cidr: "?", owners: { "a:e#0": "::/1" } } } });
    expect(cidrs(r)).toEqual(["::/128", "0.0.0.1/0"]);
  });
});
