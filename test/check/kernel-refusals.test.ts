import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { compileText } from "../../src/engine/compile.js";

/**
 * Issue 20, items 7–10, and issue 22, item 2: where each finding points and what it says.
 * (Which scripts give which codes: test/fixtures/check; that the kernel refuses what the
 * errors say: test/kernel/route-refusals.test.ts.)
 */
const compile = (text: string) => compileText(text, "t.nsnet");
const at = (text: string, d: { span: Diagnostic["span"] }) => text.slice(d.span.start.offset, d.span.end.offset);
const only = (ds: Diagnostic[], code: string) => {
  const found = ds.filter((d) => d.code === code);
  expect(found, ds.map((d) => `${d.code} ${d.message}`).join("\n")).toHaveLength(1);
  return found[0]!;
};

describe("20.7: two default routes in one namespace", () => {
  // what `nsnet import lxc` writes for a gateway on net.0 and `gateway = dev` on net.2
  const text = `host < sysctl net.ipv4.ip_forward = 1 >
bridge br0 < addr 192.0.2.1/24 >
ns c1 <
  veth to br0
  addr 192.0.2.2/24
  route default via 192.0.2.1
  veth as eth2
  sysctl net.ipv4.conf.all.proxy_arp = 0
  route default dev eth2
>
host < sysctl net.ipv4.conf.c1_veth1.proxy_arp = 1 >
`;
  it("is an error at the second, with the first as its related site", () => {
    const c = compile(text);
    expect(c.ok).toBe(false);
    const d = only(c.diagnostics, "NS330");
    expect(d.severity).toBe("error");
    expect(d.message).toBe("namespace `c1` has two routes to default");
    expect([d.span.start.line, d.span.start.column, at(text, d)]).toEqual([9, 9, "default"]);
    expect(d.related).toHaveLength(1);
    expect([d.related![0]!.span.start.line, d.related![0]!.span.start.column]).toEqual([6, 9]);
    expect(d.related![0]!.message).toBe("the IPv4 default route is first declared here");
    expect(c.diagnostics.map((x) => x.code)).toEqual(["NS330"]);
  });

  it("is not said of an IPv4 and an IPv6 default, nor of one destination written two ways apart", () => {
    const c = compile(
      "ns a < veth; addr 192.0.2.2/24; addr 2001:db8::2/64; route default via 192.0.2.1; route default via 2001:db8::1; route 198.51.100.0/24 via 192.0.2.1; route 198.51.100.0/25 via 192.0.2.1 >\nhost < addr 192.0.2.1/24 on a_veth0; addr 2001:db8::1/64 on a_veth0 >\n",
    );
    expect(c.diagnostics).toEqual([]);
  });

  it("is said of two routes to one subnet, and of a route to a connected subnet", () => {
    const text2 =
      "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 via 192.0.2.1; route 198.51.100.0/24 dev eth0; route 192.0.2.0/24 dev eth0 >\nhost < addr 192.0.2.1/24 on a_veth0 >\n";
    const ds = compile(text2).diagnostics;
    expect(only(ds, "NS330").message).toBe("namespace `a` has two routes to 198.51.100.0/24");
    const c = only(ds, "NS331");
    expect(at(text2, c)).toBe("192.0.2.0/24");
    expect(at(text2, c.related![0]!)).toBe("192.0.2.2/24");
  });
});

describe("20.8: a route through an interface the script sets down", () => {
  it("points at the device (and a gateway on it) with the interface's declaration related", () => {
    const text = "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 dev eth0; route 203.0.113.0/24 via 192.0.2.1; down eth0 >\n";
    const ds = compile(text).diagnostics.filter((d) => d.code === "NS332");
    expect(ds.map((d) => [d.severity, at(text, d), d.message])).toEqual([
      ["error", "eth0", "route to 198.51.100.0/24 goes through `eth0`, which the script sets down"],
      ["error", "192.0.2.1", "route to 203.0.113.0/24 goes through `eth0`, which the script sets down"],
    ]);
  });

  it("is quiet when the interface is brought up again, or only another one is down", () => {
    const ds = compile(
      "ns a < veth; addr 192.0.2.2/24; veth as e1; route 198.51.100.0/24 via 192.0.2.1; down eth0; up eth0; down e1 >\nhost < addr 192.0.2.1/24 on a_veth0; sysctl net.ipv4.ip_forward = 1 >\n",
    ).diagnostics;
    expect(ds).toEqual([]);
  });
});

