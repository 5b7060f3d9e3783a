import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { HOST } from "../../src/model/topology.js";
import { TopoBuilder } from "./topo-builder.js";

const codes = (ds: Diagnostic[]) => ds.map((d) => d.code);
const one = (ds: Diagnostic[], code: string): Diagnostic => {
  const found = ds.filter((d) => d.code === code);
  expect(found, `${code} in ${JSON.stringify(codes(ds))}`).toHaveLength(1);
  return found[0]!;
};

/** ns NAME with one veth end eth0 whose far end NAME_veth0 is in the host (optionally on a bridge). */
function guest(b: TopoBuilder, name: string, bridge?: string) {
  b.ns(name);
  return b.veth(name, "eth0", { ns: HOST, name: `${name}_veth0` }, bridge ? { farMaster: bridge } : {});
}

describe("check: a clean topology", () => {
  it("reports nothing for the card example with its host address", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.addr(HOST, "eth0", "1.1.128.2/20");
    b.route(HOST, "default", "1.1.128.1");
    guest(b, "lxc1");
    b.addr("lxc1", "eth0", "1.1.128.3/20");
    b.proxyarp("lxc1", "eth0");
    expect(check(b.topo)).toEqual([]);
  });
});

describe("check: references", () => {
  it("points at an unknown namespace with did-you-mean", () => {
    const b = new TopoBuilder();
    b.ns("web");
    const s = b.service("wep");
    const d = one(check(b.topo), "NS301");
    expect(d.span).toEqual(s.nsSpan);
    expect(d.suggestions).toEqual(["web"]);
  });

  it("reports a veth far end born in an undeclared namespace", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const [, far] = b.veth("a", "eth0", { ns: "b", name: "eth0" });
    expect(one(check(b.topo), "NS301").span).toEqual(far.nameSpan);
  });

  it("reports an address on an interface that does not exist, suggesting one that does", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    const a = b.addr("a", "etho", "192.0.2.2/24");
    const d = one(check(b.topo), "NS302");
    expect(d.span).toEqual(a.devSpan);
    expect(d.suggestions).toEqual(["eth0"]);
    expect(d.message).toBe("no interface `etho` in namespace `a`");
  });

  it("accepts lo without a declaration", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.addr("a", "lo", "127.0.0.2/8");
    expect(check(b.topo)).toEqual([]);
  });

  it("warns about an undeclared host device as a macvlan parent and asks for `uplink`", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const m = b.macvlan("a", "mv0", { ns: HOST, name: "eth0" });
    const d = one(check(b.topo), "NS303");
    expect(d.severity).toBe("warning");
    expect(d.span).toEqual(m.parentSpan);
    expect(d.hint).toContain("uplink eth0");
    b.uplink("eth0");
    expect(check(b.topo)).toEqual([]);
  });

  it("errors on a macvlan parent missing in a namespace", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.macvlan("a", "mv0", { ns: "a", name: "eth9" });
    expect(codes(check(b.topo))).toEqual(["NS302"]);
  });

  it("reports an unknown master bridge at the bridge name, and a master that is not a bridge", () => {
    const b = new TopoBuilder();
    const [, far] = guest(b, "a", "br9");
    const d = one(check(b.topo), "NS304");
    expect(d.span).toEqual(far.masterSpan);
    const c = new TopoBuilder();
    const up = c.uplink("eth0");
    guest(c, "a", "eth0");
    const e = one(check(c.topo), "NS305");
    expect(e.message).toBe("`eth0` is a uplink, not a bridge");
    expect(e.related?.[0]?.span).toEqual(up.nameSpan);
  });

  it("reports an unknown pool at the pool name", () => {
    const b = new TopoBuilder();
    b.pool("lan", "10.0.0.0/24");
    guest(b, "a");
    const a = b.auto("a", "eth0", "lam");
    const d = one(check(b.topo), "NS306");
    expect(d.span).toEqual(a.spec.kind === "auto" ? a.spec.poolSpan : undefined);
    expect(d.suggestions).toEqual(["lan"]);
  });

  it("checks route devices, nat out devices, neigh proxy devices and expect endpoints", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "192.0.2.2/24");
    const r = b.route("a", "198.51.100.0/24", undefined, { dev: "eth1" });
    const n = b.nat("a", "eth+", { ns: "a", name: "eth7" });
    const p = b.neighProxy("a", "192.0.2.9", "et0");
    const e = b.reach("a", "zz");
    const t = b.tcp("a", "192.0.2.2", 80);
    const ds = check(b.topo);
    expect(ds.filter((d) => d.code === "NS302").map((d) => d.span)).toEqual([r.devSpan, n.outSpan, p.devSpan]);
    expect(one(ds, "NS301").span).toEqual(e.toSpan);
    expect(ds.some((d) => d.span === t.targetSpan)).toBe(false);
  });
});

