import { describe, it, expect, vi, afterEach } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGraph } from "../../src/cli/commands/graph.js";
import { UsageError } from "../../src/cli/exit-codes.js";
import type { Invocation } from "../../src/cli/cli.js";

function script(text: string): string {
  const f = join(mkdtempSync(join(tmpdir(), "nsnet-graph-")), "net.nsnet");
  writeFileSync(f, text);
  return f;
}

const CARD = "uplink eth0\nhost < addr 1.1.128.2/20 on eth0; route default via 1.1.128.1 >\nns lxc1 < veth pair; addr 1.1.128.3/20; proxyarp on eth0 >\n";

async function graph(args: string[], flags: Invocation["flags"] = {}) {
  let stdout = "";
  let stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    stdout += String(s);
    return true;
  });
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    stderr += String(s);
    return true;
  });
  try {
    const code = await runGraph({ command: "graph", args, flags, rest: [], global: { json: false, quiet: false, verbose: false } });
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}

describe("nsnet graph", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints the text picture by default", async () => {
    const r = await graph([script(CARD)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ns lxc1\n {2}eth0 +1\.1\.128\.3\/20 +── host:lxc1_veth0/m);
  });

  it("prints DOT and Mermaid on request", async () => {
    const f = script(CARD);
    expect((await graph([f], { format: "dot" })).stdout).toMatch(/^graph nsnet \{\n[\s\S]*"host:lxc1_veth0" -- "lxc1:eth0"/);
    expect((await graph([f], { format: "mermaid" })).stdout).toMatch(/^flowchart LR\n/);
  });

  it("renders SVG in-process (Graphviz in WebAssembly): every interface and the partition cut", async () => {
    const r = await graph([script(CARD + "ns lxc2 < veth pair; addr 1.1.128.4/20; proxyarp on eth0 >\npartition lxc1 | lxc2\n")], { format: "svg" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^<\?xml [\s\S]*<svg [\s\S]*<\/svg>\n?$/);
    for (const label of ["lxc1_veth0", "lxc2_veth0", "1.1.128.3/20", "ns lxc1", "partition #1: A", "partition #1: B", "cut: partition #1: no traffic A–B"]) {
      expect(r.stdout).toContain(`>${label}<`);
    }
    expect(r.stdout.match(/<g id="node\d+" class="node">/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it("rejects an unknown format and a missing file as usage errors", async () => {
    await expect(graph([script(CARD)], { format: "png" })).rejects.toThrow(UsageError);
    await expect(graph([])).rejects.toThrow(UsageError);
  });

  it("prints diagnostics and exits 1 when the script has errors", async () => {
    const r = await graph([script("ns a < veth to br9 >\n")]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/error\[NS\d{3}\]/);
  });
});
