import { describe, expect, it } from "vitest";
import { emptyLiveState, type LiveLink, type LiveState } from "../../src/model/live.js";
import type { Effect } from "../../src/plan/effect.js";
import { inverseOf } from "../../src/plan/inverse.js";
import type { Op } from "../../src/plan/op.js";
import { render } from "../../src/plan/render.js";
import { undoStep, type UndoStep } from "../../src/exec/undo.js";
import { vouchSteps, type ScriptPlan } from "../../src/exec/vouch.js";
import { opKey } from "../../src/model/state.js";

// What a state file's undo may do on links nsnet does not own (issue 19, item 2): only what
// the script plans; sysctls only for keys nsnet could have set, with values of their form.
const P = "p";
const link = (ns: string, name: string, alias?: string): LiveLink => ({ ns, name, ifindex: 1, kind: "veth", up: true, ...(alias ? { alias } : {}) });
const live: LiveState = {
  ...emptyLiveState(),
  namespaces: ["mine", "theirs"],
  links: [link("host", "eth0"), link("host", "ours0", "nsnet:p"), link("mine", "lo", "nsnet:p"), link("theirs", "lo"), link("theirs", "x0")],
  addrs: [
    { ns: "host", dev: "eth0", cidr: "198.51.100.2/24" },
    { ns: "theirs", dev: "x0", cidr: "198.51.100.2/24" },
  ],
  routes: [{ ns: "host", dst: "default", via: "198.51.100.1", dev: "eth0", family: 4 } as LiveState["routes"][number]],
};
function stepFor(effect: Effect, inverse: Effect): UndoStep {
  const op: Op = { ...render(effect), index: 1, phase: "host", summary: render(effect).text, effect, inverse };
  return undoStep(op, inverse);
}
const addr = (ns: string, dev: string, add: boolean): Effect => ({ k: "addr", ns, dev, cidr: "198.51.100.2/24", add });
const sysctl = (key: string, value: string, ns = "host"): Effect => ({ k: "sysctl", ns, key, value });
const plannedAll =
  (steps: UndoStep[]): (() => Promise<ScriptPlan>) =>
  async () => ({ file: "s.nsnet", keys: new Set(steps.map((s) => opKey(s.op))) });
const noScript = async (): Promise<ScriptPlan> => ({ why: "no script" });
const run = (steps: UndoStep[], plan = noScript, deleting: string[] = []) => vouchSteps(steps, { project: P, live, deleting: new Set(deleting), plan });

describe("vouchSteps: host ops on links not ours", () => {
  const onUplink = stepFor(addr("host", "eth0", true), addr("host", "eth0", false));
  const route = stepFor(
    { k: "route", ns: "host", dst: "default", via: "198.51.100.1", add: true },
    { k: "route", ns: "host", dst: "default", via: "198.51.100.1", add: false },
  );

  it("leaves an uplink's address and the default route alone without a script that plans them", async () => {
    const r = await run([onUplink, route]);
    expect(r.run).toEqual([]);
    expect(r.skipped).toHaveLength(2);
    expect(r.skipped[0]).toMatch(/addr add 198\.51\.100\.2\/24 brd \+ dev eth0 \(host, on a link this project does not own\): not undone, no script/);
  });

  it("undoes them when the script plans exactly those ops", async () => {
    const r = await run([onUplink, route], plannedAll([onUplink, route]));
    expect(r.run).toEqual([onUplink, route]);
  });

  it("a script that plans something else vouches for nothing here", async () => {
    const other = stepFor(addr("host", "eth0", true), addr("host", "eth0", false));
    other.op = { ...other.op, text: "addr add 198.51.100.9/24 dev eth0" };
    const r = await run([onUplink], plannedAll([other]));
    expect(r.skipped[0]).toMatch(/s\.nsnet does not plan it/);
  });

  it("runs what is on a link carrying the project's mark, or inside one of its namespaces, without asking", async () => {
    let asked = false;
    const ask = async (): Promise<ScriptPlan> => {
      asked = true;
      return { why: "x" };
    };
    const own = stepFor(addr("host", "ours0", true), addr("host", "ours0", false));
    const inside = stepFor(addr("mine", "eth9", true), addr("mine", "eth9", false));
    const deleted = stepFor(addr("theirs", "x0", true), addr("theirs", "x0", false));
    const r = await run([own, inside, deleted], ask, ["theirs"]);
    expect(r.run).toHaveLength(3);
    expect(asked).toBe(false);
  });

  it("a namespace nsnet did not make is no better than the host", async () => {
    const r = await run([stepFor(addr("theirs", "x0", true), addr("theirs", "x0", false))]);
    expect(r.skipped[0]).toMatch(/namespace theirs/);
  });
});

