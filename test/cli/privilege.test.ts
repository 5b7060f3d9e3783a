import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasNetAdmin } from "../../src/cli/privilege.js";
import { CLI } from "../kernel/cli-sandbox.js";

/**
 * Run by a normal user, the commands that need root say so — CAP_NET_ADMIN, and what works
 * without it — instead of failing on the first root-owned file ("cannot read
 * /var/lib/nsnet/…/allocations.json: EACCES"). Issue 20 item 19.
 */
const CARD = "uplink eth0\nhost < addr 192.0.2.2/24 on eth0; route default via 192.0.2.1 >\nns lxc1 < veth pair; addr 192.0.2.3/24; proxyarp on eth0 >\n";

describe("CAP_NET_ADMIN from /proc/self/status", () => {
  it("reads bit 12 of CapEff", () => {
    expect(hasNetAdmin("Name:\tnode\nCapEff:\t000001ffffffffff\n")).toBe(true);
    expect(hasNetAdmin("CapEff:\t0000000000001000\n")).toBe(true);
    expect(hasNetAdmin("CapEff:\t0000000000000000\n")).toBe(false);
    expect(hasNetAdmin("CapEff:\t0000000000000fff\n")).toBe(false);
  });
});

/** The built CLI as `nobody` (setpriv), inside a private net+mount namespace for good
 *  measure: nobody can change nothing there, and nothing here at all. */
async function asNobody(args: string[]) {
  const r = await execa(
    "unshare",
    [
      "--net",
      "--mount",
      "--pid",
      "--fork",
      "--mount-proc",
      "--",
      "setpriv",
      "--reuid=nobody",
      "--regid=nogroup",
      "--clear-groups",
      "--",
      process.execPath,
      CLI,
      ...args,
    ],
    { reject: false, timeout: 60_000, env: { NO_COLOR: "1" } },
  );
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

describe("a normal user", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-nobody-"));
  chmodSync(dir, 0o755);
  const file = join(dir, "card.nsnet");
  writeFileSync(file, CARD, { mode: 0o644 });

  // `sandbox` runs rootless in a user namespace of its own (test/kernel/rootless.test.ts)
  it("`up`, `down` and `plan` say they need root (CAP_NET_ADMIN) and what works without it, exit 2", async () => {
    for (const cmd of ["up", "down", "plan"]) {
      const r = await asNobody([cmd, file]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toMatch(/EACCES|internal error/);
      expect(r.stderr).toMatch(new RegExp(`^nsnet ${cmd}: needs root \\(CAP_NET_ADMIN\\): `));
      expect(r.stderr).toContain("Without root: `nsnet check FILE`, `nsnet plan --offline FILE`");
      expect(r.stderr).toMatch(/`nsnet fmt FILE`, `nsnet graph FILE`\.$/);
    }
  }, 120_000);

  it("`check` and `graph` work without root", async () => {
    for (const cmd of ["check", "graph"]) {
      const r = await asNobody([cmd, file]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(0);
    }
  }, 60_000);
});
