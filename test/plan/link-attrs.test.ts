import { describe, it, expect } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { plan } from "../../src/plan/plan.js";
import { formatPlan } from "../../src/plan/format.js";
import { emptyProjectState } from "../../src/model/state.js";
import { emptyLiveState } from "../../src/model/live.js";
import { simulate } from "./simulate.js";
import { effectOf } from "../../src/plan/read.js";
import { inverseOf } from "../../src/plan/inverse.js";
import { expectGolden } from "../golden.js";

const golden = (name: string, actual: string) => expectGolden(new URL(`../fixtures/plan/${name}.golden`, import.meta.url), actual);

const SCRIPT = `bridge br0
ns a < veth to br0 mtu 1400 hwaddr 02:00:5E:00:53:01; addr 192.0.2.2/24 >
`;

describe("mtu and hwaddr on device statements", () => {
  const c = compileText(SCRIPT, "attrs.nsnet");
  it("compiles: mtu on both veth ends, the MAC (lower case) on the namespace end", () => {
    expect(c.diagnostics).toEqual([]);
    const ends = c.addressed!.devices.filter((d) => d.kind === "veth").map((d) => ({ ns: d.ns, name: d.name, mtu: d.mtu, hwaddr: d.hwaddr }));
    expect(ends).toEqual([
      { ns: "host", name: "a_veth0", mtu: 1400, hwaddr: undefined },
      { ns: "a", name: "eth0", mtu: 1400, hwaddr: "02:00:5e:00:53:01" },
    ]);
  });

  it("plans `link set … mtu/address` before the link goes up (golden), and a re-plan is 0 ops", () => {
    const r = plan(c.addressed!, emptyLiveState(), { project: "attrs", previous: emptyProjectState("attrs") });
    expect(r.diagnostics).toEqual([]);
    golden("link-attrs.text", formatPlan(r.ops, { format: "text" }));
    const texts = r.ops.map((o) => `${o.ns}: ${o.text}`);
    expect(texts.indexOf("a: link set eth0 mtu 1400")).toBeLessThan(texts.indexOf("a: link set eth0 up"));
    expect(texts).toContain("a: link set eth0 address 02:00:5e:00:53:01");
    expect(texts).toContain("host: link set a_veth0 mtu 1400");
    const live = simulate(emptyLiveState(), r.ops);
    const again = plan(c.addressed!, live, { project: "attrs", previous: { ...emptyProjectState("attrs"), applied: r.ops } });
    expect(again.ops).toEqual([]);
  });

  it("reads its own text back; it has no inverse of its own (it goes with its link, or stays on a moved device)", () => {
    expect(effectOf({ tool: "ip", ns: "a", text: "link set eth0 mtu 1400" })).toEqual({ k: "mtu", ns: "a", dev: "eth0", mtu: 1400 });
    expect(effectOf({ tool: "ip", ns: "a", text: "link set eth0 address 02:00:5e:00:53:01" })).toEqual({
      k: "hwaddr",
      ns: "a",
      dev: "eth0",
      mac: "02:00:5e:00:53:01",
    });
    const ctx = { project: "p", originals: {} };
    expect(inverseOf({ k: "mtu", ns: "a", dev: "eth9", mtu: 9000 }, ctx)).toBeNull();
    expect(inverseOf({ k: "hwaddr", ns: "a", dev: "eth0", mac: "02:00:5e:00:53:01" }, ctx)).toBeNull();
  });

  it("refuses a bad MTU or a multicast MAC at the value", () => {
    const bad = compileText("ns a < veth mtu 20 >\nns b < veth hwaddr 01:00:5e:00:00:01 >\nns c < veth hwaddr 02:00:5e >\n", "bad.nsnet");
    expect(bad.diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)).toEqual(["NS216 1:17", "NS209 2:20", "NS209 3:20"]);
  });
});
