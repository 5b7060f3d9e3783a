import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { buildGraph, toDot, toMermaid, toText } from "../../src/graph/graph.js";
import type { AddressedTopology } from "../../src/model/topology.js";
import { expectGolden } from "../golden.js";
import { TopoBuilder } from "../check/topo-builder.js";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileFile } from "../../src/cli/compile-file.js";
import { HOST } from "../../src/model/topology.js";

const here = import.meta.url;

function compile(text: string): AddressedTopology {
  const c = compileText(text, "graph.nsnet");
  expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return c.addressed!;
}

const SCRIPTS = {
  card: `uplink eth0
host < addr 1.1.128.2/20 on eth0; route default via 1.1.128.1 >
ns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >
`,
  bridge: `bridge br0 < addr 192.0.2.1/24 >
ns a < veth to br0; addr 192.0.2.10/24; route default via 192.0.2.1 >
ns b < veth to br0; addr 192.0.2.11/24; route default via 192.0.2.1 >
`,
  // vagga in small: a gateway, two command namespaces each with a bridge and guests that
  // share addresses across commands (isolated segments), and a macvlan on the uplink
  nested: `uplink eth0
ns gw < veth gwv as eth0; addr 198.51.100.2/30; addr 198.51.100.1/30 on host:gwv >
ns build < veth peer gw:build; addr 198.51.100.6/30; addr 198.51.100.5/30 on gw:build; bridge br0 < addr 192.0.2.254/24 > >
ns test < veth peer gw:test; addr 198.51.100.10/30; addr 198.51.100.9/30 on gw:test; bridge br0 < addr 192.0.2.254/24 > >
for i in 1..2 <
  ns build_g$i < veth to build:br0; addr 192.0.2.$i/24 >
  ns test_g$i < veth to test:br0; addr 192.0.2.$i/24 >
>
ns lan < macvlan on eth0 mode private as mv0; addr 203.0.113.9/24; down mv0 >
`,
  // vagga_partition: guests of one bridge namespace cut in two groups; an earlier partition
  // of the same scope is replaced, and `partition off` in another scope draws nothing
  partition: `ns cmd < veth pair; bridge br0 < addr 192.0.2.254/24 >; nat from br0 to eth0 >
for i in 1..3 < ns g$i < veth to cmd:br0; addr 192.0.2.$i/24 > >
ns solo < veth pair >
partition g1 | g2 g3
partition g1 g2 | g3
ns other < partition off >
`,
} as const;

describe("graph goldens", () => {
  for (const [name, script] of Object.entries(SCRIPTS)) {
    const t = () => compile(script);
    it(`${name} as text`, () => expectGolden(new URL(`./${name}.text.golden`, here), toText(t())));
    it(`${name} as dot`, () => expectGolden(new URL(`./${name}.dot.golden`, here), toDot(t())));
    it(`${name} as mermaid`, () => expectGolden(new URL(`./${name}.mermaid.golden`, here), toMermaid(t())));
  }
});

