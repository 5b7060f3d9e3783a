import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { isWritableName, liveToJson, liveToSource } from "../../src/show/live-to-source.js";
import { pairVeths, hasUnpairedVeths } from "../../src/show/veth-pairs.js";
import { HOST, type Device } from "../../src/model/topology.js";
import { SANDBOX_LAN_ALIAS, SANDBOX_UPLINK_ALIAS } from "../../src/model/sandbox-marks.js";
import { LiveBuilder, cardLive, mixedLive } from "./live-builder.js";
import { expectGolden } from "../golden.js";

const here = import.meta.url;

/** The routing checks' warnings (NS334, NS336–NS343) describe the network, not the source:
 *  show prints a live mistake faithfully (mixedLive routes via gateways nobody has). */
const routingWarning = (code: string) => /^NS3(3[4-9]|4[0-3])$/.test(code) && code !== "NS335";

function compileClean(text: string) {
  const c = compileText(text, "show.nsnet");
  expect(
    c.diagnostics
      .filter((d) => !(d.severity === "warning" && routingWarning(d.code)))
      .map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`),
  ).toEqual([]);
  return c.addressed!;
}

function describeDevice(d: Device): string {
  const extra = d.kind === "veth" ? ` peer ${d.peer.ns}:${d.peer.name}` : d.kind === "macvlan" ? ` on ${d.parent.ns}:${d.parent.name} ${d.mode}` : "";
  return `${d.ns}:${d.name} ${d.kind}${extra}${d.master ? ` master ${d.master}` : ""}${d.up ? "" : " down"}`;
}

describe("liveToSource", () => {
  it("prints the card example as the routed-veth script it came from", () => {
    expectGolden(new URL("./card.golden", here), liveToSource(cardLive()));
  });

  it("prints bridges, namespace pairs, macvlans, comments for what it cannot say", () => {
    expectGolden(new URL("./mixed.golden", here), liveToSource(mixedLive()));
  });

  it("prints one namespace and only the host side that wires it", () => {
    const text = liveToSource(mixedLive(), { namespaces: ["a"] });
    expectGolden(new URL("./mixed-a.golden", here), text);
    expect(text).not.toMatch(/docker0|wlan0|ns b|ns gw/);
  });

  it("round-trips: the card source compiles to the card itself — the idiom as `proxyarp on eth0`", () => {
    const t = compileClean(liveToSource(cardLive()));
    expect(t.devices.map(describeDevice)).toEqual(["host:eth0 uplink", "host:lxc1_veth0 veth peer lxc1:eth0", "lxc1:eth0 veth peer host:lxc1_veth0"]);
    expect(t.resolved.map((a) => `${a.ns}:${a.dev} ${a.cidr}`)).toEqual(["lxc1:eth0 1.1.128.3/20", "host:eth0 1.1.128.2/20"]);
    expect(t.routes.map((r) => `${r.ns} ${r.dst} ${r.via ?? "-"} ${r.dev ?? "-"} ${r.onlink}`)).toEqual(["host default 1.1.128.1 eth0 false"]);
    expect(t.proxyArps.map((p) => `${p.ns} ${p.uplink}`)).toEqual(["lxc1 eth0"]);
    expect(t.neighProxies).toEqual([]);
    expect(t.sysctls).toEqual([]);
  });

  it("prints the pieces, not `proxyarp`, when one is missing (here proxy_arp=0 on the host end)", () => {
    const live = cardLive();
    live.sysctls.host!["net.ipv4.conf.lxc1_veth0.proxy_arp"] = "0";
    const text = liveToSource(live);
    expect(text).not.toContain("proxyarp");
    expect(text).toContain("  route default via 1.1.128.1 dev eth0 onlink\n");
    expect(text).toContain("  route 1.1.128.3/32 dev lxc1_veth0\n  neigh proxy 1.1.128.3 on eth0\n  sysctl net.ipv4.ip_forward = 1\n");
  });

  it("round-trips: the mixed source compiles and rebuilds every expressible device", () => {
    const t = compileClean(liveToSource(mixedLive()));
    expect(t.devices.map(describeDevice).sort()).toEqual(
      [
        "host:eth0 uplink",
        "host:br0 bridge",
        "host:a_veth0 veth peer a:eth0 master br0",
        "a:eth0 veth peer host:a_veth0",
        "host:b_veth0 veth peer b:eth0 master br0",
        "b:eth0 veth peer host:b_veth0",
        "a:eth1 veth peer b:eth1",
        "b:eth1 veth peer a:eth1 down",
        "gw:br1 bridge",
        "gw:guest_veth0 veth peer guest:eth0 master br1",
        "guest:eth0 veth peer gw:guest_veth0",
        "mv:eth0 macvlan on host:eth0 private",
      ].sort(),
    );
    expect(t.resolved.map((a) => `${a.ns}:${a.dev} ${a.cidr}`).sort()).toEqual(
      [
        "host:br0 192.0.2.1/24",
        "a:eth0 192.0.2.10/24",
        "a:eth0 2001:db8::10/64",
        "a:eth1 198.51.100.1/30",
        "b:eth1 198.51.100.2/30",
        "b:eth0 192.0.2.11/24",
        "gw:br1 203.0.113.254/24",
        "guest:eth0 203.0.113.1/24",
        "mv:eth0 198.51.100.123/24",
      ].sort(),
    );
  });

  it("writes a pair of two bridge ports inside the writer's bridge block", () => {
    const b = new LiveBuilder().ns("p").ns("q");
    b.link("p", "brp", "bridge");
    b.link("q", "brq", "bridge");
    b.veth(["q", "toq"], ["p", "top"], { masterA: "brq", masterB: "brp" });
    const text = liveToSource(b.live);
    expect(text).toContain("ns p <\n  bridge brp <\n    veth toq as top to q:brq\n  >\n>");
    const t = compileClean(text);
    expect(
      t.devices
        .filter((d) => d.kind === "veth")
        .map(describeDevice)
        .sort(),
    ).toEqual(["p:top veth peer q:toq master brp", "q:toq veth peer p:top master brq"]);
  });

  it("writes names bare (the allowlist takes `1box`, `x.y`, even `on`) and comments out the unwritable", () => {
    expect(["eth0", "vagga_guest.1", "1box", "x.y", "on"].every(isWritableName)).toBe(true);
    expect(["a b", "a#b", "a$b", 'a"b', "x@y", ""].some(isWritableName)).toBe(false);
    const b = new LiveBuilder().ns("1box");
    b.veth([HOST, "box.veth0"], ["1box", "on"]);
    b.veth([HOST, "to"], ["1box", "eth1"]);
    b.veth([HOST, "box_veth2"], ["1box", "a b"]);
    b.addr("1box", "on", "192.0.2.5/24").addr("1box", "a b", "192.0.2.6/24").addr(HOST, "to", "192.0.2.7/24");
    const text = liveToSource(b.live);
    expect(text).toContain("# eth1: veth to host:to, a name nsnet cannot write (not expressible)");
    expect(text).toContain("# a b: veth to host:box_veth2, a name nsnet cannot write (not expressible)");
    expect(text).toContain("# addr 192.0.2.6/24 on a b");
    expect(text).toContain("host <\n  # addr 192.0.2.7/24 on to\n>");
    const t = compileClean(text);
    expect(t.devices.map(describeDevice)).toEqual(["host:box.veth0 veth peer 1box:on", "1box:on veth peer host:box.veth0"]);
  });

  it("in `nsnet sandbox`: the simulated uplink is `uplink eth0` and its `lan` is not printed, so the output checks", () => {
    const b = new LiveBuilder([]);
    b.ns("lan").ns("lxc1");
    b.find("lan", "lo").alias = SANDBOX_LAN_ALIAS;
    b.veth([HOST, "eth0"], ["lan", "eth0"]);
    b.find(HOST, "eth0").alias = SANDBOX_UPLINK_ALIAS;
    b.addr("lan", "eth0", "1.1.128.1/20");
    const card = cardLive();
    const live = { ...b.live, namespaces: ["lan", "lxc1"] };
    b.veth([HOST, "lxc1_veth0"], ["lxc1", "eth0"]);
    live.addrs.push(...card.addrs);
    live.routes.push(...card.routes);
    live.proxies.push(...card.proxies);
    live.sysctls = card.sysctls;
    const text = liveToSource(live);
    expect(text).toMatch(/^uplink eth0$/m);
    expect(text).toMatch(/^ {2}proxyarp on eth0$/m);
    expect(text).not.toMatch(/lan/);
    compileClean(text);
    // named, the lan is printed, its end of the uplink as a comment: nothing there to create
    const lan = liveToSource(live, { namespaces: ["lan"] });
    expect(lan).toContain("ns lan <\n  # eth0: the far end of host:eth0, an uplink the sandbox simulates (not expressible)\n  # addr 1.1.128.1/20 on eth0\n>");
    compileClean(lan);
  });

  it("a proxy on a host device a namespace's veth makes (a hand-made LAN) is printed as its pieces: `proxyarp on` takes an uplink only", () => {
    const b = new LiveBuilder([]);
    b.ns("lan").ns("lxc1");
    b.veth([HOST, "eth0"], ["lan", "eth0"]);
    b.addr("lan", "eth0", "1.1.128.1/20");
    const card = cardLive();
    const live = { ...b.live, namespaces: ["lan", "lxc1"] };
    b.veth([HOST, "lxc1_veth0"], ["lxc1", "eth0"]);
    live.addrs.push(...card.addrs);
    live.routes.push(...card.routes);
    live.proxies.push(...card.proxies);
    live.sysctls = card.sysctls;
    const text = liveToSource(live);
    expect(text).not.toMatch(/proxyarp/);
    expect(text).toContain("  neigh proxy 1.1.128.3 on eth0\n  sysctl net.ipv4.conf.lxc1_veth0.proxy_arp = 1\n  sysctl net.ipv4.ip_forward = 1\n");
    compileClean(text);
  });

  it("says when there are no namespaces", () => {
    expect(liveToSource(new LiveBuilder().live)).toBe("# live state read by `nsnet show`: 0 namespaces\n# (no namespaces)\n");
  });
});

describe("veth pairing", () => {
  it("pairs ends that point at each other, though ifindexes repeat across namespaces", () => {
    const b = new LiveBuilder().ns("n1").ns("n2");
    // n1:eth0 and n2:eth0 both have ifindex 2, like the host's eth0
    b.veth([HOST, "n1_veth0"], ["n1", "eth0"]).veth([HOST, "n2_veth0"], ["n2", "eth0"]);
    const pairs = pairVeths(b.live.links);
    expect(b.find("n1", "eth0").ifindex).toBe(b.find("n2", "eth0").ifindex);
    expect(pairs.peerOf(b.find(HOST, "n1_veth0"))?.ns).toBe("n1");
    expect(pairs.peerOf(b.find(HOST, "n2_veth0"))?.ns).toBe("n2");
    expect(pairs.peerOf(b.find("n2", "eth0"))?.name).toBe("n2_veth0");
  });

  it("does not pair a same-namespace candidate when the kernel says the peer is elsewhere", () => {
    const b = new LiveBuilder().ns("n1");
    const a = b.link("n1", "a", "veth");
    const c = b.link("n1", "c", "veth");
    a.linkIndex = c.ifindex;
    c.linkIndex = a.ifindex;
    a.linkNetnsId = 0; // claims another namespace: c cannot be its peer
    expect(pairVeths(b.live.links).peerOf(a)).toBeUndefined();
    expect(hasUnpairedVeths(b.live.links, ["n1"])).toBe(true);
    expect(hasUnpairedVeths(cardLive().links, ["lxc1"])).toBe(false);
  });
});

describe("liveToJson", () => {
  it("keeps the shown namespaces and the host side that wires them", () => {
    const j = liveToJson(mixedLive(), { namespaces: ["a"] });
    expect(j.namespaces).toEqual(["a"]);
    expect(j.links.map((l) => `${l.ns}:${l.name}`)).toEqual(["host:br0", "a:lo", "host:a_veth0", "a:eth0", "a:eth1"]);
    expect(j.addrs.every((a) => a.ns === "a" || a.dev === "br0")).toBe(true);
    expect(j.routes.some((r) => r.dev === "wlan0")).toBe(false);
    expect(j.proxies).toEqual([{ ns: HOST, addr: "192.0.2.99", dev: "br0" }]);
  });

  it("keeps the uplinks the shown namespaces use", () => {
    const j = liveToJson(cardLive());
    expect(j.links.map((l) => `${l.ns}:${l.name}`)).toEqual(["host:eth0", "lxc1:lo", "host:lxc1_veth0", "lxc1:eth0"]);
    expect(j.addrs.map((a) => `${a.ns}:${a.cidr}`)).toEqual(["host:1.1.128.2/20", "lxc1:1.1.128.3/20", "lxc1:fe80::1/64"]);
  });
});
