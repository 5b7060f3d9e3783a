import { afterAll, describe, expect, it } from "vitest";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

interface CrashResult {
  crashedAfter: number | null;
  midway: string[];
  recover: { undone: number; skipped: string[]; left: number };
  afterRecover: string[];
  journalLeft: boolean;
  recoverAgain: unknown;
  down: { left: number };
  afterDown: string[];
  parallel: [string, string, string[]];
  parallelState: [number, number];
  contention: string;
  afterAll: string[];
}

describe.skipIf(!ok)("crash, recovery, concurrency (sandbox)", () => {
  it("cleans up after kill -9, keeps projects apart, and refuses a locked project clearly", async () => {
    const { result: r } = await runScenario<CrashResult>("crash", {}, 180_000);
    expect(r.crashedAfter).toBeGreaterThanOrEqual(14);
    expect(r.midway).toEqual(["a", "b"]);
    expect(r.recover.left).toBe(0);
    expect(r.afterRecover).toEqual([]);
    expect(r.journalLeft).toBe(false);
    expect(r.recoverAgain).toBeNull();
    expect(r.down.left).toBe(0);
    expect(r.afterDown).toEqual([]);
    expect(r.parallel).toEqual(["ok", "ok", ["xa", "xb", "ya", "yb"]]);
    expect(r.parallelState).toEqual([24, 24]);
    expect(r.contention).toMatch(/project p1 is locked by another nsnet run \(pid \d+/);
    expect(r.afterAll).toEqual([]);
  }, 180_000);
});