describe("20.9: a route without gateway over a veth", () => {
  const gw = (extra: string) => `ns gw < veth as c1 peer c1:eth0; addr 192.0.2.1/24; veth as up0; addr 198.51.100.2/24; sysctl net.ipv4.ip_forward = 1${extra} >
ns c1 < addr 192.0.2.2/24 on eth0; route default dev eth0 >
`;
  it("warns with the reason and both fixes when the far end answers no ARP for others", () => {
    const text = gw("");
    const d = only(compile(text).diagnostics, "NS334");
    expect(d.severity).toBe("warning");
    expect(at(text, d)).toBe("eth0");
    expect(d.hint).toContain("`c1` asks by ARP for each destination on `eth0`'s link, and `gw:c1` answers only for its own addresses");
    expect(d.hint).toContain("`route default via 192.0.2.1`");
    expect(d.hint).toContain("`sysctl net.ipv4.conf.c1.proxy_arp = 1` in `ns gw`");
  });

  it("is quiet when the far side has proxy ARP (vagga's gateway), on the interface or on all", () => {
    expect(compile(gw("; sysctl net.ipv4.conf.all.proxy_arp = 1")).diagnostics).toEqual([]);
    expect(compile(gw("; sysctl net.ipv4.conf.c1.proxy_arp = 1")).diagnostics).toEqual([]);
  });

  it("says that proxy ARP without forwarding answers nothing (NS336)", () => {
    const text = gw("; sysctl net.ipv4.conf.all.proxy_arp = 1").replace("; sysctl net.ipv4.ip_forward = 1", "");
    const d = only(compile(text).diagnostics, "NS336");
    expect(at(text, d)).toBe("eth0");
    expect(d.message).toBe("`gw` is a gateway but does not forward IPv4");
  });
});

describe("20.10: a bridge's 1024th port", () => {
  it("points at the port that overflows and says how to split", () => {
    const text = "bridge br0\nfor i in 1..1100 < ns h$i < veth to br0 > >\n";
    const d = only(compile(text).diagnostics, "NS335");
    expect(d.message).toBe("bridge `br0` would get its 1024th port `h1024_veth0`; a bridge has at most 1023");
    expect(at(text, d)).toBe("br0");
    expect(d.span.start.line).toBe(2);
    expect(d.related![0]!.message).toBe("`br0` is declared here, and gets 1100 ports in all");
    expect(d.hint).toContain("several bridges joined by a veth");
    expect(d.hint).toContain("routed design");
  });

  it("takes 1023 ports, and counts ports of a bridge inside a namespace too", () => {
    expect(compile("bridge br0\nfor i in 1..1023 < ns h$i < veth to br0 > >\n").diagnostics).toEqual([]);
    const d = only(compile("ns sw < bridge br0 >\nfor i in 1..1024 < ns h$i < veth to sw:br0 > >\n").diagnostics, "NS335");
    expect(d.message).toContain("`sw:h1024_veth0`");
    expect(d.hint).toContain("`ns sw_sw1 < bridge br1 < veth to sw:br0 > >`");
  });
});

describe("22.2: the silent mistakes of a lab", () => {
  it("a gateway equal to the namespace's own address: a warning, an error with onlink (the kernel refuses it)", () => {
    const ds = compile(
      "ns a < veth; addr 192.0.2.2/24; route 198.51.100.0/24 via 192.0.2.2; route 203.0.113.0/24 via 192.0.2.2 dev eth0 onlink >\nhost < addr 192.0.2.1/24 on a_veth0 >\n",
    ).diagnostics;
    expect(ds.map((d) => [d.code, d.severity])).toEqual([
      ["NS338", "warning"],
      ["NS338", "error"],
    ]);
    expect(ds[0]!.suggestions).toEqual(["192.0.2.1"]);
  });

  it("no route back points at the namespace that lacks it and names the router's address there", () => {
    const text = `ns r1 < veth as e0 peer h1:eth0; addr 192.0.2.1/24; veth as e1 peer h3:eth0; addr 198.51.100.1/24; sysctl net.ipv4.ip_forward = 1 >
ns h1 < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >
ns h3 < addr 198.51.100.3/24 on eth0 >
`;
    const d = only(compile(text).diagnostics, "NS339");
    expect(d.message).toBe("`h3` has no route back to 192.0.2.0/24");
    expect([d.span.start.line, at(text, d)]).toEqual([3, "198.51.100.3/24"]);
    expect(at(text, d.related![0]!)).toBe("192.0.2.1");
    expect(d.hint).toContain("`route 192.0.2.0/24 via 198.51.100.1` in `ns h3`");
  });

  it("no route back is not said when the router masquerades the sender", () => {
    const text = `ns r1 < veth as e0 peer h1:eth0; addr 192.0.2.1/24; veth as e1 peer h3:eth0; addr 198.51.100.1/24; nat from e0 to e1 >
ns h1 < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >
ns h3 < addr 198.51.100.3/24 on eth0 >
`;
    expect(compile(text).diagnostics).toEqual([]);
  });

  it("an address equal to the host's, pointed at with the host's related", () => {
    const text =
      "uplink eth0\nhost < addr 198.51.100.2/24 on eth0; route default via 198.51.100.1 >\nns web < veth pair; addr 198.51.100.2/24; proxyarp on eth0 >\n";
    const d = only(compile(text).diagnostics, "NS341");
    expect(d.message).toBe("address 198.51.100.2 is also the host's (on `eth0`)");
    expect(d.span.start.line).toBe(3);
    expect(d.related![0]!.span.start.line).toBe(2);
    expect(d.suggestions).toEqual(["198.51.100.3/24"]);
  });

  it("/24 and /25 of one range on one bridge, said at the odd one with the other prefix suggested", () => {
    const text = "bridge br0 < addr 192.0.2.1/24 >\nns h1 < veth to br0; addr 192.0.2.10/24 >\nns h3 < veth to br0; addr 192.0.2.20/25 >\n";
    const d = only(compile(text).diagnostics, "NS340");
    expect(at(text, d)).toBe("192.0.2.20/25");
    expect(d.suggestions).toEqual(["192.0.2.20/24"]);
  });
});
