import { describe, it, expect } from "vitest";
import { expectGolden } from "../golden.js";
import { firewallOps, nftIfPattern, tableName } from "../../src/plan/nft.js";
import { HOST } from "../../src/model/topology.js";
import { bridged, at } from "./fixtures.js";
import { render } from "../../src/plan/render.js";

const inv = { project: "br", originals: {} };

const golden = (name: string, actual: string) => expectGolden(new URL(`../fixtures/plan/${name}.golden`, import.meta.url), actual);

describe("nft rulesets", () => {
  it("translates NixOS-style patterns", () => {
    expect(nftIfPattern("ve-+")).toBe("ve-*");
    expect(nftIfPattern("ve-*")).toBe("ve-*");
    expect(nftIfPattern("eth0")).toBe("eth0");
    expect(nftIfPattern("ve-*-x")).toBeNull();
    expect(nftIfPattern('a"b')).toBeNull();
    expect(tableName("my-proj.1")).toBe("nsnet_my_proj_1");
  });

  it("golden: nat + portmap in the host, partition where the members' veths meet", () => {
    const t = bridged();
    t.nats.push({
      ns: HOST,
      source: { kind: "interfaces", pattern: "ve-+" },
      sourceSpan: at(9),
      outDev: { ns: HOST, name: "eth0" },
      outSpan: at(9),
      span: at(9),
    });
    t.portmaps.push({ proto: "tcp", hostPort: 8080, ns: "a", nsSpan: at(10), port: 80, span: at(10) });
    t.partitions.push({ scope: HOST, groups: [[{ name: "a", span: at(11) }], [{ name: "b", span: at(11) }]], span: at(11) });
    const r = firewallOps(t, "br", inv);
    expect(r.diagnostics).toEqual([]);
    expect(r.ops.map((o) => o.ns)).toEqual([HOST]);
    golden("firewall.nft", r.ops[0]!.text);
    expect(render(r.ops[0]!.inverse!)).toEqual({ tool: "nft", ns: HOST, text: "delete table inet nsnet_br\ndelete table bridge nsnet_br\n" });
  });

  it("golden: nat from source subnets (IPv4, IPv6) in the host, and from a bridge of a router namespace in it", () => {
    const t = bridged();
    t.nats.length = 0;
    const out = { ns: HOST, name: "eth0" };
    t.nats.push({ ns: HOST, source: { kind: "subnet", cidr: "192.0.2.0/24" }, sourceSpan: at(9), outDev: out, outSpan: at(9), span: at(9) });
    t.nats.push({ ns: HOST, source: { kind: "subnet", cidr: "2001:db8::/64" }, sourceSpan: at(10), outDev: out, outSpan: at(10), span: at(10) });
    t.nats.push({
      ns: "sw",
      source: { kind: "interfaces", pattern: "br1" },
      sourceSpan: at(11),
      outDev: { ns: "sw", name: "eth0" },
      outSpan: at(11),
      span: at(11),
    });
    const r = firewallOps(t, "br", inv);
    expect(r.diagnostics).toEqual([]);
    expect(r.ops.map((o) => o.ns)).toEqual([HOST, "sw"]);
    golden("firewall-subnet.nft", r.ops.map((o) => `# ${o.ns}\n${o.text}`).join(""));
  });

  it("reports a bad pattern and a portmap target without an address", () => {
    const t = bridged();
    t.nats.push({
      ns: HOST,
      source: { kind: "interfaces", pattern: "ve-*-x" },
      sourceSpan: at(9),
      outDev: { ns: HOST, name: "eth0" },
      outSpan: at(9),
      span: at(9),
    });
    t.portmaps.push({ proto: "udp", hostPort: 53, ns: "sw", nsSpan: at(10), port: 53, span: at(10) });
    t.resolved = t.resolved.filter((a) => a.ns !== "sw");
    expect(firewallOps(t, "br", inv).diagnostics.map((d) => d.code)).toEqual(["NS595", "NS593"]);
  });
});
