import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { HOST } from "../../src/model/topology.js";
import { why, type WhyResult } from "../../src/why/index.js";

/** `why` over scripts: the first break's code, line and hint, or the whole path. */
function run(text: string, a: string, b: string, live?: LiveState): WhyResult {
  const c = compileWithFsLoader(text, "t.nsnet");
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = why(c.addressed!, a, b, live ? { live } : {});
  if (typeof r === "string") throw new Error(r);
  return r;
}
const lab = (name: string, v: string) => readFileSync(`examples/labs/${name}/${v}.nsnet`, "utf8");
const line = (r: WhyResult) => r.finding?.span.start.line;
const path = (r: WhyResult, leg = 0) => r.legs[leg]?.hops.map((h) => h.place);

const ROUTER = (h1: string, r1: string, h3: string) => `
ns r1 <
  veth as h1 peer h1:eth0
  addr 192.0.2.1/24
  veth as h3 peer h3:eth0
  addr 198.51.100.1/24
  ${r1}
>
ns h1 < addr 192.0.2.10/24 on eth0; ${h1} >
ns h3 < addr 198.51.100.10/24 on eth0; ${h3} >
`;

describe("why: the router lab, step by step", () => {
  it("no route in h1: NS601 at h1's statement, suggesting r1's address", () => {
    const r = run(lab("router", "start"), "h1", "h3");
    expect(r.reachable).toBe(false);
    expect(r.finding?.code).toBe("NS601");
    expect(r.finding?.message).toBe("h1 → h3: 'h1' has no route to 198.51.100.10");
    expect(line(r)).toBe(17);
    expect(r.finding?.hint).toContain("`route default via 192.0.2.1` inside `ns h1`");
  });

  it("h1 routed, r1 not forwarding: NS604 at r1", () => {
    const r = run(ROUTER("route default via 192.0.2.1", "", "route default via 198.51.100.1"), "h1", "h3");
    expect(r.finding?.code).toBe("NS604");
    expect(r.finding?.message).toBe("h1 → h3: 'r1' does not forward packets (net.ipv4.ip_forward is 0)");
    expect(line(r)).toBe(2);
    expect(r.finding?.hint).toContain("`sysctl net.ipv4.ip_forward = 1` inside `ns r1`");
    expect(path(r)).toEqual(["h1", "r1"]);
  });

  it("a sysctl that turns forwarding off is the line to change", () => {
    const r = run(ROUTER("route default via 192.0.2.1", "sysctl net.ipv4.ip_forward = 0", "route default via 198.51.100.1"), "h1", "h3");
    expect(r.finding?.code).toBe("NS604");
    expect(line(r)).toBe(7);
  });

  it("forwarding on, h3 without a route: the reply is lost at h3 (NS601 on the way back)", () => {
    const r = run(ROUTER("route default via 192.0.2.1", "sysctl net.ipv4.ip_forward = 1", "up eth0"), "h1", "h3");
    expect(r.finding?.code).toBe("NS601");
    expect(r.finding?.message).toBe("h3 → h1 (the reply): 'h3' has no route to 192.0.2.10");
    expect(line(r)).toBe(10);
    expect(path(r, 0)).toEqual(["h1", "r1", "h3"]);
  });

  it("the solution: there and back through r1", () => {
    const r = run(lab("router", "solution"), "h1", "h3");
    expect(r.reachable).toBe(true);
    expect(r.finding).toBeUndefined();
    expect(path(r, 0)).toEqual(["h1", "r1", "h3"]);
    expect(path(r, 1)).toEqual(["h3", "r1", "h1"]);
    expect(r.legs[0]!.hops[0]).toMatchObject({ out: "eth0", via: "192.0.2.1", src: "192.0.2.10", route: "default via 192.0.2.1 dev eth0" });
    expect(r.legs[0]!.hops[1]).toMatchObject({ in: "h1", out: "h3", route: "198.51.100.0/24 dev h3 (connected)" });
  });

  it("a gateway nobody holds: NS602 at the route, naming what the link holds", () => {
    const r = run(ROUTER("route default via 192.0.2.99", "sysctl net.ipv4.ip_forward = 1", "route default via 198.51.100.1"), "h1", "h3");
    expect(r.finding?.code).toBe("NS602");
    expect(line(r)).toBe(9);
    expect(r.finding?.span.start.column).toBeGreaterThan(30);
    expect(r.finding?.hint).toContain("192.0.2.1/24 (r1)");
    expect(r.finding?.hint).toContain("write `via 192.0.2.1`");
  });

  it("a gateway that is the namespace's own address: NS609", () => {
    const r = run(ROUTER("route default via 192.0.2.10", "sysctl net.ipv4.ip_forward = 1", "route default via 198.51.100.1"), "h1", "h3");
    expect(r.finding?.code).toBe("NS609");
  });

  it("an interface down: NS607", () => {
    const r = run(ROUTER("route default via 192.0.2.1", "sysctl net.ipv4.ip_forward = 1; down h3", "route default via 198.51.100.1"), "h1", "h3");
    expect(r.finding?.code).toBe("NS607");
    expect(r.finding?.message).toContain("r1:h3 is down");
  });
});

