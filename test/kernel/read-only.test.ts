import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

// Commands that only read — plan, check, show, graph — and a down with nothing to do write
// nothing under the state roots: no project directory, no lock, no state.json, no
// allocations (issue 19, item 11). `down --project never-was` used to leave
// /run/nsnet/never-was/state.json behind.
const NET = "pool p 192.0.2.0/24\nbridge br0 < addr 192.0.2.1/24 >\nns a < veth to br0; addr auto from p >\n";
const listing: Step = { run: ["find", "/run/nsnet", "/var/lib/nsnet", "/run/sd"] };

describe("read-only commands write no state (sandbox)", () => {
  it("plan, check, show, graph and a down with nothing to do create nothing", async () => {
    const f = scriptFile("never.nsnet", NET);
    const r = await inSandbox(scriptFile("empty.nsnet", "ns z\n"), [
      listing,
      nsnet("plan", f, "--project", "never-was"),
      nsnet("plan", f),
      nsnet("plan", f, "--state-dir", "/run/sd"),
      nsnet("check", f),
      nsnet("check", f, "--project", "never-was"),
      nsnet("show"),
      nsnet("graph", f),
      nsnet("down", "--project", "never-was"),
      nsnet("down", f),
      nsnet("down", "--project", "never-was", "--state-dir", "/run/sd"),
      listing,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [before, ...cmds] = r.runs;
    const after = cmds.pop()!;
    for (const c of cmds) expect(c.status, `${c.argv.slice(2).join(" ")}\n${c.stderr}`).toBe(0);
    expect(after.stdout).toBe(before!.stdout);
    expect(after.stdout).not.toMatch(/never-was|never-|\/run\/sd/);
  });
});
