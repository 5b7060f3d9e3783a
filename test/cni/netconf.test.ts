import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { parseNetconf } from "../../src/cni/netconf.js";
import { readCniEnv } from "../../src/cni/env.js";
import { CniError } from "../../src/cni/errors.js";
import { bridgeLines, containerLines, masqRuleset, resultRoutes, subnetClash, vethLines } from "../../src/cni/bridge-plan.js";
import { mergeResult, resultForVersion } from "../../src/cni/result.js";
import type { BridgeConf } from "../../src/cni/netconf.js";

const seed = () => JSON.parse(readFileSync("examples/cni-bridge.conflist", "utf8")).plugins[0];
const conf = (over: Record<string, unknown> = {}) => JSON.stringify({ cniVersion: "1.0.0", name: "cni-bridge", ...seed(), ...over });
function err(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CniError) return `${e.code}: ${e.details}`;
    throw e;
  }
  return "ok";
}

describe("netconf", () => {
  it("reads the seed's bridge netconf unchanged", () => {
    const c = parseNetconf(conf()) as BridgeConf;
    expect(c).toMatchObject({ mode: "bridge", bridge: "cni0", isGateway: true, isDefaultGateway: false, ipMasq: true, hairpinMode: false });
    expect(c.ipam!.routes).toEqual([{ dst: "0.0.0.0/0" }]);
    expect(c.ipam!.ranges).toHaveLength(1);
  });

  it("names what is wrong: code 7 for a bad netconf, 2 for an unsupported field, 6 for non-JSON, 1 for a version", () => {
    expect(err(() => parseNetconf(conf({ name: "bad name" })))).toMatch(/^7: name/);
    expect(err(() => parseNetconf(conf({ mtu: 20 })))).toMatch(/^7: mtu/);
    expect(err(() => parseNetconf(conf({ bridge: "a-very-long-bridge-name" })))).toMatch(/^7: bridge .*15/);
    expect(err(() => parseNetconf(conf({ ipam: { type: "host-local", subnet: "10.22.0.0/33" } })))).toMatch(/^7: .*subnet/);
    expect(err(() => parseNetconf(conf({ ipam: { type: "dhcp" } })))).toMatch(/^2: ipam.type/);
    expect(err(() => parseNetconf(conf({ promiscMode: true })))).toMatch(/^2: promiscMode: true/);
    expect(err(() => parseNetconf("{"))).toMatch(/^6: /);
    expect(err(() => parseNetconf(conf({ cniVersion: "9.9.9" })))).toMatch(/^1: /);
  });

  it("reads nsnet's own form", () => {
    const c = parseNetconf(JSON.stringify({ cniVersion: "1.0.0", name: "pods", type: "nsnet", script: "bridge b0", container: "veth as $ifname to b0" }));
    expect(c).toMatchObject({ mode: "nsnet", script: "bridge b0", container: "veth as $ifname to b0" });
    expect(err(() => parseNetconf(JSON.stringify({ cniVersion: "1.0.0", name: "pods", type: "nsnet", script: "x" })))).toMatch(/^7: container is missing/);
  });
});

describe("CNI environment", () => {
  const base = { CNI_COMMAND: "ADD", CNI_CONTAINERID: "abc", CNI_NETNS: "/proc/42/ns/net", CNI_IFNAME: "eth0" };
  it("takes any netns path, refuses what could break argv or batch text", () => {
    expect(readCniEnv(base).netns).toBe("/proc/42/ns/net");
    expect(err(() => readCniEnv({ ...base, CNI_NETNS: "/run/netns/a b" }))).toMatch(/^4: CNI_NETNS/);
    expect(err(() => readCniEnv({ ...base, CNI_NETNS: "/run/netns/../x" }))).toMatch(/^4: CNI_NETNS.*\.\./);
    expect(err(() => readCniEnv({ ...base, CNI_NETNS: "relative" }))).toMatch(/^4: CNI_NETNS/);
    expect(err(() => readCniEnv({ ...base, CNI_IFNAME: "eth0:1" }))).toMatch(/^4: CNI_IFNAME/);
    expect(err(() => readCniEnv({ ...base, CNI_CONTAINERID: "-x" }))).toMatch(/^4: CNI_CONTAINERID/);
    expect(err(() => readCniEnv({ ...base, CNI_COMMAND: "ADD", CNI_IFNAME: "" }))).toMatch(/^4: CNI_IFNAME must be set/);
    expect(readCniEnv({ CNI_COMMAND: "DEL", CNI_CONTAINERID: "abc", CNI_IFNAME: "eth0" }).netns).toBe("");
  });
});