describe("why: other labs and mistakes", () => {
  it("proxy ARP lab: the LAN gets no ARP answer for c2 until c2 is published", () => {
    const r = run(lab("proxyarp", "start"), "lan", "c2");
    expect(r.finding?.code).toBe("NS603");
    expect(line(r)).toBe(18);
    expect(r.finding?.hint).toContain("`proxyarp on eth0` inside `ns c2`");
    const back = run(lab("proxyarp", "start"), "c2", "lan");
    expect(back.finding?.code).toBe("NS603");
    expect(back.finding?.hint).toContain("add `proxyarp on eth0` inside `ns c2`");
    const ok = run(lab("proxyarp", "solution"), "lan", "c2");
    expect(ok.reachable).toBe(true);
    expect(ok.legs[0]!.hops[0]!.next).toEqual({ place: HOST, dev: "eth0", proxy: true });
  });

  it("proxy ARP lab: between the containers, the fix is still publishing c2", () => {
    const r = run(lab("proxyarp", "start"), "c1", "c2");
    // c1 sends on-link, the host answers by proxy ARP and forwards out eth0, where nobody holds c2's address
    expect(r.finding).toMatchObject({ code: "NS603", message: "c1 → c2: nothing on the segment of host:eth0 answers ARP for 192.0.2.11" });
    expect(r.legs[0]!.hops[0]!.next).toEqual({ place: HOST, dev: "c1_veth0", proxy: true });
    expect(r.finding?.hint).toContain("`proxyarp on eth0` inside `ns c2`");
    expect(line(r)).toBe(18);
    const back = run(lab("proxyarp", "start"), "c2", "c1");
    expect(back.finding?.hint).toContain("add `proxyarp on eth0` inside `ns c2`");
    expect(back.finding?.hint).not.toContain("fe80");
  });

  it("NAT lab: a reversed nat lets the request out unmasqueraded; the nat is the line to change", () => {
    const r = run(lab("nat", "start"), "h1", "outside");
    expect(r.finding?.code).toBe("NS601");
    expect(r.finding?.message).toBe("outside → h1 (the reply): 'outside' has no route to 192.0.2.10");
    expect(line(r)).toBe(17);
    expect(r.finding?.hint).toContain("write `nat from lan to wan` inside `ns r1`");
    expect(r.finding?.related?.[0]?.message).toContain("give 'outside' a route back");
    const ok = run(lab("nat", "solution"), "h1", "outside");
    expect(ok.reachable).toBe(true);
    expect(ok.legs[0]!.hops[1]!.nat).toBe("masquerade 192.0.2.10 as 203.0.113.1");
    expect(path(ok, 1)).toEqual(["outside", "r1", "h1"]);
  });

  it("NAT missing altogether: the fix offered is a route back or a masquerade", () => {
    const r = run(lab("nat", "solution").replace("nat from lan to wan", ""), "h1", "outside");
    expect(r.finding?.code).toBe("NS601");
    expect(r.finding?.hint).toContain("or masquerade it where it leaves r1: `nat from lan to wan` inside `ns r1`");
  });

  it("/24 and /25 for one range on one bridge: the /25 side has no route to the other", () => {
    const text = `
bridge br0
ns a < veth to br0; addr 192.0.2.10/24 >
ns b < veth to br0; addr 192.0.2.200/25 >
`;
    expect(run(text, "a", "b").finding).toMatchObject({ code: "NS601", message: "b → a (the reply): 'b' has no route to 192.0.2.10" });
    expect(run(text, "b", "a").finding).toMatchObject({ code: "NS601", message: "b → a: 'b' has no route to 192.0.2.10" });
  });

  it("a bridge: every port hears ARP; a partition drops between groups (NS605 at the partition)", () => {
    const bridged = `
ns sw < bridge br0 >
ns a < veth to sw:br0; addr 192.0.2.10/24 >
ns b < veth to sw:br0; addr 192.0.2.11/24 >
`;
    const r = run(bridged, "a", "b");
    expect(r.reachable).toBe(true);
    expect(r.legs[0]!.hops[0]!.next).toEqual({ place: "b", dev: "eth0", proxy: false });
    const parted = run(`${bridged}partition a | b\n`, "a", "b");
    expect(parted.finding?.code).toBe("NS605");
    expect(line(parted)).toBe(5);
  });

  it("a routing loop: NS606", () => {
    const text = `
ns a < veth as ab peer b:ba; addr 192.0.2.1/24; route default via 192.0.2.2; sysctl net.ipv4.ip_forward = 1 >
ns b < addr 192.0.2.2/24 on ba; route default via 192.0.2.1; sysctl net.ipv4.ip_forward = 1 >
`;
    const r = run(text, "a", "198.51.100.1");
    expect(r.finding?.code).toBe("NS606");
    expect(r.finding?.message).toContain("a → b → a");
  });

  it("no address to send from: NS608", () => {
    const r = run("ns a < veth as x peer b:y >\nns b < addr 192.0.2.2/24 on y >\n", "a", "b");
    expect(r.finding?.code).toBe("NS601");
    const r6 = run("ns a < veth as x peer b:y; route default dev x >\nns b < addr 192.0.2.2/24 on y >\n", "a", "b");
    expect(r6.finding?.code).toBe("NS608");
  });

  it("refuses endpoints it cannot place", () => {
    const c = compileWithFsLoader(lab("router", "solution"), "t.nsnet");
    expect(why(c.addressed!, "nope", "h3")).toMatch(/no namespace nope/);
    expect(why(c.addressed!, "h1", "nope")).toMatch(/no namespace or address nope/);
  });
});

