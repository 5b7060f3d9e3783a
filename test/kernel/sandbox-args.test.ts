import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, scriptFile } from "./cli-sandbox.js";

/**
 * `nsnet sandbox FILE -- CMD…` hands CMD's arguments to argv as they are: a newline in one
 * (`bash -c $'echo a\necho b'`) is the user's business, not a batch line (issue 20 item 18).
 * An argument nsnet will not pass (a newline in FILE's own path) is a clear error, exit 2 —
 * it used to be "internal error: unsafe argument" and a stack trace, exit 70. Each run is
 * the sandbox itself, in its own pid namespace as well.
 */
const SCRIPT = "ns a < veth pair; addr 192.0.2.1/24 >\n";

const sandbox = (args: string[]) =>
  execa("unshare", ["--pid", "--fork", "--mount-proc", "--", process.execPath, CLI, "sandbox", ...args], {
    reject: false,
    timeout: 120_000,
    env: { NO_COLOR: "1" },
  });

describe("nsnet sandbox: the arguments of CMD", () => {
  it("an argument with a newline reaches CMD's argv whole", async () => {
    const file = scriptFile("args.nsnet", SCRIPT);
    const r = await sandbox([file, "--quiet", "--", "bash", "-c", "echo a\necho b"]);
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(r.stdout).toBe("a\nb");
    expect(r.stderr).not.toMatch(/internal error/);
  }, 180_000);

  it("a FILE whose path holds a newline is refused in one line, exit 2, never an internal error", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "nsnet-e2e-")), "a\nb");
    mkdirSync(dir);
    const file = join(dir, "x.nsnet");
    writeFileSync(file, SCRIPT);
    const r = await sandbox([file, "--", "true"]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).not.toMatch(/internal error|\n {4}at /);
    expect(r.stderr).toMatch(/^nsnet sandbox: refused: unsafe argument: ".*a\\nb\/x\.nsnet" \(nsnet passes no newline or NUL byte/);
  }, 180_000);
});
