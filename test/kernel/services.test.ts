import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile, type Step } from "./cli-sandbox.js";

/**
 * `run in` services are signalled only when they are provably the process nsnet started
 * (same start time, same network namespace, still its own group leader). Every case runs
 * inside a sandbox that has its own pid namespace too: before the fix, `down` signalled
 * whatever the state file named, and -1 or 0 there would have reached every process.
 */
const SCRIPT = `ns a
run in a sleep 1000
`;
const STATE = "/run/nsnet/p/state.json";
const p = ["--project", "p"];

describe("services: never signal a process nsnet did not start (sandbox)", () => {
  it("stops its own service on down (the whole process group)", async () => {
    const file = scriptFile("svc.nsnet", SCRIPT);
    const r = await inSandbox(
      file,
      [
        nsnet("up", file, ...p),
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "svc" },
        { alive: "svc" },
        nsnet("down", file, ...p),
        { alive: "svc", as: "svcAfterDown" },
        { read: STATE, as: "state" },
        { dump: "after" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[1]!.status, r.runs[1]!.stderr).toBe(0);
    expect(r.pids.svc).toBeGreaterThan(1);
    expect(r.alive.svc).toBe(true);
    expect(r.alive.svcAfterDown).toBe(false);
    expect(r.dumps.after!.namespaces).toEqual([]);
    expect(JSON.parse(r.files.state!).services).toEqual([]);
  });

  it("leaves alone an unrelated process that now holds the recorded pid, and says so", async () => {
    const file = scriptFile("svc.nsnet", SCRIPT);
    const r = await inSandbox(
      file,
      [
        nsnet("up", file, ...p),
        { spawn: ["sleep", "3000"], name: "victim" },
        { patch: STATE, at: ["services", 0, "pid"], value: { $pid: "victim" } },
        nsnet("down", file, ...p),
        { alive: "victim" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const down = r.runs[1]!;
    expect(down.status, down.stderr).toBe(0);
    expect(r.alive.victim).toBe(true);
    expect(down.stdout + down.stderr).toMatch(/left alone.*pid \d+ is another process/);
  });

  it("refuses pids -1, 0, 1, negative and fractional from state.json and signals nothing", async () => {
    const file = scriptFile("svc.nsnet", SCRIPT);
    const values: unknown[] = [-1, 0, 1, { $pid: "victim", sign: -1 }, 2.5];
    const r = await inSandbox(
      file,
      [
        { spawn: ["sleep", "3000"], name: "victim" },
        { pidFrom: STATE, at: ["services", 0, "pid"], name: "svc" },
        // every bad pid after the real service, -1 first
        ...values.map(
          (pid, i): Step => ({
            patch: STATE,
            at: ["services", i + 1],
            value: { ns: "a", argv: ["sleep", "1000"], pid, startTime: "1", netns: { ino: 1, dev: 1 } },
          }),
        ),
        nsnet("down", file, ...p),
        { alive: "victim" },
        { alive: "svc" },
        { dump: "after" },
      ],
      { project: "p" },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const down = r.runs[0]!;
    expect(down.status, down.stderr).toBe(0);
    expect(r.alive.victim).toBe(true);
    expect(r.alive.svc).toBe(false);
    expect(down.stdout + down.stderr).toMatch(/left alone|state\.json/);
    expect(r.dumps.after!.namespaces).toEqual([]);
  });
});
