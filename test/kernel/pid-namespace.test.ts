import { execa } from "execa";
import { readlinkSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI, inSandbox, scriptFile } from "./cli-sandbox.js";
import { runScenario } from "./sandbox.js";

// Every sandbox the tests make has its own PID namespace with its own /proc: `/proc/1` inside
// is the sandbox's first process, never the machine's init (whose /proc/1/ns/net is the
// machine's own network namespace — a test that resolved it would act on the host).
const runners = readlinkSync("/proc/self/ns/pid");

interface Proc1 {
  selfPidNs: string;
  initPidNs: string;
  outerNet: string | null;
  initNet: string;
  selfNet: string;
  initCmdline: string[];
  pid: number;
}

describe("sandboxes have their own PID namespace and /proc", () => {
  it("runScenario: /proc/1 is the scenario's relay, in a pid namespace that is not the machine's", async () => {
    const { result: r, stderr } = await runScenario<Proc1>("proc1", {}, 60_000, { dist: true });
    expect(r, stderr).not.toBeNull();
    expect(r.initPidNs).toBe(r.selfPidNs);
    expect(r.selfPidNs).not.toBe(runners);
    // PID 1 (a relay that only runs the scenario) is in the sandbox's network namespace
    expect(r.initNet).toBe(r.selfNet);
    expect(r.selfNet).not.toBe(r.outerNet);
    expect(r.initCmdline[0]).toBe(process.execPath);
    expect(r.pid).toBeLessThan(10);
  });

  it("nsnet sandbox (run directly, as the CNI harness does): PID 1 is the sandbox's inner half, in the sandbox's network namespace", async () => {
    const file = scriptFile("empty.nsnet", "\n");
    const r = await execa(
      process.execPath,
      [
        CLI,
        "sandbox",
        file,
        "--quiet",
        "--",
        process.execPath,
        "-e",
        'const fs=require("fs");console.log(JSON.stringify({init:fs.readlinkSync("/proc/1/ns/net"),self:fs.readlinkSync("/proc/self/ns/net"),pidns:fs.readlinkSync("/proc/self/ns/pid"),cmd:fs.readFileSync("/proc/1/cmdline","utf8").split("\\0")}))',
      ],
      { reject: false, timeout: 60_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}");
    expect(o.pidns).not.toBe(runners);
    expect(o.init).toBe(o.self);
    expect(o.init).not.toBe(readlinkSync("/proc/self/ns/net"));
    expect(o.cmd).toContain("__sandbox-inner");
  });

  it("inSandbox: /proc/1 inside is the sandbox's own PID 1 (its network namespace is the sandbox's)", async () => {
    const file = scriptFile("empty.nsnet", "\n");
    const r = await inSandbox(file, [{ run: ["readlink", "/proc/1/ns/net"] }, { run: ["readlink", "/proc/self/ns/net"] }]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.runs[0]!.stdout.trim()).toBe(r.runs[1]!.stdout.trim());
  });
});
