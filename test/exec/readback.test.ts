import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emptyLiveState } from "../../src/model/live.js";
import { groupBatches } from "../../src/plan/batch.js";
import type { Op } from "../../src/plan/op.js";
import { effectOf } from "../../src/plan/read.js";
import { portsToHold } from "../../src/exec/mcast-holdoff.js";
import { dumpLines, parseDumps, planReadBack, ReadBackError } from "../../src/exec/readback.js";

const fixture = (name: string) => readFileSync(join(__dirname, "../fixtures/ip-json", name), "utf8");

let n = 0;
function op(phase: Op["phase"], ns: string, text: string, tool: Op["tool"] = "ip"): Op {
  const effect = effectOf({ tool, ns, text });
  if (!effect) throw new Error(`not a text nsnet renders: ${text}`);
  return { index: ++n, phase, tool, ns, text, summary: text, effect, inverse: null };
}

describe("parseDumps (captured `ip -d -j -batch` output: ops, then the dumps)", () => {
  it("reads the host: namespaces, links, addresses, main-table routes of both families, proxies", () => {
    const p = parseDumps("host", fixture("readback-host.out"));
    expect(p.namespaces).toEqual(["a"]);
    expect(p.links.map((l) => [l.name, l.kind, l.master ?? null, l.up])).toEqual([
      ["lo", "loopback", null, true],
      ["br0", "bridge", null, true],
      ["a_veth0", "veth", "br0", true],
    ]);
    expect(p.addrs).toContainEqual({ ns: "host", dev: "br0", cidr: "192.0.2.254/24" });
    expect(p.routes.filter((r) => r.family === 4)).toEqual([{ ns: "host", dst: "192.0.2.0/24", dev: "br0", family: 4, proto: "kernel", scope: "link" }]);
    // local-table routes (127.0.0.1, ff00::/8 …) are not the main table
    expect(p.routes.every((r) => !r.dst.startsWith("ff00") && !r.dst.startsWith("127."))).toBe(true);
    expect(p.proxies).toEqual([{ ns: "host", addr: "192.0.2.77", dev: "br0" }]);
  });

  it("reads a namespace, telling IPv4 from IPv6 routes in one `table all` dump", () => {
    const p = parseDumps("a", fixture("readback-ns.out"));
    expect(p.namespaces).toBeUndefined();
    expect(p.links.find((l) => l.name === "eth0")).toMatchObject({ ns: "a", kind: "veth", alias: "x", up: true });
    expect(p.addrs.map((a) => a.cidr)).toEqual(expect.arrayContaining(["192.0.2.1/24", "2001:db8::2/64"]));
    const routes = p.routes.map((r) => `${r.family} ${r.dst} ${r.via ?? "-"} ${r.onlink ? "onlink" : ""}`.trim());
    expect(routes).toEqual(
      expect.arrayContaining(["4 default 192.0.2.254", "4 198.51.100.0/24 192.0.2.254 onlink", "6 default 2001:db8::1", "6 2001:db8::/64 -"]),
    );
    expect(p.routes.find((r) => r.dst === "default" && r.family === 4)).toEqual({ ns: "a", dst: "default", via: "192.0.2.254", dev: "eth0", family: 4 });
  });

  it("refuses a short or interrupted read (the place is then read again)", () => {
    expect(() => parseDumps("a", "[]\n[]\n")).toThrow(ReadBackError);
    expect(() => parseDumps("a", fixture("readback-ns.out"), "Dump was interrupted and may be inconsistent.\n")).toThrow(ReadBackError);
  });

  it("asks the host for the namespace list too, which prints nothing when there is no /run/netns", () => {
    expect(dumpLines("host").at(-1)).toBe("netns list");
    expect(dumpLines("a")).not.toContain("netns list");
    expect(parseDumps("host", "[]\n[]\n[]\n[]\n").namespaces).toEqual([]);
    expect(parseDumps("host", '[]\n[]\n[]\n[]\n[{"name":"x"}]\n').namespaces).toEqual(["x"]);
    expect(() => parseDumps("host", "[]\n[]\n[]\n")).toThrow(ReadBackError);
  });
});

