import { describe, expect, it } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { linkStateMismatches } from "../../src/exec/compare.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { emptyProjectState } from "../../src/model/state.js";
import { plan } from "../../src/plan/plan.js";
import { simulate } from "../plan/simulate.js";

/**
 * Issue 20 item 2: the verification after an apply did not look at a link's admin state
 * unless an op of that run was about it. It now checks every link of the script, both ways.
 */
const SCRIPT = `bridge br0
ns h1 < veth to br0; addr 192.0.2.2/24; down eth0 >
ns h2 < veth to br0; addr 192.0.2.3/24 >
`;

describe("verification of link states after an apply", () => {
  const t = compileText(SCRIPT, "v.nsnet").addressed!;
  const live = simulate(emptyLiveState(), plan(t, emptyLiveState(), { project: "v", previous: emptyProjectState("v") }).ops);
  const flip = (l: LiveState, ns: string, name: string): LiveState => ({
    ...l,
    links: l.links.map((x) => (x.ns === ns && x.name === name ? { ...x, up: !x.up } : x)),
  });

  it("finds nothing when the kernel shows what the script says", () => {
    expect(linkStateMismatches(t, live, "v")).toEqual([]);
  });

  it("a link up that the script sets down, and one down that it leaves up, are mismatches", () => {
    expect(linkStateMismatches(t, flip(live, "h1", "eth0"), "v")).toEqual(["expected: eth0 down in h1 (the kernel shows it up)"]);
    expect(linkStateMismatches(t, flip(live, "host", "h2_veth0"), "v")).toEqual(["expected: h2_veth0 up in host (the kernel shows it down)"]);
  });

  it("leaves links this run's ops were about to their own expectations, and look-alikes alone", () => {
    const ops = plan(t, flip(live, "h1", "eth0"), { project: "v", previous: emptyProjectState("v") }).ops;
    expect(ops.map((o) => `${o.ns}: ${o.text}`)).toContain("h1: link set eth0 down");
    expect(linkStateMismatches(t, flip(live, "h1", "eth0"), "v", ops)).toEqual([]);
    expect(linkStateMismatches(t, flip(live, "h1", "eth0"), "other")).toEqual([]);
  });
});
