import { describe, it, expect, afterAll } from "vitest";
import { join } from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { buildCli, canSandbox, cleanBuilds, drive, engineLanded, tempDir } from "./pty-harness.js";

/**
 * Editing a running lab from the REPL, on the real kernel inside a fresh sandbox (piped
 * input): amending a namespace, `link A B down|up`, `.undo` of it, pingall's address on the
 * shared segment, and `.save` noticing a hand-typed route. Documentation ranges only.
 */
const ready = engineLanded() && (await canSandbox());

describe.skipIf(!ready)("REPL edits a live lab (sandbox)", () => {
  afterAll(cleanBuilds);

  it("amend, link down/up, undo, pingall via the gateway's own segment, drift on .save", async () => {
    const main = await buildCli();
    const dir = tempDir();
    const plain = join(dir, "plain.nsnet");
    const drift = join(dir, "drift.nsnet");
    const input = join(dir, "in.repl");
    writeFileSync(
      input,
      [
        ".echo on",
        "bridge br0",
        "ns r1 < veth to br0; addr 192.0.2.1/24; sysctl net.ipv4.ip_forward = 1 >",
        "ns h1 < veth to br0; addr 192.0.2.10/24 >",
        "ns h3 < veth peer r1:eth1; addr 198.51.100.3/24 >",
        "ns r1 < addr 198.51.100.1/24 on eth1 >",
        // no routes yet: each pings r1 on its own segment (h3 at 198.51.100.1), h1 and h3 not each other
        "pingall",
        "ns h3 < route default via 198.51.100.1 >",
        "ns h1 < route default via 192.0.2.1 >",
        "pingall",
        // r1's side: a link a route goes through may not be set down (NS332)
        "link r1 br0 down",
        "h1: ping -c1 -W1 192.0.2.1",
        ".undo",
        "h1: ping -c1 -W1 192.0.2.1",
        "h1: ip route add 203.0.113.0/24 via 192.0.2.1",
        `.save ${plain}`,
        `.save --with-drift ${drift}`,
        "",
      ].join("\n"),
    );
    const r = await drive({
      sandbox: true,
      argv: [process.execPath, main, "repl", "--state-dir", "/run/nsnet", "--project", "edit"],
      pipe: input,
      env: { NSNET_HISTORY: "", NO_COLOR: "1" },
      timeout: 180,
    });
    const out = r.stdout ?? "";
    const err = r.stderr ?? "";
    const both = `${out}\n${err}`;
    expect(err).not.toContain("NS307");
    expect(out).toContain("amending ns r1 (.undo takes it back)");
    expect(out).toContain("amending ns h3 (.undo takes it back)");
    // before routes, h3 reaches r1 at 198.51.100.1 (r1's first address, 192.0.2.1, is off its segment)
    expect(out, both).toMatch(/h3 +ok [0-9.]+ms +-- +·\n4\/6 reachable/);
    expect(out, both).toContain("6/6 reachable");
    expect(out).toContain("ns r1 < down eth0 >; host < down r1_veth0 >");
    const pings = [...out.matchAll(/(\d) received/g)].map((m) => m[1]);
    expect(pings, both).toEqual(["0", "1"]);
    expect(out).toContain("undone: `ns r1 < down eth0 >");
    expect(err).toContain("warning: live state has drifted from the session; not saved:\n  h1: route 203.0.113.0/24 via 192.0.2.1\n");
    expect(readFileSync(plain, "utf8")).not.toContain("203.0.113.0/24");
    const saved = readFileSync(drift, "utf8");
    expect(saved).toContain("route 203.0.113.0/24 via 192.0.2.1");
    expect(saved.match(/^ns r1/gm)).toHaveLength(1);
  }, 300_000);
});