describe("check: duplicates", () => {
  it("reports a namespace declared twice at both sites", () => {
    const b = new TopoBuilder();
    const first = b.ns("a");
    const second = b.ns("a");
    const d = one(check(b.topo), "NS307");
    expect(d.span).toEqual(second.nameSpan);
    expect(d.related?.[0]?.span).toEqual(first.nameSpan);
  });

  it("reports an interface declared twice in one namespace", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const m1 = b.macvlan("a", "mv0", { ns: "a", name: "lo" });
    const m2 = b.macvlan("a", "mv0", { ns: "a", name: "lo" });
    const d = one(check(b.topo), "NS308");
    expect([d.span, d.related?.[0]?.span]).toEqual([m2.nameSpan, m1.nameSpan]);
  });

  it("reports two veth pairs whose host ends collide", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.ns("b");
    const [, farA] = b.veth("a", "eth0", { ns: HOST, name: "vh0" });
    const [, farB] = b.veth("b", "eth0", { ns: HOST, name: "vh0" });
    const d = one(check(b.topo), "NS309");
    expect(d.span).toEqual(farB.nameSpan);
    expect(d.related?.[0]?.span).toEqual(farA.nameSpan);
  });

  it("reports a pool declared twice", () => {
    const b = new TopoBuilder();
    b.pool("p", "10.0.0.0/24");
    const p2 = b.pool("p", "10.1.0.0/24");
    expect(one(check(b.topo), "NS310").span).toEqual(p2.nameSpan);
  });
});

describe("check: addresses", () => {
  it("rejects text that is not an address, and a pool without a prefix", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    const a = b.addr("a", "eth0", "10.0.0.300/24");
    const p = b.pool("p", "10.0.0.0");
    const ds = check(b.topo).filter((d) => d.code === "NS311");
    expect(ds.map((d) => d.span)).toEqual([a.valueSpan, p.cidrSpan]);
  });

  it("leaves a bare address (a host address) alone: the expander warns about it", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "10.0.0.23");
    b.addr("a", "eth0", "2001:db8::23");
    expect(check(b.topo)).toEqual([]);
  });

  it("rejects network and broadcast addresses below /31 and accepts /31 and /32", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    const net = b.addr("a", "eth0", "10.0.0.0/24");
    const bc = b.addr("a", "eth0", "10.0.1.255/24");
    b.addr("a", "eth0", "10.0.2.0/31");
    b.addr("a", "eth0", "10.0.2.3/31");
    b.addr("a", "eth0", "10.0.3.0/32");
    const ds = check(b.topo);
    expect(one(ds, "NS313").span).toEqual(net.valueSpan);
    expect(one(ds, "NS313").message).toBe("10.0.0.0 is the network address of 10.0.0.0/24");
    expect(one(ds, "NS314").span).toEqual(bc.valueSpan);
    expect(ds.filter((d) => d.severity === "error")).toHaveLength(2);
  });

  it("warns (not errors) about the IPv6 subnet-router anycast address", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "2001:db8::/64");
    b.addr("a", "eth0", "2001:db8:1::ffff:ffff:ffff:ffff/64");
    const ds = check(b.topo);
    expect(one(ds, "NS313").severity).toBe("warning");
    expect(ds.filter((d) => d.code === "NS314")).toEqual([]);
  });

  it("reports the same address twice on one bridge with both sites, including the bridge's own", () => {
    const b = new TopoBuilder();
    b.bridge(HOST, "br0");
    const brAddr = b.addr(HOST, "br0", "10.0.0.1/24");
    guest(b, "a", "br0");
    guest(b, "b", "br0");
    const a = b.addr("a", "eth0", "10.0.0.2/24");
    const c = b.addr("b", "eth0", "10.0.0.2/24");
    const clash = b.addr("b", "eth0", "10.0.0.1/24");
    const ds = check(b.topo).filter((d) => d.code === "NS312");
    expect(ds.map((d) => [d.span, d.related?.[0]?.span])).toEqual([
      [c.valueSpan, a.valueSpan],
      [clash.valueSpan, brAddr.valueSpan],
    ]);
  });

  it("allows the same address in isolated segments (vagga's guests)", () => {
    const b = new TopoBuilder();
    for (const cmd of ["cmd1", "cmd2"]) {
      b.ns(cmd);
      b.bridge(cmd, "br0");
      b.addr(cmd, "br0", "172.18.0.254/24");
      b.ns(`${cmd}_g`);
      b.veth(`${cmd}_g`, "eth0", { ns: cmd, name: "g0" }, { farMaster: "br0" });
      b.addr(`${cmd}_g`, "eth0", "172.18.0.1/24");
    }
    expect(check(b.topo)).toEqual([]);
  });

  it("finds conflicts on a macvlan family and on IPv6", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.addr(HOST, "eth0", "2001:db8::1/64");
    b.ns("a");
    b.macvlan("a", "mv0", { ns: HOST, name: "eth0" });
    const a = b.addr("a", "mv0", "2001:DB8:0::1/64");
    const d = one(check(b.topo), "NS312");
    expect(d.span).toEqual(a.valueSpan);
    expect(d.message).toBe("address 2001:db8::1 is used twice in one L2 segment");
  });

  it("warns about overlapping subnets on two interfaces of one namespace, not on one", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.veth("a", "e0", { ns: HOST, name: "x0" });
    b.veth("a", "e1", { ns: HOST, name: "x1" });
    const wide = b.addr("a", "e0", "10.0.0.2/16");
    b.addr("a", "e0", "10.0.5.2/24");
    const narrow = b.addr("a", "e1", "10.0.9.2/24");
    b.addr("a", "e1", "10.1.0.2/32");
    const d = one(check(b.topo), "NS320");
    expect(d.severity).toBe("warning");
    expect(d.span).toEqual(narrow.valueSpan);
    expect(d.related?.[0]?.span).toEqual(wide.valueSpan);
  });
});

