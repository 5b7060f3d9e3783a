import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { liveToSource } from "../../src/show/live-to-source.js";
import { HOST } from "../../src/model/topology.js";
import type { LiveFirewall } from "../../src/model/firewall.js";
import { LiveBuilder } from "./live-builder.js";

// What `show` adds so its output rebuilds what it shows: sysctls that differ from a fresh
// namespace's, nsnet's nft tables as nat/portmap/partition. Pure: hand-made snapshots.

/** A bridge namespace `cmd` with guests g1–g3 on br0 and a link to the host. */
function bridged(): LiveBuilder {
  const b = new LiveBuilder(["eth0"]);
  for (const n of ["cmd", "g1", "g2", "g3"]) b.ns(n);
  b.veth([HOST, "cmd_veth0"], ["cmd", "eth0"]);
  b.link("cmd", "br0", "bridge");
  for (const g of ["g1", "g2", "g3"]) b.veth(["cmd", `${g}_veth0`], [g, "eth0"], { masterA: "br0" });
  b.addr(HOST, "cmd_veth0", "198.51.100.1/30").addr("cmd", "eth0", "198.51.100.2/30").addr("cmd", "br0", "192.0.2.254/24");
  return b;
}

const table = (ns: string, rules: LiveFirewall["rules"], family: LiveFirewall["family"] = "inet"): LiveFirewall => ({ ns, table: "nsnet_p", family, rules });

function compileClean(text: string) {
  const c = compileText(text, "shown.nsnet");
  expect(
    c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message),
    text,
  ).toEqual([]);
  return c.addressed!;
}

describe("show: sysctls", () => {
  it("prints those that differ from a fresh namespace, not those a printed statement implies", () => {
    const b = bridged().sysctl("cmd", "net.ipv4.ip_forward", "1").sysctl("cmd", "net.ipv4.conf.all.proxy_arp", "1").sysctl("g1", "net.ipv4.ip_forward", "0");
    b.sysctl(HOST, "net.ipv4.ip_forward", "1");
    const plain = liveToSource(b.live);
    expect(plain).toMatch(/^ns cmd <\n(?: {2}.*\n)* {2}sysctl net\.ipv4\.conf\.all\.proxy_arp = 1\n {2}sysctl net\.ipv4\.ip_forward = 1\n>/m);
    expect(plain).not.toMatch(/ns g1 <[^>]*sysctl/);
    expect(plain).toMatch(/^host <\n(?: {2}.*\n)* {2}sysctl net\.ipv4\.ip_forward = 1\n>/m);
    // a nat in cmd turns its forwarding on: the sysctl is then implied, not printed
    const withNat = liveToSource(b.live, { firewall: [table("cmd", [{ kind: "masquerade", iif: "br0", oif: "eth0" }])] });
    expect(withNat).toMatch(/^ {2}nat from br0 to eth0\n {2}sysctl net\.ipv4\.conf\.all\.proxy_arp = 1\n>/m);
    expect(withNat).not.toMatch(/ns cmd <[^>]*ip_forward/);
    const t = compileClean(withNat);
    expect(t.nats.map((n) => `${n.ns} ${n.source.kind === "interfaces" ? n.source.pattern : n.source.cidr} ${n.outDev.ns}:${n.outDev.name}`)).toEqual([
      "cmd br0 cmd:eth0",
    ]);
    expect(t.sysctls.map((s) => `${s.ns} ${s.key}=${s.value}`)).toEqual(["cmd net.ipv4.conf.all.proxy_arp=1", "host net.ipv4.ip_forward=1"]);
  });
});

describe("show: nsnet's nft tables", () => {
  it("a partition: one group per input set, members behind the hub's interfaces, at the top level", () => {
    const drops = (a: string[], b: string[]) => [
      { kind: "drop" as const, iif: a, oif: b },
      { kind: "drop" as const, iif: b, oif: a },
    ];
    const fw = [table("cmd", drops(["g1_veth0", "g2_veth0"], ["g3_veth0"])), table("cmd", drops(["g1_veth0", "g2_veth0"], ["g3_veth0"]), "bridge")];
    const text = liveToSource(bridged().live, { firewall: fw });
    expect(text.match(/^partition .*$/gm)).toEqual(["partition g1 g2 | g3"]);
    const t = compileClean(text);
    expect(t.partitions.map((p) => p.groups?.map((g) => g.map((m) => m.name)))).toEqual([[["g1", "g2"], ["g3"]]]);
  });

  it("drop rules that are not one partition, and rules nsnet never writes, become comments", () => {
    const fw = [
      table("cmd", [
        { kind: "drop", iif: ["g1_veth0"], oif: ["g3_veth0"] },
        { kind: "other", chain: "forward" },
      ]),
    ];
    const text = liveToSource(bridged().live, { firewall: fw });
    expect(text).toContain("# ns cmd: drop rules that are not one partition (not expressible)");
    expect(text).toContain("# ns cmd: a rule of table nsnet_p (forward) that nsnet does not write (not expressible)");
    expect(text).not.toMatch(/^partition/m);
    compileClean(text);
  });

  it("host nat and portmap: written when they wire a shown namespace; the output device becomes an uplink", () => {
    const b = new LiveBuilder(["eth0", "wlan0"]);
    for (const n of ["ve1", "other"]) b.ns(n);
    b.veth([HOST, "ve-web"], ["ve1", "eth0"]);
    b.veth([HOST, "other_veth0"], ["other", "eth0"]);
    b.addr(HOST, "eth0", "203.0.113.2/24").route(HOST, "default", { via: "203.0.113.1", dev: "eth0", proto: "boot" });
    b.addr(HOST, "ve-web", "192.0.2.1/24").addr("ve1", "eth0", "192.0.2.2/24");
    b.sysctl(HOST, "net.ipv4.ip_forward", "1");
    const fw = [
      table(HOST, [
        { kind: "dnat", proto: "tcp", dport: 8080, addr: "192.0.2.2", port: 80 },
        { kind: "dnat", proto: "udp", dport: 53, addr: "198.51.100.9", port: 53 },
        { kind: "masquerade", iif: "ve-*", oif: "eth0" },
        { kind: "masquerade", iif: "docker0", oif: "wlan0" },
      ]),
    ];
    const text = liveToSource(b.live, { namespaces: ["ve1"], firewall: fw });
    expect(text).toMatch(/^uplink eth0$/m);
    expect(text).not.toMatch(/wlan0|docker0|other|udp/);
    expect(text).toMatch(
      /^host <\n {2}addr 203\.0\.113\.2\/24 on eth0\n {2}addr 192\.0\.2\.1\/24 on ve-web\n {2}route default via 203\.0\.113\.1 dev eth0\n>\n\nnat from ve-\+ to eth0\nportmap tcp 8080 to ve1:80\n$/m,
    );
    const t = compileClean(text);
    expect(t.portmaps.map((m) => `${m.proto} ${m.hostPort} ${m.ns}:${m.port}`)).toEqual(["tcp 8080 ve1:80"]);
    expect(t.sysctls).toEqual([]);
  });
});
