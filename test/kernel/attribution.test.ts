import { afterAll, describe, expect, it } from "vitest";
import { canSandbox, cleanKernelBuild, runScenario } from "./sandbox.js";

const ok = await canSandbox();
afterAll(cleanKernelBuild);

describe.skipIf(!ok)("a batch line ip dies on without naming it (sandbox)", () => {
  it("is blamed on the right op; only the lines before it are undone; nothing is left", async () => {
    const { result: r } = await runScenario<{ status: string; failedOp: number; left: string[]; diff: string[]; applied: string[] }>("attribution");
    expect(r).toEqual({ status: "rolled-back", failedOp: 4, left: [], diff: [], applied: [] });
  });
});