describe("graph model", () => {
  it("draws the partition in effect (the last of its scope) with its groups and where it drops", () => {
    const g = buildGraph(compile(SCRIPTS.partition));
    expect(g.partitions).toEqual([
      {
        n: 1,
        hub: "cmd",
        at: "graph.nsnet:5",
        groups: [
          { label: "A", namespaces: ["g1", "g2"] },
          { label: "B", namespaces: ["g3"] },
        ],
      },
    ]);
    const text = toText(compile(SCRIPTS.partition));
    expect(text).toMatch(/^ns g3 {2}\[partition #1 B\]$/m);
    expect(text).toMatch(/^ns solo$/m);
    expect(text).toContain("partition #1  (graph.nsnet:5; dropped in ns cmd)\n  A  g1, g2\n  ┄┄┄┄┄┄ cut: no traffic across ┄┄┄┄┄┄\n  B  g3\n");
  });

  it("draws no cut once a partition is switched off", () => {
    const g = buildGraph(compile("ns cmd < bridge br0 >\nfor i in 1..2 < ns g$i < veth to cmd:br0 > >\npartition g1 | g2\npartition off\n"));
    expect(g.partitions).toEqual([]);
  });

  it("draws the card's veth as one edge between the host end and the namespace end", () => {
    const text = toText(compile(SCRIPTS.card));
    expect(text).toMatch(/^ {2}eth0 +1\.1\.128\.3\/20 +── host:lxc1_veth0 +\[L2 #1\]$/m);
    expect(text).toMatch(/^ {2}eth0 +1\.1\.128\.2\/20 +uplink$/m);
  });

  it("puts every node in exactly one cluster and every edge between known nodes", () => {
    for (const script of Object.values(SCRIPTS)) {
      const g = buildGraph(compile(script));
      const keys = g.clusters.flatMap((c) => c.nodes.map((n) => n.key));
      expect(new Set(keys).size).toBe(keys.length);
      for (const c of g.clusters) for (const n of c.nodes) expect(n.ns).toBe(c.ns);
      for (const e of g.edges) expect([keys.includes(e.from), keys.includes(e.to)]).toEqual([true, true]);
    }
  });

  it("numbers the L2 segments: same guest addresses in two commands are two segments", () => {
    const g = buildGraph(compile(SCRIPTS.nested));
    const seg = (key: string) => g.clusters.flatMap((c) => c.nodes).find((n) => n.key === key)!.segment;
    expect(seg("build_g1:eth0")).toBe(seg("build:br0"));
    expect(seg("build_g2:eth0")).toBe(seg("build:br0"));
    expect(seg("test_g1:eth0")).not.toBe(seg("build_g1:eth0"));
    expect(seg("lan:mv0")).toBe(seg("host:eth0"));
    expect(seg("gw:build")).toBe(seg("build:eth0"));
    expect(g.segments.map((s) => s.n)).toEqual(g.segments.map((_, i) => i + 1));
    // every edge is coloured like both its ends (moved-from edges aside)
    for (const e of g.edges) expect(e.segment).toBe(seg(e.to));
  });

  it("keeps one veth pair as one edge and bridge ports as port edges", () => {
    const g = buildGraph(compile(SCRIPTS.bridge));
    expect(g.edges.filter((e) => e.kind === "veth")).toHaveLength(2);
    expect(g.edges.filter((e) => e.kind === "port").map((e) => `${e.from} → ${e.to}`)).toEqual(["host:a_veth0 → host:br0", "host:b_veth0 → host:br0"]);
  });

  it("escapes names in DOT and Mermaid labels (built by hand: no script can spell them)", () => {
    const b = new TopoBuilder();
    b.ns("q");
    b.veth("q", 'e"1\\', { ns: HOST, name: "x@y" });
    const t = b.addressed();
    const dot = toDot(t);
    expect(dot).toContain('"q:e\\"1\\\\" [label="e\\"1\\\\"');
    expect(dot.replace(/\\./g, "").split('"').length % 2).toBe(1);
    const mermaid = toMermaid(t);
    expect(mermaid).toContain('["e#quot;1\\"]');
    expect(mermaid).not.toContain('e"1');
  });

  it("draws every example script: each device once, every segment member drawn", () => {
    const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith(".nsnet"));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) {
      const c = compileFile(dir + f);
      if (!c.addressed) continue;
      const g = buildGraph(c.addressed);
      const drawn = new Set(g.clusters.flatMap((cl) => cl.nodes.map((n) => n.key)));
      for (const d of c.addressed.devices) expect(drawn.has(`${d.ns}:${d.name}`), `${f}: ${d.ns}:${d.name}`).toBe(true);
      for (const s of g.segments) for (const m of s.members) expect(drawn.has(m)).toBe(true);
      const text = toText(c.addressed);
      for (const n of c.addressed.namespaces)
        expect(text, f).toMatch(new RegExp(`^ns ${n.name.replace(/[.]/g, "\\.")}( {2}\\[partition #\\d+ [A-Z]\\])?$`, "m"));
    }
  });
});
