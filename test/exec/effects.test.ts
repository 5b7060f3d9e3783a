import { describe, expect, it } from "vitest";
import { canonicalAddr, expectationsOf, namespacesOf, unmetExpectations } from "../../src/exec/effects.js";
import { groupBatches } from "../../src/exec/batches.js";
import { assertInPrivateNetns } from "../../src/exec/sandbox.js";
import { emptyLiveState } from "../../src/model/live.js";
import type { Op } from "../../src/plan/op.js";
import { opFromEffect, opFromText } from "../plan/op-from-text.js";

const op = (index: number, ns: string, text: string, phase: Op["phase"] = "host", tool: Op["tool"] = "ip"): Op => opFromText(index, phase, ns, text, { tool });

describe("expected effects of ops", () => {
  const ops = [
    op(1, "host", "netns add a"),
    op(2, "host", "link add v0 type veth peer name eth0 netns a"),
    op(3, "a", "addr add 2001:db8:0::1/64 dev eth0", "namespaces"),
    op(4, "a", "route add default via 192.0.2.9", "namespaces"),
    op(5, "host", "neigh add proxy 192.0.2.3 dev v0", "host-routes"),
    op(6, "host", "net.ipv4.ip_forward=1", "sysctl", "sysctl"),
  ];
  it("lists every promised fact and finds all unmet on an empty kernel", () => {
    expect(unmetExpectations(ops, emptyLiveState())).toEqual([
      "expected: namespace a",
      "expected: link v0 (veth) in the host",
      "expected: link eth0 in a",
      "expected: address 2001:db8::1/64 on eth0 in a",
      "expected: route default via 192.0.2.9 in a",
      "expected: proxy neighbour 192.0.2.3 on v0 in host",
    ]);
  });
  it("is satisfied by a live state that has them", () => {
    const live = emptyLiveState();
    live.namespaces = ["a"];
    live.links = [
      { ns: "host", name: "v0", ifindex: 3, kind: "veth", up: false },
      { ns: "a", name: "eth0", ifindex: 2, kind: "veth", up: false },
    ];
    live.addrs = [{ ns: "a", dev: "eth0", cidr: "2001:db8::1/64" }];
    live.routes = [{ ns: "a", dst: "default", via: "192.0.2.9", dev: "eth0", family: 4 }];
    live.proxies = [{ ns: "host", addr: "192.0.2.3", dev: "v0" }];
    live.sysctls = { host: { "net.ipv4.ip_forward": "1" } };
    expect(unmetExpectations(ops, live)).toEqual([]);
    live.sysctls.host!["net.ipv4.ip_forward"] = "0";
    expect(unmetExpectations(ops, live)).toEqual(["expected: sysctl net.ipv4.ip_forward=1 in host"]);
  });
  it("a later delete overrides an earlier add", () => {
    expect(expectationsOf([op(1, "host", "link add x type bridge"), op(2, "host", "link del x")]).map((e) => e.present)).toEqual([false]);
  });
  it("finds the namespaces ops touch and canonicalises IPv6", () => {
    expect(namespacesOf(ops)).toEqual(["a"]);
    expect(canonicalAddr("2001:0db8:0::0001")).toBe("2001:db8::1");
  });
});

describe("batches", () => {
  it("groups consecutive ops of one phase, tool and place; never merges nft or services", () => {
    const b = groupBatches([
      op(1, "host", "netns add a"),
      op(2, "host", "netns add b"),
      op(3, "a", "link set lo up", "namespaces"),
      op(4, "b", "link set lo up", "namespaces"),
      op(5, "a", "link set eth0 up", "namespaces"),
      opFromEffect(6, "firewall", { k: "nft", ns: "a", table: "nsnet_x", masquerade: [{ iif: "v*", oif: "eth0" }], dnat: [], drop: [] }),
      opFromEffect(7, "firewall", { k: "nft", ns: "a", table: "nsnet_y", masquerade: [{ iif: "v*", oif: "eth0" }], dnat: [], drop: [] }),
    ]);
    expect(b.map((x) => [x.phase, x.ns, x.ops.map((o) => o.index)])).toEqual([
      ["host", "host", [1, 2]],
      ["namespaces", "a", [3]],
      ["namespaces", "b", [4]],
      ["namespaces", "a", [5]],
      ["firewall", "a", [6]],
      ["firewall", "a", [7]],
    ]);
  });
});

describe("sandbox guard", () => {
  it("refuses to prepare a sandbox in this (the test runner's own) network namespace", async () => {
    await expect(assertInPrivateNetns()).rejects.toThrow(/not inside a private network namespace/);
  });
});
