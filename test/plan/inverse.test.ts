import { describe, expect, it } from "vitest";
import { inverseOf, NotNsnetOpError, reviveOp, type ReviveContext } from "../../src/plan/inverse.js";
import { effectOf } from "../../src/plan/read.js";
import { render } from "../../src/plan/render.js";
import type { OpStep } from "../../src/plan/op.js";
import { effectFrom } from "./op-from-text.js";

const ctx: ReviveContext = { project: "p", originals: { host: { "net.ipv4.ip_forward": "0" } }, removals: false };
const ip = (text: string, ns = "host"): OpStep => ({ tool: "ip", ns, text });
/** the inverse of a text, as text */
const inv = (step: OpStep): OpStep | null => {
  const e = inverseOf(effectFrom(step), ctx);
  return e && render(e);
};

describe("inverseOf: the undo nsnet plans, computed from the effect", () => {
  it("inverts what nsnet adds", () => {
    expect(inv(ip("netns add a"))).toEqual(ip("netns del a"));
    expect(inv(ip("link add v0 netns a type veth peer name eth0 netns b"))).toEqual(ip("link del v0", "a"));
    expect(inv(ip("link set v0 master br0"))).toEqual(ip("link set v0 nomaster"));
    expect(inv(ip("link set eth0 up"))).toEqual(ip("link set eth0 down"));
    expect(inv(ip("link set eth0 netns a name e1"))).toEqual(ip("link set e1 netns 1 name eth0", "a"));
    expect(inv(ip("addr add 192.0.2.1/24 dev eth0", "a"))).toEqual(ip("addr del 192.0.2.1/24 dev eth0", "a"));
    expect(inv(ip("route add default via 192.0.2.9 dev eth0 onlink", "a"))).toEqual(ip("route del default via 192.0.2.9 dev eth0", "a"));
    expect(inv(ip("link set v0 alias nsnet:p"))).toBeNull();
    expect(inv({ tool: "sysctl", ns: "host", text: "net.ipv4.ip_forward=1" })).toEqual({ tool: "sysctl", ns: "host", text: "net.ipv4.ip_forward=0" });
    expect(inv({ tool: "sysctl", ns: "a", text: "net.ipv4.ip_forward=1" })).toBeNull();
    expect(inv({ tool: "service", ns: "a", text: '["sleep","9"]' })).toEqual({ tool: "service", ns: "a", text: '{"stop":["sleep","9"]}' });
  });

  it("deletes only the tables of the ruleset, each family it wrote", () => {
    const e = { k: "nft" as const, ns: "host", table: "nsnet_p", masquerade: [], dnat: [], drop: [{ iif: ["a"], oif: ["b"] }] };
    expect(render(inverseOf(e, ctx)!)).toEqual({ tool: "nft", ns: "host", text: "delete table inet nsnet_p\ndelete table bridge nsnet_p\n" });
  });
});

describe("effectOf reads back only what render writes", () => {
  it("refuses other texts", () => {
    for (const bad of [
      ip("netns exec a rm"),
      ip("link set eth0 txqueuelen 9000"),
      ip("link set eth0 mtu 20"),
      ip("link set eth0 address 01:00:5e:00:00:01"),
      ip("netns add ../x"),
      ip("addr add nonsense dev eth0"),
      ip("link set eth0  up"),
      ip("link add v0 type veth peer name e0 netns a mtu 9000"),
      { tool: "nft" as const, ns: "host", text: "flush ruleset\n" },
      { tool: "nft" as const, ns: "host", text: "table inet nsnet_p {\n}\nflush ruleset\n" },
      { tool: "service" as const, ns: "a", text: "rm -rf /" },
      { tool: "sysctl" as const, ns: "host", text: "kernel/../x=1" },
    ])
      expect(effectOf(bad), bad.text).toBeNull();
  });
});

