import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

/**
 * An edit that changes or removes a `run in` stops the old service (through the same proven-
 * identity stop `down` uses) and starts the new one; a rollback restarts what it stopped.
 */
const ONE = "ns a\nrun in a sleep 1000\n";
const TWO = "ns a\nrun in a sleep 2000\n";
const NONE = "ns a\n";
const STATE = "/run/nsnet/p/state.json";
const p = ["--project", "p"];

describe("services: edits of `run in` (sandbox)", () => {
  it("a changed service is stopped and the new one started; a removed one is stopped", async () => {
    const one = scriptFile("one.nsnet", ONE);
    const two = scriptFile("two.nsnet", TWO);
    const none = scriptFile("none.nsnet", NONE);
    // the sandbox applies `one` as project p first
    const r = await inSandbox(
      one,
      [
        nsnet("up", one, ...p),
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "first" },
        nsnet("up", two, ...p),
        { alive: "first" },
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "second" },
        { read: STATE, as: "changed" },
        nsnet("up", none, ...p),
        { alive: "second" },
        { read: STATE, as: "removed" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [up1, up2, up3] = r.runs;
    expect(up1!.status, up1!.stderr).toBe(0);
    expect(up2!.status, up2!.stderr).toBe(0);
    expect(r.alive.first).toBe(false);
    expect(JSON.parse(r.files.changed!).services.map((s: { argv: string[] }) => s.argv)).toEqual([["sleep", "2000"]]);
    expect(r.pids.second).not.toBe(r.pids.first);
    expect(up3!.status, up3!.stderr).toBe(0);
    expect(r.alive.second).toBe(false);
    expect(JSON.parse(r.files.removed!).services).toEqual([]);
  });

  it("a rolled-back edit restarts the service it stopped, and down stops that one", async () => {
    const one = scriptFile("one.nsnet", ONE);
    const two = scriptFile("two.nsnet", TWO);
    const r = await inSandbox(
      one,
      [
        nsnet("up", one, ...p),
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "first" },
        // op 1 stops `sleep 1000`, op 2 starts `sleep 2000`: fail at 2
        { ...nsnet("up", two, ...p), env: { NSNET_FAIL_AT: "2" } },
        { alive: "first" },
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "restarted" },
        { alive: "restarted" },
        { read: STATE, as: "state" },
        nsnet("down", one, ...p),
        { alive: "restarted", as: "afterDown" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [, failed, down] = r.runs;
    expect(failed!.status, failed!.stderr).toBe(3);
    expect(failed!.stderr).toMatch(/rolled back/);
    expect(r.alive.first).toBe(false);
    expect(r.alive.restarted).toBe(true);
    expect(JSON.parse(r.files.state!).services.map((s: { argv: string[] }) => s.argv)).toEqual([["sleep", "1000"]]);
    expect(down!.status, down!.stderr).toBe(0);
    expect(r.alive.afterDown).toBe(false);
  });
});
