import { describe, it, expect } from "vitest";
import { expand, expandHandler } from "../../src/expand/expand.js";
import type { Device, Topology } from "../../src/model/topology.js";
import * as h from "./ast-helpers.js";

const run = (...body: Parameters<typeof h.script>) => expand(h.script(...body), { file: h.FILE });
const devs = (topo: Topology) => topo.devices.map((d) => `${d.ns}:${d.name}`);
const dev = (topo: Topology, ns: string, name: string): Device => {
  const d = topo.devices.find((x) => x.ns === ns && x.name === name);
  if (!d) throw new Error(`no ${ns}:${name} in ${devs(topo).join(", ")}`);
  return d;
};

describe("the card example (docs/architecture.md §9)", () => {
  it("uplink eth0; ns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >", () => {
    const { topology, diagnostics } = run(h.uplink("eth0"), h.ns("lxc1", [h.veth({ pair: true }), h.addr("1.1.128.3/20"), h.proxyarp("eth0")]));
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces.map((n) => n.name)).toEqual(["lxc1"]);
    expect(devs(topology)).toEqual(["host:eth0", "host:lxc1_veth0", "lxc1:eth0"]);
    expect(dev(topology, "host", "eth0")).toMatchObject({ kind: "uplink", up: true });
    expect(dev(topology, "host", "lxc1_veth0")).toMatchObject({ kind: "veth", primary: true, up: true, peer: { ns: "lxc1", name: "eth0" } });
    expect(dev(topology, "lxc1", "eth0")).toMatchObject({ kind: "veth", primary: false, up: true, peer: { ns: "host", name: "lxc1_veth0" } });
    expect(topology.addresses).toEqual([expect.objectContaining({ ns: "lxc1", dev: "eth0", spec: { kind: "static", cidr: "1.1.128.3/20", hostOnly: false } })]);
    expect(topology.proxyArps).toEqual([expect.objectContaining({ ns: "lxc1", uplink: "eth0" })]);
  });
});

describe("veth naming", () => {
  it("counts far ends per namespace and ns ends per device placed", () => {
    const { topology, diagnostics } = run(h.ns("a", [h.veth(), h.veth(), h.macvlan("eth0"), h.veth()]));
    expect(diagnostics).toEqual([]);
    expect(devs(topology)).toEqual(["host:a_veth0", "a:eth0", "host:a_veth1", "a:eth1", "a:eth2", "host:a_veth2", "a:eth3"]);
  });
  it("a macvlan then a veth give eth0, eth1; k counts placed devices and skips names taken", () => {
    const a = run(h.ns("a", [h.macvlan("eth0"), h.veth()]));
    expect(devs(a.topology)).toEqual(["a:eth0", "host:a_veth0", "a:eth1"]);
    const b = run(h.ns("a", [h.macvlan("eth0", { as: "eth1" }), h.veth()]));
    expect(devs(b.topology)).toEqual(["a:eth1", "host:a_veth0", "a:eth2"]);
  });
  it("`veth NAME` names the far end, `as IF` the end inside", () => {
    const { topology } = run(h.ns("web", [h.veth({ far: h.t("ve-web"), as: h.t("lan0") })]));
    expect(dev(topology, "host", "ve-web")).toMatchObject({ peer: { ns: "web", name: "lan0" }, primary: true });
  });
  it("`to NS:BR` puts the far end in NS, enslaved to BR; `to BR` is a host bridge", () => {
    const { topology, diagnostics } = run(
      h.bridge("br0"),
      h.ns("sw", [h.bridge("br1")]),
      h.ns("g1", [h.veth({ to: h.ref("sw:br1") })]),
      h.ns("g2", [h.veth({ to: h.ref("br0") })]),
    );
    expect(diagnostics).toEqual([]);
    const far1 = dev(topology, "sw", "g1_veth0");
    expect(far1).toMatchObject({ master: "br1", primary: false, peer: { ns: "g1", name: "eth0" } });
    expect(dev(topology, "g1", "eth0")).toMatchObject({ primary: true });
    expect(dev(topology, "host", "g2_veth0")).toMatchObject({ master: "br0", primary: true });
  });
  it("`peer NS2[:IF]` puts the far end in NS2, default eth${k} counted there", () => {
    const { topology } = run(
      h.ns("gw", [h.veth()]),
      h.ns("a", [h.veth({ peer: { ns: h.t("gw") } })]),
      h.ns("b", [h.veth({ peer: { ns: h.t("gw"), name: h.t("to-b") } })]),
    );
    expect(dev(topology, "gw", "eth1")).toMatchObject({ peer: { ns: "a", name: "eth0" }, primary: false });
    expect(dev(topology, "a", "eth0")).toMatchObject({ primary: true, peer: { ns: "gw", name: "eth1" } });
    expect(dev(topology, "gw", "to-b")).toMatchObject({ peer: { ns: "b", name: "eth0" } });
  });
  it("an over-long default far name points at the veth keyword with a hint", () => {
    const keyword = h.at(3, 5, 4);
    const { diagnostics, topology } = run(h.ns("averyverylongname", [h.veth({ keyword })]));
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ code: "NS210", span: keyword, hint: expect.stringContaining("veth NAME") });
    expect(diagnostics[0]!.message).toContain("averyverylongname_veth0");
    expect(topology.devices).toEqual([]);
  });
});

