import { describe, expect, it } from "vitest";
import { inverseOf, NotNsnetOpError, reviveOp } from "../../src/plan/inverse.js";
import type { Op, OpStep } from "../../src/plan/op.js";

const ctx = { project: "p", originals: { host: { "net.ipv4.ip_forward": "0" } } };
const ip = (text: string, ns = "host"): OpStep => ({ tool: "ip", ns, text });

describe("inverseOf: the undo nsnet plans, computed from the op", () => {
  it("inverts what nsnet adds", () => {
    expect(inverseOf(ip("netns add a"), ctx)).toEqual(ip("netns del a"));
    expect(inverseOf(ip("link add v0 netns a type veth peer name eth0 netns b"), ctx)).toEqual(ip("link del v0", "a"));
    expect(inverseOf(ip("link set v0 master br0"), ctx)).toEqual(ip("link set v0 nomaster"));
    expect(inverseOf(ip("link set eth0 up"), ctx)).toEqual(ip("link set eth0 down"));
    expect(inverseOf(ip("addr add 192.0.2.1/24 dev eth0", "a"), ctx)).toEqual(ip("addr del 192.0.2.1/24 dev eth0", "a"));
    expect(inverseOf(ip("route add default via 192.0.2.9 dev eth0 onlink", "a"), ctx)).toEqual(ip("route del default via 192.0.2.9 dev eth0", "a"));
    expect(inverseOf(ip("link set v0 alias nsnet:p"), ctx)).toBeNull();
    expect(inverseOf({ tool: "sysctl", ns: "host", text: "net.ipv4.ip_forward=1" }, ctx)).toEqual({ tool: "sysctl", ns: "host", text: "net.ipv4.ip_forward=0" });
    expect(inverseOf({ tool: "service", ns: "a", text: '["sleep","9"]' }, ctx)).toEqual({ tool: "service", ns: "a", text: '{"stop":["sleep","9"]}' });
  });

  it("deletes only the project's own nft table, each family it wrote", () => {
    const rules = "table inet nsnet_p {\n}\ndelete table inet nsnet_p\ntable inet nsnet_p {\n}\ntable bridge nsnet_p {\n}\ndelete table bridge nsnet_p\ntable bridge nsnet_p {\n}\n";
    expect(inverseOf({ tool: "nft", ns: "host", text: rules }, ctx)).toEqual({ tool: "nft", ns: "host", text: "delete table inet nsnet_p\ndelete table bridge nsnet_p\n" });
    expect(() => inverseOf({ tool: "nft", ns: "host", text: "table inet other {\n}\n" }, ctx)).toThrow(NotNsnetOpError);
    expect(() => inverseOf({ tool: "nft", ns: "host", text: "flush ruleset\n" }, ctx)).toThrow(NotNsnetOpError);
    expect(() => inverseOf({ tool: "nft", ns: "host", text: "delete table inet other\n" }, ctx)).toThrow(NotNsnetOpError);
  });

  it("takes a stored inverse only for a removal, and only the op whose inverse that removal is", () => {
    expect(inverseOf(ip("netns del a"), ctx, ip("netns add a"))).toEqual(ip("netns add a"));
    expect(inverseOf(ip("netns del a"), ctx, ip("netns del lan"))).toBeNull();
    expect(inverseOf(ip("netns del a"), ctx, ip("link set eth0 down"))).toBeNull();
    expect(inverseOf(ip("addr add 192.0.2.1/24 dev eth0"), ctx, ip("link set eth0 down"))).toEqual(ip("addr del 192.0.2.1/24 dev eth0"));
  });

  it("refuses ops nsnet never plans", () => {
    for (const bad of [ip("link set eth0 alias someone"), ip("netns exec a rm"), ip("link set eth0 mtu 9000"), ip("netns add ../x"), ip("addr add nonsense dev eth0")])
      expect(() => inverseOf(bad, ctx), bad.text).toThrow(NotNsnetOpError);
    expect(() => inverseOf({ tool: "service", ns: "a", text: "rm -rf /" }, ctx)).toThrow(NotNsnetOpError);
  });

  it("reviveOp replaces a stored inverse and keeps an absent one absent", () => {
    const op = (text: string, inverse: OpStep | null): Op => ({ index: 1, phase: "host", tool: "ip", ns: "host", text, summary: "", inverse });
    expect(reviveOp(op("netns add a", ip("netns del lan")), ctx).inverse).toEqual(ip("netns del a"));
    expect(reviveOp(op("link set eth0 up", null), ctx).inverse).toBeNull();
  });
});
