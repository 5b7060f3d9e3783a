import { afterAll, describe, expect, it } from "vitest";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

interface StarResult {
  up: { status: number; ops: number | string };
  namespaces: { lo: boolean; up: boolean; addrs: string[]; gw: string[] }[];
  ports: number;
  floodOn: number;
  linkLocal: number | null;
  allNodes: number;
  reapply: number | string;
  mismatch: { status: string; mismatches: string[]; diff: string[] };
  faults: { failAt: number; status: string; failedOp?: number; diff: string[] }[];
  down: number;
  afterDown: { namespaces: string[]; links: string[] };
}

// 12 namespaces: enough for the fan-out, the read-back in the applying batches and the
// multicast hold-off (all of which a 2-namespace scenario never reaches)
describe.skipIf(!ok)("a star of 12 namespaces (sandbox)", () => {
  it("builds, verifies, keeps IPv6 link-local working, re-applies nothing, rolls back exactly, downs cleanly", async () => {
    const { result: r, stderr } = await runScenario<StarResult>("star", {}, 300_000);
    // per namespace: 10 ops, and the mark on its lo (`alias nsnet:PROJECT`) that proves it ours
    expect(r.up, stderr).toEqual({ status: 0, ops: 12 * 11 + 4 });
    r.namespaces.forEach((n, i) => {
      expect(n).toEqual({ lo: true, up: true, addrs: [`2001:db8:100::${(i + 2).toString(16)}/64`], gw: ["2001:db8:100::1"] });
    });
    expect(r.ports).toBe(12);
    expect(r.floodOn).toBe(12);
    expect(r.linkLocal).toBe(0);
    // the 11 other namespaces and the bridge itself
    expect(r.allNodes).toBeGreaterThanOrEqual(12);
    expect(r.reapply).toBe(0);

    expect(r.mismatch.status).toBe("rolled-back");
    expect(r.mismatch.mismatches).toContain("expected: address 2001:db8:200::6/64 on eth0 in v5");
    expect(r.mismatch.diff).toEqual([]);
    expect(r.faults).toHaveLength(4);
    for (const f of r.faults) expect(f).toEqual({ failAt: f.failAt, status: "rolled-back", failedOp: f.failAt, diff: [] });

    expect(r.down).toBe(0);
    expect(r.afterDown).toEqual({ namespaces: [], links: [] });
  }, 300_000);
});
