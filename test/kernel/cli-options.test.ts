import { describe, it, expect } from "vitest";
import { inSandbox, nsnet, scriptFile } from "./cli-sandbox.js";

// `nsnet up FILE --dry-run` once applied for real (the flag was parsed and never read).
describe("options nsnet does not know change nothing (sandbox)", () => {
  it("up --dry-run exits 2 and the kernel is exactly as before", async () => {
    const empty = scriptFile("empty.nsnet", "# nothing\n");
    const net = scriptFile("net.nsnet", "ns dry1 < veth pair; addr 192.0.2.10/24 >\n");
    const r = await inSandbox(empty, [
      { dump: "before" },
      nsnet("up", net, "--dry-run"),
      nsnet(net, "--dry-run"),
      nsnet("up", net, "--force"),
      { dump: "after" },
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const run of r.runs) {
      expect(run.status, run.stderr).toBe(2);
      expect(run.stderr).toMatch(/^nsnet up: unknown option --(dry-run|force) for `nsnet up`/);
    }
    expect(r.dumps.after).toEqual(r.dumps.before);
    expect(r.dumps.after!.namespaces).not.toContain("dry1");
  });
});