describe("check: routes", () => {
  it("rejects host bits in a route target with the subnet as suggestion", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "10.0.0.2/24");
    const r = b.route("a", "10.1.0.1/16", "10.0.0.1");
    const d = one(check(b.topo), "NS315");
    expect(d.span).toEqual(r.dstSpan);
    expect(d.suggestions).toEqual(["10.1.0.0/16"]);
  });

  it("requires the gateway in a connected subnet unless onlink", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "10.0.0.2/24");
    const bad = b.route("a", "default", "10.9.0.1");
    b.route("a", "default", "10.9.0.1", { onlink: true });
    b.route("a", "10.5.0.0/16", "10.0.0.1");
    const d = one(check(b.topo), "NS316");
    expect(d.span).toEqual(bad.viaSpan);
    expect(d.hint).toContain("10.0.0.0/24");
  });

  it("looks only at the subnets of `dev IF` when given", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.veth("a", "e0", { ns: HOST, name: "x0" });
    b.veth("a", "e1", { ns: HOST, name: "x1" });
    b.addr("a", "e0", "10.0.0.2/24");
    b.addr("a", "e1", "10.0.1.2/24");
    b.route("a", "default", "10.0.0.1", { dev: "e0" });
    const r = b.route("a", "10.8.0.0/16", "10.0.0.1", { dev: "e1" });
    expect(one(check(b.topo), "NS316").span).toEqual(r.viaSpan);
  });

  it("handles IPv6 gateways, link-local included, and rejects mixed families", () => {
    const b = new TopoBuilder();
    guest(b, "a");
    b.addr("a", "eth0", "2001:db8:1::2/64");
    b.route("a", "default", "2001:db8:1::1");
    b.route("a", "2001:db8:9::/48", "fe80::1", { dev: "eth0" });
    const bad = b.route("a", "2001:db8:7::/48", "2001:db8:2::1");
    const mixed = b.route("a", "10.0.0.0/8", "2001:db8:1::1");
    const ds = check(b.topo);
    expect(one(ds, "NS316").span).toEqual(bad.viaSpan);
    expect(one(ds, "NS317").span).toEqual(mixed.viaSpan);
  });

  it("stays quiet about gateways while an `addr auto` is unresolved, and checks once allocated", () => {
    const b = new TopoBuilder();
    b.pool("p", "10.22.0.0/16");
    guest(b, "a");
    const auto = b.auto("a", "eth0", "p");
    const r = b.route("a", "default", "10.23.0.1");
    expect(check(b.topo)).toEqual([]);
    const addressed = b.addressed([{ of: auto, cidr: "10.22.0.2/16" }]);
    expect(one(check(addressed), "NS316").span).toEqual(r.viaSpan);
  });

  it("makes a host gateway outside the script's host addresses a warning only", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.addr(HOST, "eth0", "192.0.2.2/24");
    b.route(HOST, "default", "198.51.100.1");
    expect(one(check(b.topo), "NS316").severity).toBe("warning");
  });
});

