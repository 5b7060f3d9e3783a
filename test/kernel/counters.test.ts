import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execa } from "execa";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, cleanBuilds } from "../repl/pty-harness.js";

/**
 * NAT rules carry nft counters (issue 22 item 5): after a ping from h1 through r1's
 * masquerade, the REPL's `.counters` in `nsnet sandbox` shows the rule met (> 0 packets).
 * Addresses: 192.0.2.0/24 and 203.0.113.0/24 only, inside the sandbox.
 */
const LAB = `ns r1 <
  veth as lan peer h1:eth0
  addr 192.0.2.1/24
  veth as wan peer outside:eth0
  addr 203.0.113.1/24
  sysctl net.ipv4.ip_forward = 1
  nat from lan to wan
>
ns h1 < addr 192.0.2.10/24 on eth0; route default via 192.0.2.1 >
ns outside < addr 203.0.113.100/24 on eth0 >
`;

describe("counters on NAT rules", () => {
  // the CLI built from the sources (as the REPL's sandbox tests do), not dist/
  let main: string;
  beforeAll(async () => {
    main = await buildCli();
  }, 300_000);
  afterAll(cleanBuilds);

  it("are 0 before traffic and > 0 after a ping through the masquerade", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-counters-"));
    const file = join(dir, "nat.nsnet");
    writeFileSync(file, LAB);
    const input = ".counters\nh1: ping -c1 -W2 203.0.113.100\n.counters\n";
    const r = await execa(process.execPath, [main, "sandbox", file], { input, reject: false, env: { NO_COLOR: "1", NSNET_HISTORY: "" }, timeout: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const rows = r.stdout.split("\n").filter((l) => l.includes("nat from lan to wan"));
    expect(rows, r.stdout).toHaveLength(2);
    expect(rows[0]).toMatch(/^r1 +nat from lan to wan +0 packets, 0 bytes$/);
    const after = /(\d+) packets, (\d+) bytes$/.exec(rows[1]!);
    expect(Number(after?.[1])).toBeGreaterThan(0);
    expect(Number(after?.[2])).toBeGreaterThan(0);
  }, 120_000);
});
