import { describe, it, expect } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../../src/syntax/parse.js";
import { expand, expandHandler, type ExpandOptions } from "../../src/expand/expand.js";
import { makeFsLoader, STDLIB_DIR } from "../../src/expand/fs-loader.js";
import type { Topology } from "../../src/model/topology.js";
import { compileText } from "../../src/engine/compile.js";

/** Parse + expand source text; parse errors fail the test (they are not ours to test). */
function ex(text: string, opts: Partial<ExpandOptions> = {}) {
  const p = parse(text, "t.nsnet");
  expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  return expand(p.script, { file: "t.nsnet", load: makeFsLoader(parse), ...opts });
}
const devs = (t: Topology) => t.devices.map((d) => `${d.ns}:${d.name}`);
const at = (d: { code: string; span: { start: { line: number; column: number } } }) => `${d.code}@${d.span.start.line}:${d.span.start.column}`;

describe("expansion of source text", () => {
  it("the card example", () => {
    const { topology, diagnostics } = ex("uplink eth0\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >\n");
    expect(diagnostics).toEqual([]);
    expect(devs(topology)).toEqual(["host:eth0", "host:lxc1_veth0", "lxc1:eth0"]);
    expect(topology.devices[1]).toMatchObject({ kind: "veth", primary: true, peer: { ns: "lxc1", name: "eth0" } });
    expect(topology.addresses).toEqual([expect.objectContaining({ ns: "lxc1", dev: "eth0", spec: { kind: "static", cidr: "1.1.128.3/20", hostOnly: false } })]);
    expect(topology.proxyArps).toEqual([expect.objectContaining({ ns: "lxc1", uplink: "eth0" })]);
    // spans point at tokens: the address token on line 2
    expect(topology.addresses[0]!.valueSpan.start).toMatchObject({ line: 2, column: 27 });
  });
  it("veth default names, to NS:BR and peer", () => {
    const { topology, diagnostics } = ex(`
ns sw < bridge br0 >
ns a < macvlan on eth0; veth; veth >
ns g < veth to sw:br0 >
ns p < veth peer sw:up0 >
`);
    expect(diagnostics).toEqual([]);
    expect(devs(topology)).toEqual(["sw:br0", "a:eth0", "host:a_veth0", "a:eth1", "host:a_veth1", "a:eth2", "g:eth0", "sw:g_veth0", "p:eth0", "sw:up0"]);
    expect(topology.devices.find((d) => d.name === "g_veth0")).toMatchObject({ master: "br0" });
  });
  it("for with interpolated names and addresses; def with params", () => {
    const { topology, diagnostics } = ex(`
def c(name, n) < ns $name < veth; addr 198.51.100.\${n + 10}/24 > >
for i in 1..3 < c("c$i", $i) >
`);
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces.map((n) => n.name)).toEqual(["c1", "c2", "c3"]);
    expect(topology.addresses.map((a) => a.spec.kind === "static" && a.spec.cidr)).toEqual(["198.51.100.11/24", "198.51.100.12/24", "198.51.100.13/24"]);
  });
  it("an address invalid after interpolation points at the address token", () => {
    const { diagnostics } = ex("for i in 1..10 <\n  ns c$i < veth; addr 198.51.100.${i+250}/24 >\n>\n");
    expect(diagnostics.map(at)).toEqual(["NS209@2:23"]);
    expect(diagnostics[0]!.message).toBe("198.51.100.256/24 is not a valid address");
  });
  it("an undefined variable points at `$name`, with did-you-mean", () => {
    const { diagnostics } = ex("let count = 2\nns c$countt\n");
    expect(diagnostics.map(at)).toEqual(["NS201@2:5"]);
    expect(diagnostics[0]!.suggestions).toEqual(["count"]);
  });
  it("a veth at the top level is not allowed", () => {
    const { diagnostics } = ex("\nveth pair\n");
    expect(diagnostics.map(at)).toEqual(["NS212@2:1"]);
  });
  it("use of the stdlib through the fs loader", () => {
    const { topology, diagnostics } = ex('use "stdlib/routed"\nuplink eth0\nrouted("lxc1", 198.51.100.3/24, "eth0")\n');
    expect(diagnostics).toEqual([]);
    expect(devs(topology)).toEqual(["host:eth0", "host:lxc1_veth0", "lxc1:eth0"]);
    expect(topology.proxyArps).toHaveLength(1);
  });
  it("use through an in-memory loader", () => {
    const lib = parse("def two(a) < ns ${a}1; ns ${a}2 >\n", "mem:lib");
    const { topology, diagnostics } = ex('use "lib"\ntwo("x")\n', { load: () => ({ script: lib.script, file: "mem:lib" }) });
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces.map((n) => n.name)).toEqual(["x1", "x2"]);
  });
  it("a missing used file names the resolved path", () => {
    const { diagnostics } = ex('use "stdlib/nosuch"\n');
    expect(diagnostics.map(at)).toEqual(["NS206@1:5"]);
    expect(diagnostics[0]!.hint).toContain(join(STDLIB_DIR, "nosuch.nsnet"));
  });
});

