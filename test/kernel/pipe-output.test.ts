import { describe, it, expect } from "vitest";
import { CLI, inSandbox, scriptFile, type Step } from "./cli-sandbox.js";
import { THROUGH_PIPE } from "../cli/run-cli.js";

// Output through a pipe used to stop at 64 KiB (process.exit before stdout drained). The
// commands run inside the sandbox with stdout and stderr on kernel pipes (FIFOs), read slowly.
const piped = (...args: string[]): Step => ({ run: [process.execPath, THROUGH_PIPE, process.execPath, CLI, ...args] });
const KiB = 1024;

// 48 namespaces, each a veth pair: `show --json` prints every link and address
const MANY = `for i in 1..48 < ns many$i < veth pair; addr 192.0.2.1/24 > >
`;
// 200 namespaces, planned but never applied: a large plan
const PLANNED = `pool p 203.0.113.0/24
bridge br1 < addr 203.0.113.1/24 >
for i in 1..200 < ns pl$i < veth to br1; addr auto from p; route default via 203.0.113.1 > >
`;

describe("large output through a pipe arrives whole (sandbox)", () => {
  it("plan --format json, show --json and the piped REPL", async () => {
    const many = scriptFile("many.nsnet", MANY);
    const planned = scriptFile("planned.nsnet", PLANNED);
    const r = await inSandbox(
      many,
      [piped("plan", planned, "--format", "json"), piped("show", "--json"), { ...piped("repl", "--project", "pipe"), input: ".help\n".repeat(60) }],
      { timeoutMs: 280_000 },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const [plan, show, repl] = r.runs;
    expect(plan!.status, plan!.stderr).toBe(0);
    expect(plan!.stdout.length, "plan").toBeGreaterThan(64 * KiB);
    const ops = JSON.parse(plan!.stdout) as unknown[];
    expect(ops.length).toBeGreaterThan(1000);

    expect(show!.status, show!.stderr).toBe(0);
    expect(show!.stdout.length, "show").toBeGreaterThan(64 * KiB);
    expect((JSON.parse(show!.stdout) as { namespaces: string[] }).namespaces).toHaveLength(48);

    expect(repl!.status, repl!.stderr).toBe(0);
    expect(repl!.stdout.length, "repl").toBeGreaterThan(64 * KiB);
    expect(repl!.stdout.match(/^Dot-commands:$/gm)).toHaveLength(60);
  }, 300_000);
});
