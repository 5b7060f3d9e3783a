import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

/**
 * Issue 20 item 1, the demo as the user met it, for real in the sandbox: `pool lab`, h2 holds
 * 192.0.2.3; a script (and then a REPL statement) adding h5 with the static address
 * 192.0.2.3 is refused at check, plan, up and in the REPL (NS415, naming h2), and h2 keeps
 * its address in the kernel — before, h2 was moved to .6 and pings failed on stale ARP.
 */
const LAB = `pool lab 192.0.2.0/24
bridge br0 < addr 192.0.2.1/24 >
for i in 1..3 <
  ns h$i < veth to br0; addr auto from lab; route default via 192.0.2.1 >
>
`;
const H5 = "ns h5 < veth to br0; addr 192.0.2.3/24 >\n";

describe("a static address on one the allocator handed out, in the kernel", () => {
  it("is refused everywhere, and h2 stays on 192.0.2.3", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "nsnet-sticky-")), "lab.nsnet");
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      { write: file, text: LAB },
      nsnet("up", file, "--quiet"),
      { dump: "before" },
      { write: file, text: LAB + H5 },
      nsnet("check", file),
      nsnet("plan", file),
      nsnet("up", file),
      { ...nsnet("repl", file), input: H5 },
      { dump: "after" },
      { run: ["ip", "netns", "exec", "h1", "ping", "-n", "-c1", "-W2", "192.0.2.3"] },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [up, check, plan, again, repl, ping] = r.runs;
    expect(up!.status, up!.stderr).toBe(0);
    expect(r.dumps.before!.places.h2!.addrs).toEqual(["eth0 192.0.2.3/24"]);
    const named = "error[NS415]: 192.0.2.3 is taken: pool lab handed it out to h2:eth0 (192.0.2.3/24), which keeps it";
    for (const run of [check, plan, again]) {
      expect(run!.status, run!.stderr).toBe(1);
      expect(run!.stderr).toContain(named);
    }
    expect(check!.stderr).toContain("add `reserve 192.0.2.3` to pool lab");
    expect(repl!.stderr).toContain(named);
    expect(r.dumps.after).toEqual(r.dumps.before);
    expect(ping!.status, ping!.stdout).toBe(0);
  }, 240_000);
});