describe("stdlib and examples", () => {
  it("every stdlib file parses and expands without diagnostics", () => {
    for (const f of readdirSync(STDLIB_DIR).filter((n) => n.endsWith(".nsnet"))) {
      const { diagnostics } = ex(`use "stdlib/${f}"\n`);
      expect([f, diagnostics]).toEqual([f, []]);
    }
  });
  it("each stdlib def does what its comment says", () => {
    const nixos = ex('use "stdlib/nixos"\nnixos("web", 1)\n');
    expect(nixos.diagnostics).toEqual([]);
    expect(devs(nixos.topology)).toEqual(["host:ve-web", "web:eth0"]);
    const bridge = ex('use "stdlib/bridge"\nbridge br0 < addr 192.0.2.1/24 >\nbridged("web", "br0")\n');
    expect(bridge.diagnostics).toEqual([]);
    expect(bridge.topology.devices.find((d) => d.name === "web_veth0")).toMatchObject({ ns: "host", master: "br0" });
    const vagga = ex('use "stdlib/vagga"\nuplink eth0\nvagga_gateway("eth0")\nvagga_command("build")\nfor i in 1..3 < vagga_guest("build", $i) >\n');
    expect(vagga.diagnostics).toEqual([]);
    expect(devs(vagga.topology)).toContain("build:build_g3_veth0");
    expect(vagga.topology.pools.map((p) => p.name)).toEqual(["vagga_links"]);
  });
  it("every example in examples/ expands without errors", () => {
    const dir = join(STDLIB_DIR, "..", "examples");
    for (const f of readdirSync(dir).filter((n) => n.endsWith(".nsnet"))) {
      const file = join(dir, f);
      const p = parse(readFileSync(file, "utf8"), file);
      const { diagnostics } = expand(p.script, { file, load: makeFsLoader(parse) });
      expect([f, diagnostics.filter((d) => d.severity === "error")]).toEqual([f, []]);
    }
  });
});

describe("diagnostics from source text land on the right token", () => {
  const cases: [string, string, string][] = [
    ["recursion", "def f(n) < f($n) >\nf(1)\n", "NS204@1:12"],
    ["a loop too large", "for i in 1..1000000 < ns c$i >\n", "NS205@1:10"],
    ["an over-long default far name", "ns averyverylongname <\n  veth\n>\n", "NS210@2:3"],
    ["an over-long interpolated name", "let n = 1234567\nns a < veth as interface$n >\n", "NS210@2:16"],
    ["the reserved namespace name", "ns host\n", "NS211@1:4"],
    ["an all-digit namespace name", "ns 1234\n", "NS211@1:4"],
    ["a VLAN id out of range", "ns a < vlan 5000 on eth0 >\n", "NS216@1:13"],
    ["wrong number of arguments", "def c(a, b) < ns $a >\nc(1)\n", "NS203@2:1"],
    ["an unknown def", "def container(n) < ns c$n >\ncontianer(1)\n", "NS202@2:1"],
    ["division by zero", "let n = 4 / 0\n", "NS207@1:13"],
    ["a bad sysctl key", "host < sysctl net/ipv4/ip_forward = 1 >\n", "NS214@1:15"],
    ["up of an unknown interface", "ns a < veth; down eth1 >\n", "NS217@1:19"],
    ["a machine-wide sysctl inside a namespace", 'ns a < sysctl kernel.core_pattern = "|/tmp/x" >\n', "NS222@1:15"],
    ["vm.drop_caches inside a namespace, even with `machine`", "ns a < sysctl machine vm.drop_caches = 3 >\n", "NS222@1:23"],
    ["a machine-wide sysctl at host level without `machine`", "host < sysctl vm.drop_caches = 3 >\n", "NS223@1:15"],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => {
      expect(ex(text).diagnostics.map(at)).toEqual([expected]);
    });
  }
});

describe("sysctl keys: per namespace or the whole machine", () => {
  it("net.* keys are fine in a namespace and at host level", () => {
    const { topology, diagnostics } = ex("host < sysctl net.ipv4.ip_forward = 1 >\nns a < sysctl net.ipv6.conf.all.forwarding = 1 >\n");
    expect(diagnostics).toEqual([]);
    expect(topology.sysctls.map((s) => `${s.ns} ${s.key}`)).toEqual(["host net.ipv4.ip_forward", "a net.ipv6.conf.all.forwarding"]);
  });
  it("a machine-wide key at host level needs `sysctl machine`, and then passes", () => {
    const { topology, diagnostics } = ex("host < sysctl machine vm.swappiness = 10 >\n");
    expect(diagnostics).toEqual([]);
    expect(topology.sysctls).toEqual([expect.objectContaining({ ns: "host", key: "vm.swappiness", value: "10" })]);
  });
  it("nothing reaches the topology from a refused key", () => {
    const { topology } = ex('ns a < sysctl kernel.core_pattern = "|/tmp/x" >\nhost < sysctl vm.drop_caches = 3 >\n');
    expect(topology.sysctls).toEqual([]);
  });
  it("a handler's body is host level too", () => {
    const { topology } = ex('on add "ve-+" < sysctl kernel.panic = 1 >\n');
    const r = expandHandler(topology.handlers[0]!, { iface: "ve-x" }, { file: "t.nsnet" });
    expect(r.diagnostics.map(at)).toEqual(["NS223@1:24"]);
  });
  it("a key named `machine` is still a key", () => {
    const p = parse("host < sysctl machine = 1 >\n", "t.nsnet");
    const host = p.script.body[0];
    expect(host?.type === "Host" && host.body[0]).toMatchObject({ type: "Sysctl", machine: false, key: { parts: [{ text: "machine" }] } });
  });
});

