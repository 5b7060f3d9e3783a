import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileText } from "../../src/engine/compile.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";
import { FsAllocationStore, allocationDir } from "../../src/ipam/store-fs.js";
import { runCli, tempScript } from "../cli/run-cli.js";

/**
 * Issue 20 item 1: in the demo, h2 had 192.0.2.3 from `pool lab`; a new `ns h5` with the
 * static address 192.0.2.3 silently moved h2 to .6 (NS412, info), and `check` said ok. An
 * address handed out stays where it is: the static address is the error, at check.
 */
const LAB = `pool lab 192.0.2.0/24
bridge br0 < addr 192.0.2.1/24 >
for i in 1..3 <
  ns h$i < veth to br0; addr auto from lab; route default via 192.0.2.1 >
>
`;
const H5 = "ns h5 < veth to br0; addr 192.0.2.3/24 >\n";

describe("a static address on a sticky one", () => {
  const first = compileText(LAB, "lab.nsnet");
  const held = first.allocations!;

  it("h2 holds .3 after the first run", () => {
    expect(held.pools.lab!.owners).toEqual({ "h1:eth0#0": "192.0.2.2/24", "h2:eth0#0": "192.0.2.3/24", "h3:eth0#0": "192.0.2.4/24" });
  });

  it("is NS415 at the static address, naming h2 and how to free it; h2's record is unchanged", () => {
    const c = compileText(LAB + H5, "lab.nsnet", { allocations: held });
    expect(c.ok).toBe(false);
    expect(c.diagnostics.map((d) => [d.code, d.severity, `${d.span.start.line}:${d.span.start.column}`])).toEqual([["NS415", "error", "6:27"]]);
    const text = renderDiagnostics(c.diagnostics, { sources: c.sources, color: false });
    expect(text).toContain("lab.nsnet:6:27: error[NS415]: 192.0.2.3 is taken: pool lab handed it out to h2:eth0 (192.0.2.3/24), which keeps it");
    expect(text).toContain("h2:eth0 holds 192.0.2.3/24 from pool lab (sticky: an earlier run handed it out)");
    expect(text).toContain("add `reserve 192.0.2.3` to pool lab");
    expect(held.pools.lab!.owners["h2:eth0#0"]).toBe("192.0.2.3/24");
  });

  it("the same script on a fresh machine (no allocations) checks: h2 is then simply given another address", () => {
    const c = compileText(LAB + H5, "lab.nsnet");
    expect(c.ok).toBe(true);
    expect(c.allocations!.pools.lab!.owners["h2:eth0#0"]).toBe("192.0.2.4/24");
  });

  it("`nsnet check` reads the project's allocations (--state-dir, --project) and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-sticky-"));
    const root = join(dir, "allocations");
    await new FsAllocationStore(allocationDir("lab", root), { root }).save(held);
    const file = tempScript("lab.nsnet", LAB + H5);
    const r = await runCli(["check", file, "--state-dir", dir, "--project", "lab"]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("error[NS415]: 192.0.2.3 is taken: pool lab handed it out to h2:eth0");
    // another project (nothing handed out) and the plain script check clean
    expect((await runCli(["check", file, "--state-dir", dir, "--project", "other"])).code).toBe(0);
    expect((await runCli(["check", tempScript("lab.nsnet", LAB), "--state-dir", dir, "--project", "lab"])).code).toBe(0);
  });
});
