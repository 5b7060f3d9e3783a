import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import { allocate, emptySnapshot } from "../../src/ipam/index.js";
import { HOST } from "../../src/model/topology.js";
import { TopoBuilder } from "./topo-builder.js";

/** The checker on what the real allocator returns (src/ipam), not on a hand-made `resolved`. */
describe("check after allocate", () => {
  function cniBridge() {
    const b = new TopoBuilder();
    b.pool("cni", "10.22.0.0/16");
    b.bridge(HOST, "cni0");
    b.addr(HOST, "cni0", "10.22.0.1/16");
    for (const n of ["c1", "c2"]) {
      b.ns(n);
      b.veth(n, "eth0", { ns: HOST, name: `${n}_veth0` }, { farMaster: "cni0" });
      b.auto(n, "eth0", "cni");
    }
    return b;
  }

  it("finds nothing wrong with the CNI bridge layout", () => {
    const b = cniBridge();
    b.route("c1", "default", "10.22.0.1");
    const { topology, diagnostics } = allocate(b.topo, emptySnapshot());
    expect(diagnostics).toEqual([]);
    expect(topology.resolved.map((r) => r.cidr).sort()).toEqual(["10.22.0.1/16", "10.22.0.2/16", "10.22.0.3/16"]);
    expect(check(topology)).toEqual([]);
  });

  it("checks gateways against allocated addresses", () => {
    const b = cniBridge();
    const r = b.route("c2", "default", "10.23.0.1");
    expect(check(b.topo)).toEqual([]);
    const { topology } = allocate(b.topo, emptySnapshot());
    const ds = check(topology);
    expect(ds.map((d) => [d.code, d.span])).toEqual([["NS316", r.viaSpan]]);
    expect(ds[0]!.hint).toContain("10.22.0.0/16");
  });

  it("keeps the source spans of static addresses through allocation (both sites of a conflict)", () => {
    const b = new TopoBuilder();
    b.pool("cni", "10.22.0.0/16");
    b.bridge(HOST, "cni0");
    const gw = b.addr(HOST, "cni0", "10.22.0.1/16");
    b.ns("c3");
    b.veth("c3", "eth0", { ns: HOST, name: "c3_veth0" }, { farMaster: "cni0" });
    const st = b.addr("c3", "eth0", "10.22.0.1/16");
    const { topology } = allocate(b.topo, emptySnapshot());
    const ds = check(topology);
    expect(ds.map((d) => [d.code, d.span, d.related?.[0]?.span])).toEqual([["NS312", st.valueSpan, gw.valueSpan]]);
  });
});
