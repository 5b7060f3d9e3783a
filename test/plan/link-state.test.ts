import { describe, expect, it } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { plan } from "../../src/plan/plan.js";
import { emptyProjectState, type ProjectState } from "../../src/model/state.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import type { Op } from "../../src/plan/op.js";
import { simulate } from "./simulate.js";

/**
 * Issue 20 item 2: after `up`, adding `down eth0` (or `host < down h1_veth0 >`) planned
 * 0 ops and the links stayed up. A link's admin state is part of the diff, both ways.
 */
const BASE = `bridge br0
ns h1 < veth to br0; addr 192.0.2.2/24 >
`;
const PROJECT = "ls";

function run(text: string, live: LiveState, previous: ProjectState) {
  const c = compileText(text, "ls.nsnet");
  expect(c.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const r = plan(c.addressed!, live, { project: PROJECT, previous });
  const applied: Op[] = [...previous.applied.filter((a) => r.ops.every((o) => o.text !== a.text || o.ns !== a.ns)), ...r.ops];
  return { ops: r.ops, live: simulate(live, r.ops), state: { ...previous, applied } };
}

const upOf = (live: LiveState, ns: string, name: string) => live.links.find((l) => l.ns === ns && l.name === name)?.up;
const texts = (ops: readonly Op[]) => ops.map((o) => `${o.ns}: ${o.text}`);

describe("link state in the diff", () => {
  it("a link set down after the first up goes down; removing the statement brings it up again", () => {
    const first = run(BASE, emptyLiveState(), emptyProjectState(PROJECT));
    expect(upOf(first.live, "h1", "eth0")).toBe(true);
    const down = run(`${BASE}ns h1 < down eth0 >\n`.replace("ns h1 < down eth0 >", "host < down h1_veth0 >"), first.live, first.state);
    expect(texts(down.ops)).toEqual(["host: link set h1_veth0 down"]);
    expect(upOf(down.live, "host", "h1_veth0")).toBe(false);
    // again: nothing to do
    expect(run(`${BASE}host < down h1_veth0 >\n`, down.live, down.state).ops).toEqual([]);
    const back = run(BASE, down.live, down.state);
    expect(texts(back.ops)).toEqual(["host: link set h1_veth0 up"]);
    expect(upOf(back.live, "host", "h1_veth0")).toBe(true);
    expect(run(BASE, back.live, back.state).ops).toEqual([]);
  });

  it("inside a namespace too: `down eth0` in the body", () => {
    const first = run(BASE, emptyLiveState(), emptyProjectState(PROJECT));
    const script = BASE.replace("addr 192.0.2.2/24 >", "addr 192.0.2.2/24; down eth0 >");
    const down = run(script, first.live, first.state);
    expect(texts(down.ops)).toEqual(["h1: link set eth0 down"]);
    expect(upOf(down.live, "h1", "eth0")).toBe(false);
    expect(run(script, down.live, down.state).ops).toEqual([]);
    const back = run(BASE, down.live, down.state);
    expect(texts(back.ops)).toEqual(["h1: link set eth0 up"]);
  });

  it("a link created down needs no op to be down (it is born down)", () => {
    const script = BASE.replace("addr 192.0.2.2/24 >", "addr 192.0.2.2/24; down eth0 >");
    const first = run(script, emptyLiveState(), emptyProjectState(PROJECT));
    expect(texts(first.ops).filter((t) => /^h1: link set eth0 (up|down)$/.test(t))).toEqual([]);
    expect(upOf(first.live, "h1", "eth0")).toBe(false);
  });
});