describe("devices on parents, moves, bridges", () => {
  it("unqualified parents are host devices; modes default to bridge and l2", () => {
    const { topology } = run(h.ns("a", [h.macvlan("eth0"), h.ipvlan("eth1"), h.vlan(h.num(10), "x:eth2")]));
    expect(topology.devices).toEqual([
      expect.objectContaining({ kind: "macvlan", ns: "a", name: "eth0", parent: { ns: "host", name: "eth0" }, mode: "bridge" }),
      expect.objectContaining({ kind: "ipvlan", ns: "a", name: "eth1", parent: { ns: "host", name: "eth1" }, mode: "l2" }),
      expect.objectContaining({ kind: "vlan", ns: "a", name: "eth2", parent: { ns: "x", name: "eth2" }, vlanId: 10 }),
    ]);
  });
  it("host-side defaults: macvlan${k}, PARENT.ID", () => {
    const { topology } = run(h.host(h.macvlan("eth0"), h.vlan(h.num(7), "eth0")));
    expect(devs(topology)).toEqual(["host:macvlan0", "host:eth0.7"]);
  });
  it("move keeps the name unless `as`, and records where it came from", () => {
    const { topology } = run(h.ns("a", [h.move("enp3s0"), h.move("b:eth9", "eth5")]));
    expect(topology.devices).toEqual([
      expect.objectContaining({ kind: "moved", ns: "a", name: "enp3s0", from: { ns: "host", name: "enp3s0" } }),
      expect.objectContaining({ kind: "moved", ns: "a", name: "eth5", from: { ns: "b", name: "eth9" } }),
    ]);
  });
  it("a bridge body: addr defaults to the bridge; devices made there are enslaved", () => {
    const { topology } = run(h.ns("sw", [h.bridge("br0", [h.addr("192.0.2.254/24"), h.move("eth3")])]));
    expect(topology.addresses[0]).toMatchObject({ ns: "sw", dev: "br0" });
    expect(dev(topology, "sw", "eth3")).toMatchObject({ master: "br0" });
    expect(dev(topology, "sw", "br0")).toMatchObject({ kind: "bridge" });
    expect(dev(topology, "sw", "br0").master).toBeUndefined();
  });
  it("top-level bridge and uplink live in the host", () => {
    const { topology } = run(h.bridge("br0", [h.addr("192.0.2.1/24")]), h.uplink("eth0"));
    expect(devs(topology)).toEqual(["host:br0", "host:eth0"]);
    expect(topology.addresses[0]).toMatchObject({ ns: "host", dev: "br0" });
  });
});