describe("bridge mode's kernel text (golden)", () => {
  const c = parseNetconf(conf({ hairpinMode: true, mtu: 1400, isDefaultGateway: true })) as BridgeConf;
  const ips = [{ address: "10.22.0.2/16", gateway: "10.22.0.1", family: 4 as const }];
  it("host, container and masquerade", () => {
    expect(bridgeLines(c, undefined, ["10.22.0.1/16"], "cni-p")).toEqual([
      "link add cni0 mtu 1400 address ae:d9:08:cb:db:16 type bridge",
      "link set cni0 alias nsnet:cni-p",
      "link set cni0 up",
      "addr add 10.22.0.1/16 dev cni0",
    ]);
    expect(vethLines(c, "veth0123abcd", "eth0", "/proc/42/ns/net", "cni-p")).toEqual([
      "link add veth0123abcd mtu 1400 type veth peer name eth0 mtu 1400 netns /proc/42/ns/net",
      "link set veth0123abcd alias nsnet:cni-p",
      "link set veth0123abcd master cni0",
      "link set dev veth0123abcd type bridge_slave hairpin on",
      "link set veth0123abcd up",
    ]);
    const routes = resultRoutes(c, ips);
    expect(routes).toEqual([{ dst: "0.0.0.0/0" }, { dst: "0.0.0.0/0", gw: "10.22.0.1" }]);
    expect(containerLines("eth0", ips, [{ dst: "0.0.0.0/0" }])).toEqual([
      "addr add 10.22.0.2/16 dev eth0",
      "link set eth0 up",
      "route add 0.0.0.0/0 via 10.22.0.1 dev eth0",
    ]);
    expect(masqRuleset("cni-p", ["10.22.0.0/16"])).toBe(
      "table inet nsnet_cni_p {\n}\ndelete table inet nsnet_cni_p\ntable inet nsnet_cni_p {\n\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n\t\tip saddr 10.22.0.0/16 ip daddr != 10.22.0.0/16 ip daddr != 224.0.0.0/4 masquerade\n\t}\n}\n",
    );
  });

  it("results: a chained prevResult keeps its entries, indexes shift; old versions get ip versions", () => {
    const prev = { cniVersion: "1.0.0", interfaces: [{ name: "x" }], ips: [{ address: "192.0.2.9/24", interface: 0 }] };
    const r = mergeResult(prev, { interfaces: [{ name: "eth0", sandbox: "/n" }], ips: [{ address: "192.0.2.2/24", interface: 0 }] }, "1.0.0");
    expect(r.ips).toEqual([
      { address: "192.0.2.9/24", interface: 0 },
      { address: "192.0.2.2/24", interface: 1 },
    ]);
    expect(resultForVersion(r, "0.4.0").ips![1]).toEqual({ address: "192.0.2.2/24", interface: 1, version: "4" });
  });
});

