import { describe, expect, it } from "vitest";
import { computeSegments } from "../../src/check/segments.js";
import { HOST } from "../../src/model/topology.js";
import { TopoBuilder } from "./topo-builder.js";

describe("computeSegments", () => {
  it("joins a bridge, its ports and the namespace ends of their veths", () => {
    const b = new TopoBuilder();
    b.bridge(HOST, "br0");
    b.veth("a", "eth0", { ns: HOST, name: "a_veth0" }, { farMaster: "br0" });
    b.veth("b", "eth0", { ns: HOST, name: "b_veth0" }, { farMaster: "br0" });
    b.veth("c", "eth0", { ns: HOST, name: "c_veth0" });
    const s = computeSegments(b.topo);
    const br = s.segmentOf("host:br0");
    expect(s.segmentOf("a:eth0")).toBe(br);
    expect(s.segmentOf("b:eth0")).toBe(br);
    expect(s.segmentOf("host:b_veth0")).toBe(br);
    expect(s.segmentOf("c:eth0")).not.toBe(br);
    expect(s.segmentOf("c:eth0")).toBe(s.segmentOf("host:c_veth0"));
    const seg = s.segments.find((x) => x.id === br)!;
    expect(new Set(seg.members)).toEqual(new Set(["host:br0", "a:eth0", "host:a_veth0", "b:eth0", "host:b_veth0"]));
    expect(s.segments).toHaveLength(2);
  });

  it("keeps two bridges apart (vagga: two commands side by side)", () => {
    const b = new TopoBuilder();
    b.bridge("cmd1", "br0");
    b.bridge("cmd2", "br0");
    b.veth("g1", "eth0", { ns: "cmd1", name: "g1" }, { farMaster: "br0" });
    b.veth("g2", "eth0", { ns: "cmd2", name: "g2" }, { farMaster: "br0" });
    const s = computeSegments(b.topo);
    expect(s.segmentOf("g1:eth0")).toBe(s.segmentOf("cmd1:br0"));
    expect(s.segmentOf("g2:eth0")).toBe(s.segmentOf("cmd2:br0"));
    expect(s.segmentOf("g1:eth0")).not.toBe(s.segmentOf("g2:eth0"));
  });

  it("puts an uplink and its macvlans together, even when the parent is only referenced", () => {
    const b = new TopoBuilder();
    b.macvlan("a", "mv0", { ns: HOST, name: "eth0" });
    b.macvlan("b", "mv0", { ns: HOST, name: "eth0" });
    const s = computeSegments(b.topo);
    expect(s.segmentOf("a:mv0")).toBe(s.segmentOf("host:eth0"));
    expect(s.segmentOf("b:mv0")).toBe(s.segmentOf("host:eth0"));
    expect(s.segments.find((x) => x.id === s.segmentOf("a:mv0"))!.members).toContain("host:eth0");
  });

  it("gives each (parent, vlan id) its own segment, apart from the parent", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.vlan("a", "v10", { ns: HOST, name: "eth0" }, 10);
    b.vlan("b", "v10", { ns: HOST, name: "eth0" }, 10);
    b.vlan("c", "v20", { ns: HOST, name: "eth0" }, 20);
    const s = computeSegments(b.topo);
    expect(s.segmentOf("a:v10")).toBe(s.segmentOf("b:v10"));
    expect(s.segmentOf("a:v10")).not.toBe(s.segmentOf("c:v20"));
    expect(s.segmentOf("a:v10")).not.toBe(s.segmentOf("host:eth0"));
    // Segment ids are always real device keys.
    for (const seg of s.segments) expect(seg.id).toMatch(/^[^\0]+:[^\0]+$/);
  });

  it("treats a key nobody mentions as its own segment", () => {
    const s = computeSegments(new TopoBuilder().topo);
    expect(s.segmentOf("x:lo")).toBe("x:lo");
    expect(s.segments).toEqual([]);
  });
});