describe("planReadBack: which batch may carry a place's dumps", () => {
  const star = (): Op[] => [
    op("host", "host", "netns add a"),
    op("host", "host", "netns add b"),
    op("host", "host", "link add a_v type veth peer name eth0 netns a"),
    op("host", "host", "link add b_v type veth peer name eth0 netns b"),
    op("namespaces", "a", "addr add 192.0.2.1/24 dev eth0"),
    op("namespaces", "b", "addr add 192.0.2.2/24 dev eth0"),
  ];

  it("each place's last batch, when nothing after it reaches that place", () => {
    const batches = groupBatches(star());
    const p = planReadBack(batches, ["host", "a", "b"]);
    expect([...p.carriers].map(([b, place]) => `${b.ns}<-${place}`)).toEqual(["host<-host", "a<-a", "b<-b"]);
    expect(p.readAfter).toEqual([]);
  });

  it("a later host batch that deletes a link (its veth peer may be anywhere) sends every earlier place to a read afterwards", () => {
    const batches = groupBatches([...star(), op("host-routes", "host", "link del b_v")]);
    const p = planReadBack(batches, ["host", "a", "b"]);
    expect([...p.carriers.values()]).toEqual(["host"]);
    expect(p.readAfter).toEqual(["a", "b"]);
  });

  it("a batch beside it in the same stage that creates a link there counts too", () => {
    const batches = groupBatches([...star(), op("namespaces", "c", "link add x type veth peer name y netns b")]);
    const p = planReadBack(batches, ["host", "a", "b", "c"]);
    expect(p.readAfter).toEqual(["b"]);
    expect([...p.carriers.values()].sort()).toEqual(["a", "c", "host"]);
  });

  it("IPv4 sysctls change nothing a dump shows; IPv6 ones and services may", () => {
    const v4 = planReadBack(groupBatches([...star(), op("sysctl", "a", "net.ipv4.ip_forward=1", "sysctl")]), ["host", "a", "b"]);
    expect(v4.readAfter).toEqual([]);
    const v6 = planReadBack(groupBatches([...star(), op("sysctl", "a", "net.ipv6.conf.eth0.disable_ipv6=1", "sysctl")]), ["host", "a", "b"]);
    expect(v6.readAfter).toEqual(["a"]);
    const svc = planReadBack(groupBatches([...star(), op("services", "b", '["sleep","1"]', "service")]), ["host", "a", "b"]);
    expect(svc.readAfter).toEqual(["host", "a", "b"]);
  });

  it("a place no ip batch runs in is read afterwards", () => {
    const p = planReadBack(groupBatches(star().slice(0, 4)), ["host", "a", "b"]);
    expect(p.readAfter).toEqual(["a", "b"]);
  });
});

describe("portsToHold: only ports this plan creates, on bridges", () => {
  it("holds new ports of a new or existing bridge, never an existing port or a non-bridge master", () => {
    const before = emptyLiveState();
    before.links.push({ ns: "host", name: "br9", ifindex: 5, kind: "bridge", up: true });
    before.links.push({ ns: "host", name: "old", ifindex: 6, kind: "veth", up: true });
    before.links.push({ ns: "host", name: "vrf0", ifindex: 7, kind: "vrf", up: true });
    const batches = groupBatches([
      op("host", "host", "link add br0 type bridge"),
      op("host", "host", "link add p1 type veth peer name eth0 netns a"),
      op("host", "host", "link add p2 type veth peer name eth0 netns b"),
      op("host", "host", "link add p3 type veth peer name eth0 netns c"),
      op("host", "host", "link set p1 master br0"),
      op("host", "host", "link set p2 master br9"),
      op("host", "host", "link set old master br0"),
      op("host", "host", "link set p3 master vrf0"),
    ]);
    const held = portsToHold(batches, before);
    expect([...held.values()]).toEqual([["p1", "p2"]]);
  });
});
