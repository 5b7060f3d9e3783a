import { describe, expect, it } from "vitest";
import { checkLive } from "../../src/check/live.js";
import { HOST } from "../../src/model/topology.js";
import { LiveFake } from "./live-fake.js";
import { TopoBuilder } from "./topo-builder.js";

const project = "demo";
const mark = { alias: "nsnet:demo" };

describe("checkLive", () => {
  it("is quiet when nothing exists yet but the uplink", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.ns("a");
    b.macvlan("a", "mv0", { ns: HOST, name: "eth0" });
    b.addr("a", "mv0", "192.0.2.10/24");
    const live = new LiveFake().link(HOST, "eth0", { kind: "" }).addr(HOST, "eth0", "192.0.2.2/24");
    expect(checkLive(b.addressed(), live.state, { project })).toEqual([]);
  });

  it("warns about a namespace that exists and is not recorded as ours", () => {
    const b = new TopoBuilder();
    const n = b.ns("a");
    b.ns("b");
    const live = new LiveFake().netns("a", "b");
    const ds = checkLive(b.addressed(), live.state, { project, ownedNamespaces: ["b"] });
    expect(ds.map((d) => [d.code, d.severity, d.span])).toEqual([["NS501", "warning", n.nameSpan]]);
  });

  it("rejects a look-alike link and accepts one with our alias", () => {
    const b = new TopoBuilder();
    const br = b.bridge(HOST, "br0");
    b.bridge(HOST, "br1");
    const live = new LiveFake().link(HOST, "br0", { kind: "bridge", alias: "nsnet:other" }).link(HOST, "br1", { kind: "bridge", ...mark });
    const ds = checkLive(b.addressed(), live.state, { project });
    expect(ds.map((d) => [d.code, d.span])).toEqual([["NS502", br.nameSpan]]);
    expect(ds[0]!.message).toBe("`br0` already exists in namespace `host` and is not ours");
    expect(ds[0]!.hint).toContain("nsnet:other");
  });

  it("rejects an uplink that is not on the host", () => {
    const b = new TopoBuilder();
    const up = b.uplink("eth9");
    const ds = checkLive(b.addressed(), new LiveFake().link(HOST, "eth0").state, { project });
    expect(ds.map((d) => [d.code, d.span])).toEqual([["NS503", up.nameSpan]]);
  });

  it("rejects a macvlan parent that neither the script nor the host has", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const m = b.macvlan("a", "mv0", { ns: HOST, name: "enp9s0" });
    b.macvlan("a", "mv1", { ns: HOST, name: "eth0" });
    const ds = checkLive(b.addressed(), new LiveFake().link(HOST, "eth0").state, { project });
    expect(ds.map((d) => [d.code, d.span])).toEqual([["NS505", m.parentSpan]]);
  });

  it("rejects an address already on a host device that is not ours, but not on the same device or ours", () => {
    const b = new TopoBuilder();
    b.uplink("eth0");
    b.addr(HOST, "eth0", "192.0.2.2/24");
    b.ns("a");
    b.macvlan("a", "mv0", { ns: HOST, name: "eth0" });
    const taken = b.addr("a", "mv0", "192.0.2.5/24");
    b.addr("a", "mv0", "192.0.2.6/24");
    b.addr("a", "mv0", "2001:db8::6/64");
    const live = new LiveFake()
      .link(HOST, "eth0")
      .addr(HOST, "eth0", "192.0.2.2/24")
      .addr(HOST, "eth0", "192.0.2.5/24")
      .link(HOST, "br7", mark)
      .addr(HOST, "br7", "192.0.2.6/24")
      // Another namespace's address is in an isolated place: not a clash.
      .addr("zz", "eth0", "2001:db8::6/64");
    const ds = checkLive(b.addressed(), live.state, { project });
    expect(ds.map((d) => [d.code, d.span, d.message])).toEqual([["NS504", taken.valueSpan, "address 192.0.2.5 is already on `host:eth0`, which is not ours"]]);
  });

  it("rejects a device to move that does not exist anywhere", () => {
    const b = new TopoBuilder();
    b.ns("a");
    const s = { file: "t", start: { offset: 0, line: 3, column: 6 }, end: { offset: 4, line: 3, column: 10 } };
    b.topo.devices.push({ kind: "moved", ns: "a", name: "eth1", span: s, nameSpan: s, up: true, from: { ns: HOST, name: "enp3s0" }, fromSpan: s });
    expect(checkLive(b.addressed(), new LiveFake().state, { project }).map((d) => d.code)).toEqual(["NS505"]);
    const moved = new LiveFake().link("a", "eth1");
    expect(checkLive(b.addressed(), moved.state, { project })).toEqual([]);
  });
});