describe("reviveOp: ops read back from files", () => {
  const old = (text: string, inverse: OpStep | null, tool: OpStep["tool"] = "ip") => ({
    index: 1,
    phase: "host",
    tool,
    ns: "host",
    text,
    summary: text,
    inverse,
  });

  it("refuses a machine-wide sysctl inside a namespace (down would write it on the host)", () => {
    const op = { ...old("net.ipv4.ip_forward=1", null, "sysctl"), ns: "a", phase: "sysctl" };
    expect(reviveOp(op, ctx).effect).toEqual({ k: "sysctl", ns: "a", key: "net.ipv4.ip_forward", value: "1" });
    expect(() => reviveOp({ ...op, text: "kernel.core_pattern=|/tmp/x" }, ctx)).toThrow(/only net\.\* keys inside a namespace/);
  });

  it("recomputes the inverse, keeps an absent one absent", () => {
    expect(reviveOp(old("netns add a", ip("netns del lan")), ctx).inverse).toEqual({ k: "netns-del", name: "a" });
    const up = reviveOp(old("link set eth0 up", null), ctx);
    expect([up.inverse, up.undoneWith]).toEqual([null, "link"]);
  });

  it("takes a recorded inverse of a removal only when it is the op that removal undoes", () => {
    const j = { ...ctx, removals: true };
    expect(reviveOp(old("link del v0", ip("link add v0 type bridge")), j).inverse).toEqual(effectOf(ip("link add v0 type bridge")));
    expect(reviveOp(old("link del v0", ip("netns del lan")), j).inverse).toBeNull();
    expect(reviveOp(old("netns del a", ip("link set eth0 down")), j).inverse).toEqual({ k: "netns", name: "a" });
  });

  it("refuses what nsnet never plans: foreign marks and tables, removals as applied ops, disagreeing effects", () => {
    expect(() => reviveOp(old("link set v0 alias someone", null), ctx)).toThrow(NotNsnetOpError);
    expect(() => reviveOp(old("link set v0 alias nsnet:other", null), ctx)).toThrow(/own alias nsnet:p/);
    expect(() => reviveOp(old("delete table inet nsnet_p\n", null, "nft"), { ...ctx, removals: true })).not.toThrow();
    expect(() => reviveOp(old("delete table inet nsnet_q\n", null, "nft"), { ...ctx, removals: true })).toThrow(/own table nsnet_p/);
    expect(() => reviveOp(old("netns del a", null), ctx)).toThrow(/removal/);
    expect(() => reviveOp({ ...old("netns add a", null), effect: { k: "netns", name: "lan" } }, ctx)).toThrow(/disagree/);
  });
});

describe("state files of earlier versions (text-only ops)", () => {
  it("read back as the ops nsnet plans today, inverses and all", async () => {
    const { readFileSync } = await import("node:fs");
    const { plan } = await import("../../src/plan/plan.js");
    const { emptyProjectState } = await import("../../src/model/state.js");
    const { card, cardHost } = await import("./fixtures.js");
    const old = JSON.parse(readFileSync(new URL("../fixtures/plan/card.v0-ops.json", import.meta.url), "utf8")) as unknown[];
    const now = plan(card(), cardHost(), { project: "card", previous: emptyProjectState("card") }).ops;
    const revived = old.map((o) => reviveOp(o, { project: "card", originals: { host: { "net.ipv4.ip_forward": "0" } }, removals: false }));
    // those versions did not mark namespaces (an `alias` on their lo)
    const unmarked = now.filter((o) => !(o.effect.k === "alias" && o.effect.dev === "lo")).map((o, i) => ({ ...o, index: i + 1 }));
    // nor set broadcast addresses: their `addr add` keeps its text, and is the same op (opKey)
    const { legacyAddrAddText } = await import("../../src/plan/render.js");
    const { opKey } = await import("../../src/model/state.js");
    const legacy = (o: (typeof unmarked)[number]) =>
      o.effect.k === "addr" && o.effect.add ? { ...o, text: legacyAddrAddText(o.effect.cidr, o.effect.dev) } : o;
    expect(revived).toEqual(unmarked.map(legacy));
    expect(revived.map(opKey)).toEqual(unmarked.map(opKey));
    expect(unmarked.some((o) => o.text.includes(" brd + "))).toBe(true);
  });
});
