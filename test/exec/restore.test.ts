import { describe, expect, it } from "vitest";
import { lostOps, recreatedNamespaces } from "../../src/exec/restore.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { opFromEffect, opFromText } from "../plan/op-from-text.js";

const live = (f: (l: LiveState) => void): LiveState => {
  const l = emptyLiveState();
  l.namespaces = ["a"];
  l.links = [{ ns: "a", name: "eth0", ifindex: 2, kind: "veth", up: true, alias: "nsnet:p" }];
  f(l);
  return l;
};

describe("lostOps: what a rollback re-applies besides the inverses", () => {
  const route = opFromText(1, "namespaces", "a", "route add default via 192.0.2.1 dev eth0 onlink");
  const addr = opFromText(2, "namespaces", "a", "addr add 192.0.2.10/24 dev eth0");
  const nft = opFromEffect(3, "firewall", { k: "nft", ns: "a", table: "nsnet_p", masquerade: [{ iif: "e1", oif: "eth0" }], dnat: [], drop: [] });
  const before = live((l) => {
    l.addrs = [{ ns: "a", dev: "eth0", cidr: "192.0.2.10/24" }];
    l.routes = [{ ns: "a", dst: "default", via: "192.0.2.1", dev: "eth0", family: 4 }];
  });
  const opts = { project: "p", places: new Set(["host", "a"]), recreated: new Set<string>() };

  it("re-applies a committed op whose effect was there before and is not now (a route that went with its address)", () => {
    const now = live((l) => (l.addrs = [{ ns: "a", dev: "eth0", cidr: "192.0.2.10/24" }]));
    expect(lostOps([route, addr, nft], before, now, opts)).toEqual([route]);
  });
  it("leaves what is still there, what was not there before, and places the transaction did not touch", () => {
    expect(lostOps([route, addr], before, before, opts)).toEqual([]);
    expect(lostOps([route], emptyLiveState(), emptyLiveState(), opts)).toEqual([]);
    expect(lostOps([route], before, emptyLiveState(), { ...opts, places: new Set(["host"]) })).toEqual([]);
  });
  it("re-applies the ruleset of a namespace the undo made again", () => {
    const del = opFromText(9, "host", "host", "netns del a");
    const now = live(() => {});
    expect(recreatedNamespaces([del], now)).toEqual(new Set(["a"]));
    expect(lostOps([nft], before, now, { ...opts, recreated: new Set(["a"]) })).toEqual([nft]);
  });
});
