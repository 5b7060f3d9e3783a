import { describe, it, expect } from "vitest";
import { allocate } from "../../src/ipam/allocate.js";
import { emptySnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { auto, fixed, pool, topo } from "./build.js";
import { compileText } from "../../src/engine/compile.js";
import { formatSource } from "../../src/fmt/format.js";

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
  it("moves an owner whose address became reserved, and says so", () => {
    const first = allocate(topo(pools, [auto("a")]), emptySnapshot());
    const r = allocate(topo([pool("lan", "10.0.0.0/24", { reserve: ["10.0.0.1"] })], [auto("a")]), first.allocations);
    expect(codes(r)).toEqual(["NS412"]);
    expect(r.diagnostics[0]!.severity).toBe("info");
    expect(r.diagnostics[0]!.message).toBe("a:eth0#0 had 10.0.0.1/24 from pool lan; it no longer fits (now reserved), so it gets a new one");
    expect(r.allocations.pools.lan!.owners).toEqual({ "a:eth0#0": "10.0.0.2/24" });
  });
  it("moves an owner whose own interface now has its address as a static one (its own statement changed)", () => {
    const first = allocate(topo(pools, [auto("a")]), emptySnapshot());
    const r = allocate(topo(pools, [fixed("a", "10.0.0.1/24"), auto("a")]), first.allocations);
    expect(codes(r)).toEqual(["NS412"]);
    expect(r.allocations.pools.lan!.owners).toEqual({ "a:eth0#0": "10.0.0.2/24" });
  });
  it("refuses a static address of another interface on an address handed out earlier: NS415 names the holder, nothing moves", () => {
    const first = allocate(topo(pools, [auto("h1"), auto("h2"), auto("h3")]), emptySnapshot());
    const holder = auto("h2");
    const h5 = fixed("h5", "10.0.0.2/24");
    const r = allocate(topo(pools, [auto("h1"), holder, auto("h3"), h5]), first.allocations);
    expect(codes(r)).toEqual(["NS415"]);
    const d = r.diagnostics[0]!;
    expect(d.severity).toBe("error");
    expect(d.span).toBe(h5.valueSpan);
    expect(d.message).toBe("10.0.0.2 is taken: pool lan handed it out to h2:eth0 (10.0.0.2/24), which keeps it");
    expect(d.related).toEqual([{ span: holder.valueSpan, message: "h2:eth0 holds 10.0.0.2/24 from pool lan (sticky: an earlier run handed it out)" }]);
    expect(d.hint).toContain("add `reserve 10.0.0.2` to pool lan");
    // the same static address on a fresh run (nothing handed out yet) is fine
    expect(codes(allocate(topo(pools, [auto("h1"), auto("h2"), auto("h3"), fixed("h5", "10.0.0.2/24")]), emptySnapshot()))).toEqual([]);
    // and once h2 has left the script, its address is free for the static one
    expect(codes(allocate(topo(pools, [auto("h1"), auto("h3"), fixed("h5", "10.0.0.2/24")]), first.allocations))).toEqual([]);
  });
  it("a reservation frees the address for the static one: the holder moves, as the user asked", () => {
    const first = allocate(topo(pools, [auto("h1"), auto("h2")]), emptySnapshot());
    const r = allocate(topo([pool("lan", "10.0.0.0/24", { reserve: ["10.0.0.2"] })], [auto("h1"), auto("h2"), fixed("h5", "10.0.0.2/24")]), first.allocations);
    expect(codes(r)).toEqual(["NS412"]);
    expect(r.allocations.pools.lan!.owners).toEqual({ "h1:eth0#0": "10.0.0.1/24", "h2:eth0#0": "10.0.0.3/24" });
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

describe("allocate: reserved ranges (`reserve A-B`)", () => {
  // host-local's rangeStart/rangeEnd deep inside a /16: what is outside the range is reserved
  const cni = pool("cni", "10.22.0.0/16", { reserve: ["10.22.0.1", "10.22.0.2-10.22.99.255", "10.22.200.0-10.22.255.254"] });

  it("hands out nothing inside a range, and counts the range once when the pool runs out", () => {
    const r = allocate(topo([cni], [auto("a"), auto("b")]), emptySnapshot());
    expect(r.diagnostics).toEqual([]);
    expect(cidrs(r)).toEqual(["10.22.100.0/16", "10.22.100.1/16"]);
    // 100.0–199.255 is 25600 addresses: the 25601st requester finds the pool exhausted
    const many = Array.from({ length: 25601 }, (_, i) => auto(`n${i}`));
    const full = allocate(topo([cni], many), emptySnapshot());
    expect(codes(full)).toEqual(["NS401"]);
    expect(full.diagnostics[0]!.message).toContain("all 25600 addresses are taken, none left for n25600:eth0");
    expect(full.diagnostics[0]!.related?.[0]?.message).toContain("(39934 more are reserved or statically assigned)");
    expect(full.topology.resolved.at(-1)!.cidr).toBe("10.22.199.255/16");
  });

  it("ranges that overlap each other and single reserves are one set; a run past the block's usable end is clipped", () => {
    const p = pool("p", "198.51.100.0/24", {
      reserve: ["198.51.100.1-198.51.100.10", "198.51.100.5-198.51.100.12", "198.51.100.13", "198.51.100.250-198.51.100.255"],
    });
    const many = Array.from({ length: 238 }, (_, i) => auto(`n${i}`));
    const r = allocate(topo([p], many), emptySnapshot());
    expect(codes(r)).toEqual(["NS401"]);
    expect(r.diagnostics[0]!.message).toContain("all 236 addresses are taken");
    expect(r.topology.resolved[0]!.cidr).toBe("198.51.100.14/24");
    expect(r.topology.resolved.at(-1)!.cidr).toBe("198.51.100.249/24");
  });

  it("moves a remembered address that a new range covers, and says so", () => {
    const first = allocate(topo([pool("p", "10.0.0.0/24")], [auto("a"), auto("b")]), emptySnapshot());
    const again = allocate(topo([pool("p", "10.0.0.0/24", { reserve: ["10.0.0.1-10.0.0.9"] })], [auto("a"), auto("b")]), first.allocations);
    expect(codes(again)).toEqual(["NS412", "NS412"]);
    expect(cidrs(again)).toEqual(["10.0.0.10/24", "10.0.0.11/24"]);
  });

  it("IPv6 ranges are never enumerated; a split pool reserves the subnets the range touches", () => {
    const v6 = pool("v6", "2001:db8::/64", { reserve: ["2001:db8::1-2001:db8::ffff:ffff:ffff"] });
    const r6 = allocate(topo([v6], [auto("a")]), emptySnapshot());
    expect(cidrs(r6)).toEqual(["2001:db8:0:0:1::/64"]);
    const split = pool("s", "172.18.192.0/19", { split: 30, reserve: ["172.18.192.0-172.18.192.9"] });
    const rs = allocate(topo([split], [auto("c1", "eth1"), auto("c2", "eth1")]), emptySnapshot());
    expect(rs.diagnostics).toEqual([]);
    expect(cidrs(rs)).toEqual(["172.18.192.13/30", "172.18.192.17/30"]);
  });

  it("a range backwards is NS414, an end outside the block NS405, an end that is no address NS406", () => {
    const r = allocate(
      topo([pool("a", "10.0.0.0/24", { reserve: ["10.0.0.9-10.0.0.2"] }), pool("b", "10.1.0.0/24", { reserve: ["10.1.0.9-10.2.0.2", "10.1.0.1-x"] })], []),
      emptySnapshot(),
    );
    expect(codes(r)).toEqual(["NS414", "NS405", "NS406"]);
    expect(r.diagnostics[0]!.message).toBe("`10.0.0.9-10.0.0.2` is not an address range (reserve in pool a): 10.0.0.9 comes after 10.0.0.2");
    expect(r.diagnostics[1]!.message).toContain("10.2.0.2 is outside pool b");
  });

  it("fills exactly what two large ranges leave of a /16", () => {
    const p = pool("big", "10.0.0.0/16", { reserve: ["10.0.0.1-10.0.63.255", "10.0.192.0-10.0.255.254"] });
    const many = Array.from({ length: 32768 }, (_, i) => auto(`n${i}`));
    const r = allocate(topo([p], many), emptySnapshot());
    expect(r.diagnostics).toEqual([]);
    expect([r.topology.resolved[0]!.cidr, r.topology.resolved.at(-1)!.cidr]).toEqual(["10.0.64.0/16", "10.0.191.255/16"]);
  });
});

describe("`reserve A-B` in the language", () => {
  it("reads the range as one word, allocates past it, and prints it back unchanged", () => {
    const text = "pool cni 10.22.0.0/16 reserve 10.22.0.1 10.22.0.2-10.22.99.255\nns a < veth; addr auto from cni >\n";
    const c = compileText(text, "r.nsnet");
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(c.addressed?.resolved.map((a) => a.cidr)).toEqual(["10.22.100.0/16"]);
    expect(formatSource(text, "r.nsnet").output).toBe(text);
  });
  it("refuses a range with a prefix or a missing end at the word (NS209)", () => {
    for (const word of ["10.22.0.2/16-10.22.0.9", "10.22.0.2-", "10.22.0.1-10.22.0.2-10.22.0.3"]) {
      const c = compileText(`pool cni 10.22.0.0/16 reserve ${word}\n`, "r.nsnet");
      expect(
        c.diagnostics.map((d) => `${d.code} ${d.span.start.column}`),
        word,
      ).toEqual(["NS209 31"]);
    }
  });
});