describe("addresses", () => {
  it("default device: the most recent interface of the body, else eth0", () => {
    const { topology } = run(
      h.ns("a", [h.addr("192.0.2.9/24"), h.veth({ as: h.t("lan") }), h.addr("192.0.2.1/24"), h.addr("2001:db8::1/64")]),
      h.host(h.addr("198.51.100.2/24")),
    );
    expect(topology.addresses.map((a) => `${a.ns}:${a.dev}`)).toEqual(["a:eth0", "a:lan", "a:lan", "host:eth0"]);
  });
  it("`on NS:IF` puts the address in that namespace (the transit address of the routed recipe)", () => {
    const { topology } = run(h.ns("lxc1", [h.veth({ pair: true }), h.addr("10.0.1.2/24"), h.addr("10.0.1.1/24", "host:lxc1_veth0")]));
    expect(topology.addresses.map((a) => `${a.ns}:${a.dev} ${a.spec.kind === "static" ? a.spec.cidr : ""}`)).toEqual([
      "lxc1:eth0 10.0.1.2/24",
      "host:lxc1_veth0 10.0.1.1/24",
    ]);
    expect(topology.addresses[1]!.devSpan).toBeDefined();
  });
  it("no prefix: a host address and a warning", () => {
    const { topology, diagnostics } = run(h.ns("a", [h.veth(), h.addr("10.0.0.23"), h.addr("2001:db8::5")]));
    expect(topology.addresses.map((a) => a.spec)).toEqual([
      { kind: "static", cidr: "10.0.0.23/32", hostOnly: true },
      { kind: "static", cidr: "2001:db8::5/128", hostOnly: true },
    ]);
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["NS213", "warning"],
      ["NS213", "warning"],
    ]);
  });
  it("addr auto [from POOL]", () => {
    const { topology } = run(h.pool("lan", "192.0.2.0/24", 30, ["192.0.2.1"]), h.ns("a", [h.veth(), h.addrAuto("lan"), h.addrAuto()]));
    expect(topology.addresses.map((a) => a.spec)).toEqual([{ kind: "auto", pool: "lan", poolSpan: expect.anything() }, { kind: "auto" }]);
    expect(topology.pools).toEqual([
      expect.objectContaining({ name: "lan", cidr: "192.0.2.0/24", split: 30, reserve: [expect.objectContaining({ addr: "192.0.2.1" })] }),
    ]);
  });
});

describe("routes, sysctls, link state, proxies", () => {
  it("routes keep via/dev/onlink; a bare address becomes /32", () => {
    const { topology } = run(h.ns("a", [h.veth(), h.route("default", { via: "192.0.2.1" }), h.route("198.51.100.7", { dev: "eth0", onlink: true })]));
    expect(topology.routes).toEqual([
      expect.objectContaining({ ns: "a", dst: "default", via: "192.0.2.1", onlink: false }),
      expect.objectContaining({ ns: "a", dst: "198.51.100.7/32", dev: "eth0", onlink: true }),
    ]);
    expect(topology.routes[0]!.dev).toBeUndefined();
  });
  it("sysctls in their namespace", () => {
    const { topology } = run(h.ns("a", [h.sysctl("net.ipv4.ip_forward", "1")]), h.host(h.sysctl("net.ipv4.conf.all.proxy_arp", "1")));
    expect(topology.sysctls.map((s) => [s.ns, s.key, s.value])).toEqual([
      ["a", "net.ipv4.ip_forward", "1"],
      ["host", "net.ipv4.conf.all.proxy_arp", "1"],
    ]);
  });
  it("down/up apply to the named device wherever it appears; lo is ignored for up", () => {
    const { topology, diagnostics } = run(
      h.uplink("eth0"),
      h.ns("a", [h.linkState("down", "eth0"), h.veth(), h.linkState("up", "lo")]),
      h.host(h.linkState("down", "a_veth0")),
    );
    expect(diagnostics).toEqual([]);
    expect(dev(topology, "a", "eth0").up).toBe(false);
    expect(dev(topology, "host", "a_veth0").up).toBe(false);
    expect(dev(topology, "host", "eth0").up).toBe(true);
  });
  it("neigh proxy in the host", () => {
    const { topology } = run(h.uplink("eth0"), h.host(h.neighProxy("198.51.100.3", "eth0")));
    expect(topology.neighProxies).toEqual([expect.objectContaining({ ns: "host", addr: "198.51.100.3", dev: "eth0" })]);
  });
});

