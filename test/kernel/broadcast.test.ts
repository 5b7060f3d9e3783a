import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

/**
 * Issue 20 item 20, in the kernel: IPv4 addresses nsnet adds carry their broadcast address
 * below /31 — through `ip -batch` (a few namespaces) and through nsnet's helper (many) alike —
 * as ifupdown, LXC and CNI's bridge plugin set them; /31 and IPv6 have none; `show` prints
 * nsnet's own addresses plainly and notes one whose broadcast is not the default.
 */
const SMALL = `bridge br0 < addr 192.0.2.1/24 >
ns a < veth to br0; addr 192.0.2.2/24; addr 2001:db8::2/64 >
ns p < veth pair; addr 198.51.100.0/31 >
`;
const MANY = `bridge br1 < addr 203.0.113.1/24 >
for i in 1..9 < ns b$i < veth to br1; addr 203.0.113.\${i+1}/24 > >
`;
type AddrJson = { addr_info: { family: string; local: string; prefixlen: number; broadcast?: string }[] }[];
const brds = (stdout: string) =>
  (JSON.parse(stdout) as AddrJson).flatMap((l) =>
    l.addr_info.filter((a) => a.family === "inet" || !a.local.startsWith("fe80")).map((a) => `${a.local}/${a.prefixlen} ${a.broadcast ?? "-"}`),
  );

describe("broadcast addresses in the kernel", () => {
  it("set below /31 by ip and by the helper, none on /31 and IPv6, read back by show", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-brd-"));
    const small = join(dir, "small.nsnet");
    const many = join(dir, "many.nsnet");
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      { write: small, text: SMALL },
      nsnet("up", small, "--quiet"),
      { run: ["ip", "-j", "-n", "a", "addr", "show", "dev", "eth0"] },
      { run: ["ip", "-j", "addr", "show", "dev", "br0"] },
      { run: ["ip", "-j", "-n", "p", "addr", "show", "dev", "eth0"] },
      { write: many, text: MANY },
      nsnet("up", many, "--verbose"),
      { run: ["ip", "-j", "-n", "b9", "addr", "show", "dev", "eth0"] },
      // someone adds one without (as nsnet did before): show says so
      { run: ["ip", "-n", "a", "addr", "add", "192.0.2.9/24", "dev", "eth0"] },
      nsnet("show", "a"),
      nsnet("down", many, "--quiet"),
      nsnet("down", small, "--quiet"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [up, a, br0, p, upMany, b9, , show, down1, down2] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(brds(a!.stdout)).toEqual(["192.0.2.2/24 192.0.2.255", "2001:db8::2/64 -"]);
    expect(brds(br0!.stdout)).toEqual(["192.0.2.1/24 192.0.2.255"]);
    expect(brds(p!.stdout)).toEqual(["198.51.100.0/31 -"]);
    expect(upMany!.status, upMany!.stderr).toBe(0);
    expect(upMany!.stderr, "the helper did the namespaces' work").toContain("nsnet-helper");
    expect(brds(b9!.stdout)).toEqual(["203.0.113.10/24 203.0.113.255"]);
    expect(show!.status, show!.stderr).toBe(0);
    expect(show!.stdout).toContain("  addr 192.0.2.2/24 on eth0\n");
    expect(show!.stdout).toContain("  addr 192.0.2.9/24 on eth0  # broadcast none here; nsnet sets 192.0.2.255\n");
    expect(down1!.status, down1!.stderr).toBe(0);
    expect(down2!.status, down2!.stderr).toBe(0);
  }, 240_000);
});
