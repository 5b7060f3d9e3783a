import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, cleanBuilds } from "../repl/pty-harness.js";
import { runningSandboxes } from "../../src/exec/attach.js";

/**
 * `nsnet sandbox --attach` from a second terminal (issue 22 item 5): a sandbox running a
 * long command is found by its holder process, entered (mount, net, PID namespaces), and
 * once it has exited there is nothing left to attach to.
 */
describe("nsnet sandbox --attach", () => {
  let main: string;
  beforeAll(async () => {
    main = await buildCli();
  }, 300_000);
  afterAll(cleanBuilds);

  it("joins a running sandbox and sees its namespaces; nothing is left after it exits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-attach-"));
    const file = join(dir, "lab.nsnet");
    writeFileSync(file, "ns h1 < veth as eth0 peer h2:eth0; addr 192.0.2.1/24 >\nns h2 < addr 192.0.2.2/24 on eth0 >\n");
    const env = { NO_COLOR: "1" };
    // the sandbox ends by itself (its command's end), as a user's would
    const sandbox = execa(process.execPath, [main, "sandbox", file, "--", "sleep", "15"], { reject: false, env });
    // other sandboxes may run on this machine: ours is the one holding our file
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      await new Promise((ok) => setTimeout(ok, 100));
      pid = runningSandboxes().find((s) => s.file === file)?.pid;
    }
    expect(pid).toBeDefined();
    const attach = (...args: string[]) => execa(process.execPath, [main, "sandbox", "--attach", String(pid), "--", ...args], { reject: false, env });
    let r = await attach("ip", "netns", "list");
    for (let i = 0; i < 50 && !r.stdout.includes("h2"); i++) {
      await new Promise((ok) => setTimeout(ok, 200));
      r = await attach("ip", "netns", "list");
    }
    expect(r.stdout, r.stderr).toMatch(/h1/);
    expect(r.stdout).toMatch(/h2/);
    // its PID namespace: the holder is PID 1 there
    const ps = await attach("cat", "/proc/1/cmdline");
    expect(ps.stdout).toContain("__sandbox-inner");
    // a PID that is no sandbox is refused
    const bad = await execa(process.execPath, [main, "sandbox", "--attach", String(process.pid), "--", "true"], { reject: false, env });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(`no running sandbox of yours with PID ${process.pid}`);
    expect((await sandbox).exitCode).toBe(0);
    const after = await attach("true");
    expect(after.exitCode).toBe(2);
    expect(after.stderr).toContain(`no running sandbox of yours with PID ${pid}`);
  }, 180_000);
});