describe("let, def, for", () => {
  it("for over a range with interpolated names and addresses", () => {
    const i = h.v("i");
    const { topology, diagnostics } = run(
      h.forRange("i", h.num(1), h.num(3), h.ns(h.t("c", i), [h.veth(), h.addr(h.t("198.51.100.", h.bin(h.v("i"), "+", h.num(10)), "/24"))])),
    );
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces.map((n) => n.name)).toEqual(["c1", "c2", "c3"]);
    expect(devs(topology)).toContain("host:c3_veth0");
    expect(topology.addresses.map((a) => (a.spec.kind === "static" ? a.spec.cidr : ""))).toEqual(["198.51.100.11/24", "198.51.100.12/24", "198.51.100.13/24"]);
  });
  it("for over a list and over $list; empty when A > B", () => {
    const { topology } = run(
      h.letS("names", h.list(h.str("web"), h.str("db"))),
      h.forList("n", h.v("names"), h.ns(h.t(h.v("n")))),
      h.forList("n", h.list(h.num(7)), h.ns(h.t("x", h.v("n")))),
      h.forRange("i", h.num(5), h.num(1), h.ns(h.t("never", h.v("i")))),
    );
    expect(topology.namespaces.map((n) => n.name)).toEqual(["web", "db", "x7"]);
  });
  it("def with params; params shadow outer names; the loop variable is local", () => {
    const { topology, diagnostics } = run(
      h.letS("n", h.num(100)),
      h.def("container", ["name", "n"], h.ns(h.t(h.v("name")), [h.veth({ far: h.t("ve-", h.v("name")) }), h.addr(h.t("10.233.", h.v("n"), ".2/24"))])),
      h.call("container", [h.str("web"), h.num(1)]),
      h.ns(h.t("after", h.v("n"))),
    );
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces.map((n) => n.name)).toEqual(["web", "after100"]);
    expect(devs(topology)).toContain("host:ve-web");
    expect(topology.addresses[0]!.spec).toMatchObject({ cidr: "10.233.1.2/24" });
    const leak = run(h.forRange("i", h.num(1), h.num(1)), h.ns(h.t("x", h.v("i"))));
    expect(leak.diagnostics.map((d) => d.code)).toEqual(["NS201"]);
  });
  it("defs see the variables of the place they were written", () => {
    const { topology } = run(h.letS("prefix", h.str("p")), h.def("mk", ["i"], h.ns(h.t(h.v("prefix"), h.v("i")))), h.call("mk", [h.num(1)]));
    expect(topology.namespaces.map((n) => n.name)).toEqual(["p1"]);
  });
  it("a def body runs in the caller's namespace (addr after a def-made veth)", () => {
    const { topology } = run(h.def("link", [], h.veth({ as: h.t("up0") })), h.ns("a", [h.call("link"), h.addr("192.0.2.4/24")]));
    expect(topology.addresses[0]).toMatchObject({ ns: "a", dev: "up0" });
  });
  it("arithmetic: integer division and non-negative modulo; len()", () => {
    const { topology } = run(
      h.letS("a", h.bin(h.num(7), "/", h.num(2))),
      h.letS("b", h.bin(h.num(-1), "%", h.num(4))),
      h.letS("c", { type: "Call", callee: h.id("len"), args: [h.list(h.num(1), h.num(2))], span: h.at(1, 1) }),
      h.ns(h.t("n", h.v("a"), "-", h.v("b"), "-", h.v("c"))),
    );
    expect(topology.namespaces[0]!.name).toBe("n3-3-2");
  });
  it("options.vars are bound (CNI: $ifname)", () => {
    const { topology } = expand(h.script(h.ns("c", [h.veth({ as: h.t(h.v("ifname")) })])), { file: h.FILE, vars: { ifname: "net1" } });
    expect(devs(topology)).toContain("c:net1");
  });
});

describe("use", () => {
  const lib = h.script(
    h.def("routed", ["name", "a"], h.ns(h.t(h.v("name")), [h.veth({ pair: true }), h.addr(h.t(h.v("a"))), h.proxyarp("eth0")])),
    h.pool("lan", "192.0.2.0/24"),
  );
  it("imports defs (and pools, once) through the injected loader", () => {
    const loads: string[] = [];
    const load = (path: string, from: string) => {
      loads.push(`${path} from ${from}`);
      return path === "stdlib/routed" ? { script: lib, file: "/lib/routed.nsnet" } : { error: `looked for /lib/${path}` };
    };
    const { topology, diagnostics } = expand(
      h.script(h.use("stdlib/routed"), h.use("stdlib/routed"), h.call("routed", [h.str("lxc1"), h.str("192.0.2.3/24")])),
      { file: h.FILE, load },
    );
    expect(diagnostics).toEqual([]);
    expect(loads).toEqual([`stdlib/routed from ${h.FILE}`, `stdlib/routed from ${h.FILE}`]);
    expect(devs(topology)).toEqual(["host:lxc1_veth0", "lxc1:eth0"]);
    expect(topology.proxyArps).toHaveLength(1);
    expect(topology.pools).toHaveLength(1);
  });
  it("a used file that uses itself does not loop", () => {
    const self = h.script(h.use("self"), h.def("f", []));
    const { diagnostics } = expand(h.script(h.use("self"), h.call("f")), { file: h.FILE, load: () => ({ script: self, file: "/self" }) });
    expect(diagnostics).toEqual([]);
  });
  it("a used file may only define things", () => {
    const bad = h.script(h.ns("x"));
    const { diagnostics, topology } = expand(h.script(h.use("bad")), { file: h.FILE, load: () => ({ script: bad, file: "/bad" }) });
    expect(diagnostics.map((d) => d.code)).toEqual(["NS212"]);
    expect(diagnostics[0]!.message).toContain("use");
    expect(topology.namespaces).toEqual([]);
  });
});