describe("nat from a subnet or NS:IF", () => {
  const nats = (text: string) => {
    const r = ex(text);
    expect(r.diagnostics).toEqual([]);
    return r.topology.nats.map((n) => ({ ns: n.ns, source: n.source, out: `${n.outDev.ns}:${n.outDev.name}` }));
  };
  it("a source subnet, IPv4 and IPv6 (never split at ':'), literal or from a variable", () => {
    expect(nats("uplink eth0\nlet net = 10.22.0.0/16\nnat from 10.22.0.0/16 to eth0\nnat from 2001:db8::/64 to eth0\nnat from $net to eth0\n")).toEqual([
      { ns: "host", source: { kind: "subnet", cidr: "10.22.0.0/16" }, out: "host:eth0" },
      { ns: "host", source: { kind: "subnet", cidr: "2001:db8::/64" }, out: "host:eth0" },
      { ns: "host", source: { kind: "subnet", cidr: "10.22.0.0/16" }, out: "host:eth0" },
    ]);
  });
  it("NS:IF at top level means the same as nat inside that namespace", () => {
    const top = nats("ns b1 < veth pair; bridge br0 >\nnat from b1:br0 to b1:eth0\n");
    const nested = nats("ns b1 < veth pair; bridge br0; nat from br0 to eth0 >\n");
    expect(top).toEqual([{ ns: "b1", source: { kind: "interfaces", pattern: "br0" }, out: "b1:eth0" }]);
    expect(nested).toEqual(top);
  });
  it("a source subnet needs no namespace: the rule goes where the out interface is", () => {
    expect(nats("ns b1 < veth pair; bridge br0 >\nnat from 192.0.2.0/24 to b1:eth0\n")).toEqual([
      { ns: "b1", source: { kind: "subnet", cidr: "192.0.2.0/24" }, out: "b1:eth0" },
    ]);
  });
  it("source interfaces in another namespace than the out interface are an error at the source", () => {
    expect(ex("ns a\nns b1 < veth pair >\nnat from a:br0 to b1:eth0\n").diagnostics.map(at)).toEqual(["NS218@3:10"]);
    // unqualified means this namespace (the host at top level), as everywhere
    const d = ex("ns b1 < veth pair; bridge br0 >\nnat from br0 to b1:eth0\n").diagnostics;
    expect(d.map(at)).toEqual(["NS218@2:10"]);
    expect(d[0]!.hint).toContain("nat from b1:br0 to b1:eth0");
  });
  it("a source subnet that is no address is an error at the source, not an interface name", () => {
    const d = ex("uplink eth0\nlet n = 300\nnat from 10.22.0.${n}/16 to eth0\n").diagnostics;
    expect(d.map(at)).toEqual(["NS209@3:10"]);
  });
});

describe("one mistake, one diagnostic: a device statement that fails takes no references down with it", () => {
  const codes = (text: string) => {
    const c = compileText(text, "t.nsnet");
    return c.diagnostics.map(at);
  };
  it("a too-long `veth NAME`: no cascading `no interface eth0` for the addr after it", () => {
    expect(codes("ns a < veth averyveryverylongname; addr 192.0.2.1/24 >\n")).toEqual(["NS210@1:13"]);
  });
  it("a too-long default far name: the namespace's eth0 is still meant", () => {
    expect(codes("ns xyzzyxyzzyxyzzyxyzzy < veth pair; addr 192.0.2.1/24; up eth0 >\n")).toEqual(["NS210@1:27"]);
  });
  it("`as IF` of a failed veth: `up IF` and `addr` (the recent interface) are not reported again", () => {
    expect(codes("ns b < veth averyveryverylongname2 as e1; addr 192.0.2.1/24; up e1 >\n")).toEqual(["NS210@1:13"]);
  });
  it("the next veth still gets the next default name", () => {
    const r = ex("ns a < veth averyveryverylongname; veth >\n");
    expect(r.topology.devices.filter((d) => d.ns === "a").map((d) => d.name)).toEqual(["eth1"]);
  });
  it("a macvlan with a bad parent inside a namespace", () => {
    expect(codes("uplink eth0\nns a < macvlan on averyveryverylongparent; addr 192.0.2.1/24 >\n")).toEqual(["NS210@2:19"]);
  });
  it("a name nobody tried to make is still reported", () => {
    expect(codes("ns a < veth averyveryverylongname; addr 192.0.2.1/24 on eth5 >\n")).toEqual(["NS210@1:13", "NS302@1:57"]);
  });
});
