import { describe, it, expect } from "vitest";
import { fileURLToPath } from "node:url";
import { compileFile } from "../../src/cli/compile-file.js";
import { compileText } from "../../src/engine/compile.js";
import { emptyMachine, planOffline } from "../../src/engine/offline.js";
import { HOST } from "../../src/model/topology.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/${name}`, import.meta.url));

describe("the empty machine of `plan --offline`", () => {
  it("has a loopback and the script's uplinks, forwarding and proxy ARP at 0, nothing else", () => {
    const t = compileFile(example("card.nsnet")).addressed!;
    const live = emptyMachine(t);
    expect(live.links.map((l) => [l.ns, l.name, l.up])).toEqual([
      [HOST, "lo", true],
      [HOST, "eth0", true],
    ]);
    expect(live.namespaces).toEqual([]);
    expect(live.addrs.length + live.routes.length + live.proxies.length).toBe(0);
    expect(live.sysctls[HOST]).toEqual({ "net.ipv4.ip_forward": "0", "net.ipv4.conf.lxc1_veth0.proxy_arp": "0" });
  });

  it("plans the whole card, the host's own address and default route included, without a warning", () => {
    const t = compileFile(example("card.nsnet")).addressed!;
    const p = planOffline(t, "card");
    expect(p.diagnostics).toEqual([]);
    const lines = p.ops.map((o) => o.summary);
    expect(lines).toContain("route default via 1.1.128.1");
    expect(lines).toContain("answer ARP/NDP for 1.1.128.3 on eth0");
    expect(lines).toContain("route for proxied namespaces: net.ipv4.ip_forward=1");
    expect(p.ops.length).toBe(16);
  });

  it("has the script's existing bridges too: an imported LXC config plans its ports, never the bridge", () => {
    const t = compileText("bridge lxcbr0 existing\nns web < veth to lxcbr0; addr 10.0.3.50/24 >\n", "web.nsnet").addressed!;
    expect(emptyMachine(t).links.map((l) => [l.name, l.kind])).toEqual([
      ["lo", "loopback"],
      ["lxcbr0", "bridge"],
    ]);
    const p = planOffline(t, "web");
    expect(p.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(p.ops.map((o) => o.text)).toContain("link set web_veth0 master lxcbr0");
    expect(p.ops.some((o) => o.text.startsWith("link add lxcbr0"))).toBe(false);
  });
});