describe("everything else lands in the topology", () => {
  it("nat, portmap, partition, expect, run, exec", () => {
    const { topology, diagnostics } = run(
      h.uplink("eth0"),
      h.nat("ve-+", "eth0"),
      h.portmap(8080, "web", 80),
      h.partition([["a", "b"], ["c"]]),
      h.partition(null),
      h.expectReach("a", "b", true),
      h.expectHttp("http://192.0.2.2/x", 404, "a"),
      h.expectTcp("[2001:db8::1]:80", "a"),
      h.letS("args", h.list(h.str("-m"), h.str("http.server"))),
      h.run("web", h.t("python3"), h.t(h.v("args"))),
      h.exec("host", h.t("ip"), h.q("link")),
    );
    expect(diagnostics).toEqual([]);
    expect(topology.nats).toEqual([
      expect.objectContaining({ ns: "host", source: { kind: "interfaces", pattern: "ve-+" }, outDev: { ns: "host", name: "eth0" } }),
    ]);
    expect(topology.portmaps).toEqual([expect.objectContaining({ proto: "tcp", hostPort: 8080, ns: "web", port: 80 })]);
    expect(topology.partitions.map((p) => p.groups && p.groups.map((g) => g.map((x) => x.name)))).toEqual([[["a", "b"], ["c"]], null]);
    expect(topology.expects.map((e) => e.kind)).toEqual(["reach", "http", "tcp"]);
    expect(topology.expects[2]).toMatchObject({ host: "2001:db8::1", port: 80 });
    expect(topology.services).toEqual([expect.objectContaining({ ns: "web", argv: ["python3", "-m", "http.server"] })]);
    expect(topology.execs).toEqual([expect.objectContaining({ ns: "host", argv: ["ip", "link"] })]);
  });
});

describe("udev handlers", () => {
  it("are kept with their scope and expanded per event with $iface bound", () => {
    const { topology, diagnostics } = run(
      h.letS("net", h.str("198.51.100")),
      h.def("publish", ["dev"], h.sysctl(h.t("net.ipv4.conf.", h.v("dev"), ".proxy_arp"), "1")),
      h.on("add", "ve-*", h.addr(h.t(h.v("net"), ".", h.v("ifindex"), "/32")), h.call("publish", [h.v("iface")])),
    );
    expect(diagnostics).toEqual([]);
    const handler = topology.handlers[0]!;
    expect(handler).toMatchObject({ action: "add", pattern: "ve-*", scope: { net: "198.51.100" } });
    const ev = expandHandler(handler, { iface: "ve-web", ifindex: 7 }, { file: h.FILE });
    expect(ev.diagnostics).toEqual([]);
    expect(ev.topology.addresses).toEqual([
      expect.objectContaining({ ns: "host", dev: "ve-web", spec: { kind: "static", cidr: "198.51.100.7/32", hostOnly: false } }),
    ]);
    expect(ev.topology.sysctls.map((s) => s.key)).toEqual(["net.ipv4.conf.ve-web.proxy_arp"]);
    expect(ev.topology.devices).toEqual([expect.objectContaining({ kind: "uplink", ns: "host", name: "ve-web" })]);
  });
  it("a handler's closure stays out of its serialised form", () => {
    const { topology } = run(h.def("f", [], h.host()), h.on("remove", "tap*", h.host()));
    const handler = topology.handlers[0]!;
    expect(handler.closure).toBeDefined();
    expect(Object.keys(JSON.parse(JSON.stringify(handler)))).not.toContain("closure");
  });
  it("a handler revived from its serialised scope still sees its variables", () => {
    const { topology } = run(h.letS("x", h.num(5)), h.on("remove", "tap*", h.host()));
    const copy = JSON.parse(JSON.stringify({ ...topology.handlers[0]!, body: [] }));
    const ev = expandHandler({ ...copy, body: [h.sysctl(h.t("net.ipv4.conf.", h.v("iface"), ".mtu", h.v("x")), "1")] }, { iface: "tap0" }, { file: h.FILE });
    // `host` is not allowed in a handler; sysctl is; $x comes from handler.scope.
    expect(ev.topology.sysctls.map((s) => s.key)).toEqual(["net.ipv4.conf.tap0.mtu5"]);
  });
});