describe("check: allocated addresses", () => {
  it("checks resolved addresses for conflicts and points at the `auto` token", () => {
    const b = new TopoBuilder();
    b.pool("p", "10.0.0.0/24");
    b.bridge(HOST, "br0");
    const st = b.addr(HOST, "br0", "10.0.0.1/24");
    guest(b, "a", "br0");
    const auto = b.auto("a", "eth0", "p");
    const d = one(check(b.addressed([{ of: auto, cidr: "10.0.0.1/24" }])), "NS312");
    expect(d.span).toEqual(auto.valueSpan);
    expect(d.related?.[0]?.span).toEqual(st.valueSpan);
  });
});

describe("check: proxyarp", () => {
  function card(addr: string) {
    const b = new TopoBuilder();
    b.uplink("eth0");
    const up = b.addr(HOST, "eth0", "1.1.128.2/20");
    guest(b, "lxc1");
    const a = b.addr("lxc1", "eth0", addr);
    const p = b.proxyarp("lxc1", "eth0");
    return { b, up, a, p };
  }

  it("rejects an address outside the uplink's subnet, with the proxyarp and the uplink address as related", () => {
    const { b, up, a, p } = card("1.1.144.3/20");
    const d = one(check(b.topo), "NS318");
    expect(d.span).toEqual(a.valueSpan);
    expect(d.message).toBe("1.1.144.3 is outside the subnet of uplink `eth0` (1.1.128.0/20)");
    expect(d.related?.map((r) => r.span)).toEqual([p.uplinkSpan, up.valueSpan]);
  });

  it("accepts a transit subnet shared with the host end of the veth", () => {
    const { b } = card("1.1.128.3/20");
    b.addr("lxc1", "eth0", "10.0.1.2/24");
    b.addr(HOST, "lxc1_veth0", "10.0.1.1/24");
    expect(check(b.topo)).toEqual([]);
    const c = card("1.1.128.3/20").b;
    c.addr("lxc1", "eth0", "10.0.1.2/24");
    expect(codes(check(c.topo))).toEqual(["NS318"]);
  });

  it("requires a declared uplink", () => {
    const b = new TopoBuilder();
    b.uplink("eth1");
    guest(b, "lxc1");
    const p = b.proxyarp("lxc1", "eth0");
    const d = one(check(b.topo), "NS319");
    expect(d.span).toEqual(p.uplinkSpan);
    expect(d.suggestions).toEqual(["eth1"]);
    const c = new TopoBuilder();
    guest(c, "lxc1");
    c.proxyarp("lxc1", "eth0");
    expect(one(check(c.topo), "NS319").hint).toBe("declare it with `uplink eth0`");
  });
});