describe("why over live state", () => {
  it("the kernel's routes and sysctls win over the script's", () => {
    const text = lab("router", "solution");
    const c = compileWithFsLoader(text, "t.nsnet");
    const live: LiveState = {
      ...emptyLiveState(),
      namespaces: ["h1", "h3", "r1"],
      links: [
        { ns: "h1", name: "eth0", ifindex: 2, kind: "veth", up: true },
        { ns: "h3", name: "eth0", ifindex: 2, kind: "veth", up: true },
        { ns: "r1", name: "h1", ifindex: 2, kind: "veth", up: true },
        { ns: "r1", name: "h3", ifindex: 3, kind: "veth", up: true },
      ],
      addrs: [
        { ns: "h1", dev: "eth0", cidr: "192.0.2.10/24" },
        { ns: "h3", dev: "eth0", cidr: "198.51.100.10/24" },
        { ns: "r1", dev: "h1", cidr: "192.0.2.1/24" },
        { ns: "r1", dev: "h3", cidr: "198.51.100.1/24" },
      ],
      routes: [
        { ns: "h1", dst: "default", via: "192.0.2.1", dev: "eth0", family: 4 },
        { ns: "h3", dst: "default", via: "198.51.100.1", dev: "eth0", family: 4 },
      ],
      sysctls: { r1: { "net.ipv4.ip_forward": "1" } },
    };
    const ok = why(c.addressed!, "h1", "h3", { live }) as WhyResult;
    expect(ok.source).toBe("live");
    expect(ok.reachable).toBe(true);
    // someone typed `ip -n h3 route del default` and turned forwarding off
    const drifted = { ...live, routes: live.routes.slice(0, 1), sysctls: { r1: { "net.ipv4.ip_forward": "0" } } };
    const r = why(c.addressed!, "h1", "h3", { live: drifted }) as WhyResult;
    expect(r.finding?.code).toBe("NS604");
    expect(r.finding?.span.start.line).toBe(10);
    const r2 = why(c.addressed!, "h1", "h3", { live: { ...drifted, sysctls: live.sysctls } }) as WhyResult;
    expect(r2.finding?.message).toBe("h3 → h1 (the reply): 'h3' has no route to 192.0.2.10");
  });
});
