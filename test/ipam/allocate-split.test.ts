import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { emptySnapshot, type AllocationSnapshot } from "../../src/ipam/snapshot.js";

// A split pool used to hand every `addr auto` its own subnet, so the two ends of one veth
// link got addresses in different /30s and could not talk (vagga's gateway links).
function compile(text: string, allocations: AllocationSnapshot = emptySnapshot()) {
  const c = compileText(text, "s.nsnet", { allocations });
  const addr = (ns: string, dev: string) => c.addressed?.resolved.filter((r) => r.ns === ns && r.dev === dev).map((r) => r.cidr);
  return { c, addr, owners: (pool: string) => c.allocations?.pools[pool]?.owners ?? {} };
}

const VAGGA = `pool links 172.18.192.0/19 split /30
ns gw
def command(cmd) <
  ns $cmd <
    veth peer gw:$cmd
    addr auto from links
    addr auto from links on gw:$cmd
  >
>
command("build")
command("test")
`;

describe("split pools: one subnet per L2 segment", () => {
  it("both ends of a veth link share one /30: .1 and .2; the next link takes the next /30", () => {
    const { c, addr, owners } = compile(VAGGA);
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(addr("build", "eth0")).toEqual(["172.18.192.1/30"]);
    expect(addr("gw", "build")).toEqual(["172.18.192.2/30"]);
    expect(addr("test", "eth0")).toEqual(["172.18.192.5/30"]);
    expect(addr("gw", "test")).toEqual(["172.18.192.6/30"]);
    expect(owners("links")).toEqual({
      "build:eth0#0": "172.18.192.1/30",
      "gw:build#0": "172.18.192.2/30",
      "test:eth0#0": "172.18.192.5/30",
      "gw:test#0": "172.18.192.6/30",
    });
  });

  it("every port of a bridge takes the next host of the bridge's subnet", () => {
    const { addr } = compile(`pool lans 198.51.100.0/24 split /28
bridge br0 < addr auto from lans >
bridge br1 < addr auto from lans >
for i in 1..3 < ns a$i < veth to br0; addr auto from lans > >
ns b1 < veth to br1; addr auto from lans >
`);
    expect(addr("host", "br0")).toEqual(["198.51.100.1/28"]);
    expect(["a1", "a2", "a3"].map((n) => addr(n, "eth0")![0])).toEqual(["198.51.100.2/28", "198.51.100.3/28", "198.51.100.4/28"]);
    expect(addr("host", "br1")).toEqual(["198.51.100.17/28"]);
    expect(addr("b1", "eth0")).toEqual(["198.51.100.18/28"]);
  });

  it("a static address of the segment inside the pool fixes its subnet; autos take the hosts beside it", () => {
    const { addr, c } = compile(`pool links 198.51.100.0/24 split /30
ns a < veth pair; addr auto from links >
ns b < veth pair; addr 198.51.100.6/30 on host:b_veth0; addr auto from links >
`);
    expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(addr("a", "eth0")).toEqual(["198.51.100.1/30"]);
    expect(addr("b", "eth0")).toEqual(["198.51.100.5/30"]);
  });

  it("sticky: a new link in front keeps the old ones where they were, hosts included", () => {
    const first = compile(VAGGA);
    const again = compile(VAGGA.replace('command("build")', 'command("aaa")\ncommand("build")'), first.c.allocations!);
    expect(again.addr("build", "eth0")).toEqual(["172.18.192.1/30"]);
    expect(again.addr("gw", "build")).toEqual(["172.18.192.2/30"]);
    expect(again.addr("test", "eth0")).toEqual(["172.18.192.5/30"]);
    expect(again.addr("aaa", "eth0")).toEqual(["172.18.192.9/30"]);
    expect(again.addr("gw", "aaa")).toEqual(["172.18.192.10/30"]);
  });

  it("a snapshot from before segments (a subnet per owner) keeps the first end's subnet and moves the other end in", () => {
    const old: AllocationSnapshot = {
      version: 1,
      pools: {
        links: {
          cidr: "172.18.192.0/19",
          owners: { "build:eth0#0": "172.18.192.8/30", "gw:build#0": "172.18.192.12/30", "test:eth0#0": "172.18.192.0/30", "gw:test#0": "172.18.192.4/30" },
        },
      },
    };
    const { addr, c } = compile(VAGGA, old);
    expect(addr("build", "eth0")).toEqual(["172.18.192.9/30"]);
    expect(addr("gw", "build")).toEqual(["172.18.192.10/30"]);
    expect(addr("test", "eth0")).toEqual(["172.18.192.1/30"]);
    expect(addr("gw", "test")).toEqual(["172.18.192.2/30"]);
    const moved = c.diagnostics.filter((d) => d.code === "NS412").map((d) => d.message);
    expect(moved).toEqual([
      "gw:build#0 had 172.18.192.12/30 from pool links; it no longer fits (its L2 segment uses 172.18.192.8/30), so it gets a new one",
      "gw:test#0 had 172.18.192.4/30 from pool links; it no longer fits (its L2 segment uses 172.18.192.0/30), so it gets a new one",
    ]);
  });

  it("a static address in a subnet another segment holds is NS415 naming the holder; nothing moves", () => {
    const first = compile(VAGGA);
    const text = `${VAGGA}ns other < veth pair; addr 172.18.192.2/30 >\n`;
    const { c } = compile(text, first.c.allocations!);
    const errors = c.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.span.start.line])).toEqual([["NS415", 12]]);
    expect(errors[0]!.message).toBe("172.18.192.2 is taken: pool links handed it out to build:eth0 (172.18.192.1/30), which keeps it");
    expect(c.diagnostics.filter((d) => d.code === "NS412")).toEqual([]);
    // on a fresh run the static address simply takes its subnet
    expect(compile(text).c.ok).toBe(true);
  });

  it("a static host of the same segment on a host another interface holds is NS415; beside it, it is fine", () => {
    const BRIDGED = `pool lans 198.51.100.0/24 split /28
bridge br0 < addr auto from lans >
for i in 1..2 < ns a$i < veth to br0; addr auto from lans > >
`;
    const first = compile(BRIDGED);
    expect(first.addr("a2", "eth0")).toEqual(["198.51.100.3/28"]);
    const taken = compile(`${BRIDGED}ns a5 < veth to br0; addr 198.51.100.3/28 >\n`, first.c.allocations!);
    expect(taken.c.diagnostics.filter((d) => d.severity === "error").map((d) => [d.code, d.message])).toEqual([
      ["NS415", "198.51.100.3 is taken: pool lans handed it out to a2:eth0 (198.51.100.3/28), which keeps it"],
    ]);
    const beside = compile(`${BRIDGED}ns a5 < veth to br0; addr 198.51.100.9/28 >\n`, first.c.allocations!);
    expect(beside.c.ok).toBe(true);
    expect(beside.addr("a2", "eth0")).toEqual(["198.51.100.3/28"]);
    expect(beside.c.diagnostics.filter((d) => d.code === "NS412")).toEqual([]);
  });

  it("more autos on one segment than the subnet has hosts: NS413 at the first that does not fit", () => {
    const { c } = compile(`pool links 198.51.100.0/24 split /30
bridge br0 < addr auto from links >
for i in 1..3 < ns n$i < veth to br0; addr auto from links > >
`);
    const errors = c.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => [d.code, d.span.start.line])).toEqual([["NS413", 3]]);
    expect(errors[0]!.message).toBe("no host address left for n2:eth0 in 198.51.100.0/30, the subnet pool links gave its L2 segment (2 usable)");
    expect(errors[0]!.related).toHaveLength(3);
  });
});
