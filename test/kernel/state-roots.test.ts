import { describe, it, expect } from "vitest";
import { CLI, scriptFile } from "./cli-sandbox.js";
import { runScenario } from "./sandbox.js";

// Sticky allocations used to land in /run/nsnet/allocations (tmpfs: gone at reboot, so not
// sticky at all) because the CLI filled in /run/nsnet as the state dir. The scenario runs
// in a private mount+net namespace with tmpfs over /run and /var/lib.
const NET = `pool p 192.0.2.0/24
bridge br0 < addr 192.0.2.1/24 >
ns a < veth to br0; addr auto from p >
`;

interface Snap {
  varlib: string[];
  run: string[];
}
interface Result {
  up: { status: number; stderr: string };
  down: { status: number; stderr: string };
  sandbox: { status: number; stdout: string; stderr: string };
  afterUp: Snap;
  afterDown: Snap;
  afterSandbox: Snap;
}

describe("where state and allocations land", () => {
  it("up without --state-dir: allocations in /var/lib/nsnet, state in /run/nsnet; the sandbox keeps both inside", async () => {
    const file = scriptFile("roots.nsnet", NET);
    const sandboxFile = scriptFile("inside.nsnet", NET);
    const { result: res, stderr } = await runScenario<Result>("state-roots", { cli: CLI, file, sandboxFile }, 120_000, { dist: true });
    expect(res, stderr).not.toBeNull();
    expect(res.up.status, res.up.stderr).toBe(0);
    expect(res.afterUp.varlib).toEqual(["/var/lib/nsnet/roots/allocations.json"]);
    expect(res.afterUp.run).toContain("/run/nsnet/roots/state.json");
    expect(res.afterUp.run.filter((f) => f.includes("allocations"))).toEqual([]);
    // down keeps the allocations: the address comes back on the next up
    expect(res.down.status, res.down.stderr).toBe(0);
    expect(res.afterDown.varlib).toEqual(["/var/lib/nsnet/roots/allocations.json"]);
    // the sandbox: allocations on its own /run, nothing new in the outer /var/lib/nsnet
    expect(res.sandbox.status, res.sandbox.stderr).toBe(0);
    expect(res.sandbox.stdout.trim()).toBe("/run/nsnet/allocations/inside/allocations.json");
    expect(res.afterSandbox.varlib).toEqual(["/var/lib/nsnet/roots/allocations.json"]);
  });
});