describe("prevResult is checked whole when the netconf is read (before any kernel work)", () => {
  const good = {
    cniVersion: "1.0.0",
    interfaces: [
      { name: "cni0", mac: "02:00:00:00:00:01" },
      { name: "eth0", sandbox: "/run/netns/a", mtu: 1500 },
    ],
    ips: [{ address: "192.0.2.2/24", gateway: "192.0.2.1", interface: 1 }],
    routes: [{ dst: "0.0.0.0/0", gw: "192.0.2.1" }],
    dns: { nameservers: ["192.0.2.53"], search: ["example"] },
    extra: "kept",
  };
  it("accepts a result of the spec's shape and keeps unknown fields", () => {
    expect((parseNetconf(conf({ prevResult: good })) as BridgeConf).prevResult).toEqual(good);
    expect(err(() => parseNetconf(conf({ prevResult: {} })))).toBe("ok");
  });
  it("refuses what merging could not take, naming the key (error 7)", () => {
    const bad: [unknown, string][] = [
      [{ routes: 7 }, "7: prevResult.routes must be a list, got 7"],
      [[], "7: prevResult must be an object, got []"],
      [{ ips: [{ address: "nope" }] }, '7: prevResult.ips[0].address must be an address with a prefix, got "nope"'],
      [{ ips: [{}] }, "7: prevResult.ips[0].address is missing"],
      [{ ips: [{ address: "192.0.2.2/24", interface: 3 }] }, "7: prevResult.ips[0].interface is 3, but prevResult lists no interfaces"],
      [
        { interfaces: [{ name: "eth0" }], ips: [{ address: "192.0.2.2/24", interface: 1 }] },
        "7: prevResult.ips[0].interface must be the index of one of prevResult.interfaces (0 to 0), got 1",
      ],
      [{ interfaces: [{ name: 5 }] }, "7: prevResult.interfaces[0].name must be a name, got 5"],
      [{ interfaces: ["eth0"] }, '7: prevResult.interfaces[0] must be an object, got "eth0"'],
      [{ routes: [{ dst: "0.0.0.0/0", gw: "x" }] }, '7: prevResult.routes[0].gw must be an IP address, got "x"'],
      [{ dns: { nameservers: "192.0.2.53" } }, '7: prevResult.dns.nameservers must be a list of strings, got "192.0.2.53"'],
      [{ cniVersion: 1 }, "7: prevResult.cniVersion must be a string, got 1"],
    ];
    for (const [prevResult, want] of bad) expect(err(() => parseNetconf(conf({ prevResult })))).toBe(want);
    // nsnet's own form too
    const own = JSON.stringify({ cniVersion: "1.0.0", name: "pods", type: "nsnet", container: "veth as $ifname", prevResult: { routes: 7 } });
    expect(err(() => parseNetconf(own))).toBe("7: prevResult.routes must be a list, got 7");
  });
});

describe("a subnet overlapping one the host is connected to", () => {
  const ranges = (subnet: string) => (parseNetconf(conf({ ipam: { type: "host-local", subnet } })) as BridgeConf).ipam!.ranges.flat();
  const host = [
    { ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }] },
    { ifname: "eth0", addr_info: [{ family: "inet", local: "198.51.100.2", prefixlen: 24 }] },
    { ifname: "cni0", addr_info: [{ family: "inet", local: "192.0.2.1", prefixlen: 24 }] },
  ];
  it("is refused naming both; the network's own bridge does not count", () => {
    expect(subnetClash(ranges("198.51.100.0/25"), host, "cni0")).toBe(
      "ipam subnet 198.51.100.0/25 overlaps 198.51.100.2/24 on eth0 (the host is connected to 198.51.100.0/24 there); choose a subnet this host does not use",
    );
    expect(subnetClash(ranges("198.0.0.0/8"), host, "cni0")).toMatch(/^ipam subnet 198.0.0.0\/8 overlaps 198.51.100.2\/24 on eth0/);
    expect(subnetClash(ranges("192.0.2.0/24"), host, "cni0")).toBeNull();
    expect(subnetClash(ranges("192.0.2.0/24"), host, "cni1")).toMatch(/on cni0/);
    expect(subnetClash(ranges("203.0.113.0/24"), host, "cni0")).toBeNull();
  });
});