describe("vouchSteps: what is already undone", () => {
  it("is neither run nor reported: an address no longer there, a link that is gone", async () => {
    const other = stepFor(
      { k: "addr", ns: "host", dev: "eth0", cidr: "203.0.113.9/24", add: true },
      { k: "addr", ns: "host", dev: "eth0", cidr: "203.0.113.9/24", add: false },
    );
    const gone = stepFor(addr("host", "gone0", true), addr("host", "gone0", false));
    expect(await run([other, gone])).toEqual({ run: [], skipped: [] });
  });
});

describe("vouchSteps: sysctls", () => {
  const restore = (key: string, orig: string, applied = "1", ns = "host") => stepFor(sysctl(key, applied, ns), sysctl(key, orig, ns));

  it("restores forwarding to 0 or 1 only", async () => {
    const r = await run([restore("net.ipv4.ip_forward", "0"), restore("net.ipv6.conf.all.forwarding", "2")]);
    expect(r.run).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/net\.ipv6\.conf\.all\.forwarding .*forwarding is 0 or 1/);
  });

  it("restores a key of the project's own link to a number, not a key of the uplink", async () => {
    const r = await run([
      restore("net.ipv4.conf.ours0.proxy_arp", "0"),
      restore("net.ipv4.conf.ours0.proxy_arp", "0 x"),
      restore("net.ipv4.conf.eth0.rp_filter", "2"),
    ]);
    expect(r.run).toHaveLength(1);
    expect(r.skipped[0]).toMatch(/takes numbers/);
    expect(r.skipped[1]).toMatch(/net\.ipv4\.conf\.eth0\.rp_filter .*not a key nsnet could have set here/);
  });

  it("restores a machine key only when the script names it (same op), and only to a plain value", async () => {
    const core = restore("kernel.core_pattern", "core", "x");
    const pipe = restore("kernel.core_pattern", "|/tmp/pwn %p", "x");
    expect((await run([core])).run).toEqual([]);
    expect((await run([core], plannedAll([core]))).run).toEqual([core]);
    const r = await run([pipe], plannedAll([pipe]));
    expect(r.run).toEqual([]);
    expect(r.skipped[0]).toMatch(/not a value nsnet restores/);
  });
});

describe("inverseOf: a sysctl's original is written back only in a plain form", () => {
  const ctx = (v: string) => ({ project: P, originals: { host: { "kernel.core_pattern": v, "net.ipv4.tcp_rmem": v } } });
  it.each([["1"], ["4096\t87380\t6291456"], ["fq_codel"], ["cubic reno"]])("%j is restorable", (v) => {
    expect(inverseOf(sysctl("net.ipv4.tcp_rmem", "x"), ctx(v))).toEqual(sysctl("net.ipv4.tcp_rmem", v));
  });
  it.each([["|/tmp/pwn %p"], ["/tmp/core"], ["a\nb"], ["$(id)"], ["x".repeat(65)], [""]])("%j is not", (v) => {
    expect(inverseOf(sysctl("kernel.core_pattern", "x"), ctx(v))).toBeNull();
  });
});
