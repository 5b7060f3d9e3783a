import { describe, it, expect } from "vitest";
import { execa } from "execa";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { CLI, inSandbox, nsnet, repo, scriptFile } from "./cli-sandbox.js";
import { compileFile } from "../../src/cli/compile-file.js";

/**
 * `nsnet plan --offline FILE` (issue 20 item 11): what `up` would do on an empty machine,
 * reading nothing on this one. On a real machine `plan --format sh examples/card.nsnet`
 * fails with NS506 (the host already has a default route), and in the sandbox it is 0 ops
 * (the sandbox applied it first) — neither shows what the example stands for.
 *
 * The empty machine is defined by the sandbox: for every example, `plan --offline` prints
 * exactly what `plan` prints inside a fresh sandbox that has only the example's uplinks.
 */
const examples = readdirSync(join(repo, "examples"))
  .filter((f) => f.endsWith(".nsnet"))
  .sort();

describe("nsnet plan --offline", () => {
  it("reads nothing: in an empty network namespace (no eth0, no route) it plans the card, exit 0", async () => {
    const r = await execa(
      "unshare",
      [
        "--net",
        "--mount",
        "--pid",
        "--fork",
        "--mount-proc",
        "--",
        process.execPath,
        CLI,
        "plan",
        "--offline",
        "--format",
        "sh",
        join(repo, "examples/card.nsnet"),
      ],
      {
        reject: false,
        timeout: 60_000,
        env: { NO_COLOR: "1" },
      },
    );
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(r.stderr).toBe("");
    for (const line of [
      "ip netns add lxc1",
      "ip -n lxc1 addr add 1.1.128.3/20 brd + dev eth0",
      "ip route add default via 1.1.128.1",
      "ip neigh add proxy 1.1.128.3 dev eth0",
    ]) {
      expect(r.stdout).toContain(line);
    }
  }, 90_000);

  for (const name of examples) {
    it(`${name}: the same plan as in a fresh sandbox with only its uplinks`, async () => {
      const file = join(repo, "examples", name);
      const c = compileFile(file);
      const uplinks = c.addressed!.devices.filter((d) => d.kind === "uplink").map((d) => `uplink ${d.name}\n`);
      const base = scriptFile(`uplinks-of-${name}`, uplinks.join("") || "# no uplinks\n");
      const r = await inSandbox(base, [nsnet("plan", "--format", "sh", file), nsnet("plan", "--offline", "--format", "sh", file)], { timeoutMs: 180_000 });
      expect(r.exitCode, r.stderr).toBe(0);
      const [live, offline] = r.runs;
      expect(live!.status, live!.stderr).toBe(0);
      expect(offline!.status, offline!.stderr).toBe(0);
      expect(offline!.stdout.split("\n").length).toBeGreaterThan(5);
      expect(offline!.stdout).toBe(live!.stdout);
    }, 240_000);
  }
});
