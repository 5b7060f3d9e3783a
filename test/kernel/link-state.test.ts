import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inSandbox, nsnet, scriptFile, type Dump } from "./cli-sandbox.js";

/**
 * Issue 20 item 2, in the kernel: after `up`, adding `down eth0` in a namespace and
 * `host < down h1_veth0 >` and running `up` again planned 0 ops and left both links UP.
 * Now the second `up` sets them down, a third changes nothing, and taking the statements
 * out brings them up again.
 */
const BASE = `bridge br0
ns h1 < veth to br0; addr 192.0.2.2/24 >
ns h2 < veth to br0; addr 192.0.2.3/24 >
`;
const DOWN = `${BASE}host < down h1_veth0 >
ns h3 < veth to br0; addr 192.0.2.4/24 >
`.replace("addr 192.0.2.3/24 >", "addr 192.0.2.3/24; down eth0 >");

const up = (d: Dump, place: string, name: string) => d.places[place]!.links.find((l) => l.name === name)?.up;
const ops = (stdout: string) => (JSON.parse(stdout) as { ops: number }).ops;

describe("link state, both directions, in the kernel", () => {
  it("down after up, nothing more to do, up again", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "nsnet-linkstate-")), "ls.nsnet");
    const r = await inSandbox(scriptFile("empty.nsnet", "# nothing\n"), [
      { write: file, text: BASE },
      nsnet("up", file, "--quiet"),
      { dump: "first" },
      { write: file, text: DOWN },
      nsnet("plan", file),
      nsnet("up", file, "--json"),
      { dump: "down" },
      nsnet("up", file, "--json"),
      { write: file, text: BASE },
      nsnet("up", file, "--json"),
      { dump: "back" },
      nsnet("up", file, "--json"),
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const [first, planned, down, again, back, still] = r.runs;
    expect(first!.status, first!.stderr).toBe(0);
    expect(up(r.dumps.first!, "host", "h1_veth0")).toBe(true);
    expect(up(r.dumps.first!, "h2", "eth0")).toBe(true);
    expect(planned!.stdout).toContain("link set h1_veth0 down");
    expect(planned!.stdout).toContain("link set eth0 down");
    expect(down!.status, down!.stderr).toBe(0);
    expect(up(r.dumps.down!, "host", "h1_veth0")).toBe(false);
    expect(up(r.dumps.down!, "h2", "eth0")).toBe(false);
    // h3 is born with its links up; h2's other end stays up
    expect(up(r.dumps.down!, "h3", "eth0")).toBe(true);
    expect(up(r.dumps.down!, "host", "h2_veth0")).toBe(true);
    expect(ops(again!.stdout), again!.stdout).toBe(0);
    expect(back!.status, back!.stderr).toBe(0);
    expect(up(r.dumps.back!, "host", "h1_veth0")).toBe(true);
    expect(up(r.dumps.back!, "h2", "eth0")).toBe(true);
    expect(r.dumps.back!.places.h3).toBeUndefined();
    expect(ops(still!.stdout), still!.stdout).toBe(0);
  }, 240_000);
});