describe("check: nat, portmap, partition, expect", () => {
  it("warns about a nat pattern that matches nothing, and accepts `ve-+` matching host ends", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.ns("c1");
    b.veth("c1", "eth0", { ns: HOST, name: "ve-c1" });
    b.nat(HOST, "ve-+", { ns: HOST, name: "eth0" });
    expect(check(b.topo)).toEqual([]);
    const n = b.nat(HOST, "vx-*", { ns: HOST, name: "eth0" });
    expect(one(check(b.topo), "NS324").span).toEqual(n.sourceSpan);
  });

  it("rejects ports out of range and a host port mapped twice", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.ns("b");
    const first = b.portmap("tcp", 8080, "a", 80);
    const big = b.portmap("tcp", 70000, "a", 0);
    const again = b.portmap("tcp", 8080, "b", 80);
    b.portmap("udp", 8080, "b", 80);
    const ds = check(b.topo);
    expect(ds.filter((d) => d.code === "NS321").map((d) => d.span)).toEqual([big.hostPortSpan, big.portSpan]);
    const dup = one(ds, "NS322");
    expect(dup.span).toEqual(again.hostPortSpan);
    expect(dup.related?.[0]?.span).toEqual(first.hostPortSpan);
  });

  it("rejects a namespace named twice in a partition, and unknown members", () => {
    const b = new TopoBuilder();
    b.ns("a");
    b.ns("b");
    const p = b.partition([["a"], ["b", "a", "c"]]);
    const ds = check(b.topo);
    const d = one(ds, "NS323");
    expect(d.span).toEqual(p.groups[1]![1]!.span);
    expect(d.related?.[0]?.span).toEqual(p.groups[0]![0]!.span);
    expect(one(ds, "NS301").span).toEqual(p.groups[1]![2]!.span);
  });

  it("checks an expect tcp port", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const t = b.tcp("a", "a", 0);
    expect(one(check(b.topo), "NS321").span).toEqual(t.targetSpan);
  });

  it("rejects a vlan id out of range", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.ns("a");
    b.vlan("a", "v", { ns: HOST, name: "eth0" }, 4095);
    expect(codes(check(b.topo))).toEqual(["NS326"]);
  });
});

// Speed is scripts/bench's business (bench-check.mjs); here only that a large topology checks clean.
describe("check: large topologies", () => {
  it("checks 10,000 namespaces on ten bridges without findings", () => {
    const b = new TopoBuilder();
    for (let k = 0; k < 10; k++) {
      b.bridge(HOST, `br${k}`);
      b.addr(HOST, `br${k}`, `10.${k}.0.1/16`);
    }
    b.sysctl(HOST, "net.ipv4.ip_forward", "1");
    for (let i = 0; i < 10_000; i++) {
      const name = `n${i}`;
      const k = Math.floor(i / 1000);
      guest(b, name, `br${k}`);
      b.addr(name, "eth0", `10.${k}.${(i + 2) >> 8}.${(i + 2) & 255}/16`);
      b.route(name, "default", `10.${k}.0.1`);
    }
    expect(check(b.topo)).toEqual([]);
  });

  it("says once, at port 1024, that 10,000 namespaces do not fit on one bridge (NS335)", () => {
    const b = new TopoBuilder();
    b.bridge(HOST, "br0");
    b.addr(HOST, "br0", "10.0.0.1/16");
    const ports = [];
    for (let i = 0; i < 10_000; i++) {
      const name = `n${i}`;
      ports.push(guest(b, name, "br0")[1]);
      b.addr(name, "eth0", `10.0.${(i + 2) >> 8}.${(i + 2) & 255}/16`);
    }
    const ds = check(b.topo);
    expect(codes(ds)).toEqual(["NS335"]);
    expect(ds[0]!.span).toEqual(ports[1023]!.masterSpan);
    expect(ds[0]!.message).toBe("bridge `br0` would get its 1024th port `n1023_veth0`; a bridge has at most 1023");
  });
});

describe("NS304 suggestions", () => {
  it("suggests a bridge of the same namespace for a misspelt master", async () => {
    const { compileText } = await import("../../src/engine/compile.js");
    const c = compileText("bridge br0\nns h2 < veth to br9; addr 192.0.2.2/24 >\n", "t.nsnet");
    const d = c.diagnostics.find((x) => x.code === "NS304");
    expect(d?.suggestions).toEqual(["br0"]);
    expect([d?.span.start.line, d?.span.start.column]).toEqual([2, 17]);
  });
});

describe("one fact, one diagnostic", () => {
  it("a pool declared twice is reported once (NS310), not again by the allocator", async () => {
    const { compileText } = await import("../../src/engine/compile.js");
    const c = compileText("pool lan 10.0.0.0/24\npool lan 10.1.0.0/24\n", "t.nsnet");
    expect(c.diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`)).toEqual(["NS310@2:6"]);
    expect(c.diagnostics[0]!.related?.[0]?.span.start.line).toBe(1);
  });
});
