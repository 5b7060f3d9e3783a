import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execa } from "execa";
import { compileEntries } from "../tsc.js";
import { existsSync, readlinkSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { compileText } from "../../src/engine/compile.js";
import type { LiveState } from "../../src/model/live.js";

/**
 * `nsnet show` against a real kernel, inside a private mount+net namespace only: the
 * scenario (show-kernel.mjs) builds two namespaces with `ip`, then reads them back.
 * The code under test is compiled to a private directory (not dist/, which other work
 * may be rebuilding), the CLI included.
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const build = join(repo, "node_modules", ".cache", `nsnet-show-build-${process.pid}`);

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}
interface Findings {
  source: string;
  showBeta: Run;
  typo: Run;
  json: Run;
}

const sandboxed = (await execa("unshare", ["--mount", "--net", "--propagation", "private", "true"], { reject: false })).exitCode === 0;

describe.skipIf(!sandboxed)("nsnet show on a real kernel (sandboxed)", () => {
  let f: Findings;
  beforeAll(async () => {
    const entries = ["cli/main.ts", "cli/commands/show.ts", "show/live-to-source.ts", "exec/live.ts", "exec/runner.ts"].map((p) => join(repo, "src", p));
    // main.js is what we need, even while a file elsewhere in the tree has type errors
    await compileEntries(entries, build, { tolerateTypeErrors: true });
    expect(existsSync(join(build, "cli/main.js"))).toBe(true);
    const sandbox = ["--mount", "--net", "--pid", "--fork", "--mount-proc", "--propagation", "private"];
    const r = await execa("unshare", [...sandbox, "--", process.execPath, join(here, "show-kernel.mjs")], {
      reject: false,
      timeout: 60_000,
      env: { NSNET_SHOW_BUILD: build, NSNET_SHOW_OUTER_NETNS: readlinkSync("/proc/self/ns/net") },
    });
    const last = String(r.stdout).trim().split("\n").pop() ?? "";
    try {
      f = JSON.parse(last) as Findings;
    } catch {
      throw new Error(`scenario printed no JSON (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
    }
  }, 120_000);
  afterAll(() => rmSync(build, { recursive: true, force: true }));

  it("names the namespaces, the veth pairs and the addresses", () => {
    const s = f.source;
    expect(s).toContain("# live state read by `nsnet show`: 2 namespaces");
    expect(s).toMatch(/^ns alpha <$/m);
    expect(s).toMatch(/^ns beta <$/m);
    expect(s).toContain("  veth alpha_veth0 as eth0\n");
    expect(s).toContain("  veth alpha_p as x0 to beta:br0\n");
    expect(s).toContain("  addr 192.0.2.2/30 on eth0\n");
    expect(s).toContain("  addr 192.0.2.130/25 on x0  # broadcast none here; nsnet sets 192.0.2.255\n");
    expect(s).toContain("  route default via 192.0.2.1 dev eth0\n");
    expect(s).toContain("  addr 192.0.2.129/25 on br0\n");
    expect(s).toContain("  addr 192.0.2.1/30 on alpha_veth0\n");
    // the kernel's own: connected routes, link-local addresses, lo
    expect(s).not.toMatch(/proto|fe80|\blo\b|192\.0\.2\.0\/30/);
  });

  it("finds a macvlan's parent across namespaces and keeps its down state", () => {
    expect(f.source).toMatch(/^uplink hb0$/m);
    expect(f.source).toContain("  macvlan on hb0 mode private as mv0\n");
    expect(f.source).toContain("  down mv0\n");
    expect(f.source).toContain("  addr 192.0.2.200/32 on mv0\n");
  });

  it("prints source that compiles again", () => {
    const c = compileText(f.source, "show.nsnet");
    expect(c.diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
    expect(c.addressed!.devices.filter((d) => d.kind === "veth")).toHaveLength(4);
  });

  it("nsnet show NS prints one namespace, naming a far end in another", () => {
    expect(f.showBeta.status).toBe(0);
    expect(f.showBeta.stdout).toMatch(/^ns beta <$/m);
    expect(f.showBeta.stdout).not.toMatch(/^ns alpha/m);
    // with alpha not shown, beta writes the pair itself, from inside the bridge it is a port of
    expect(f.showBeta.stdout).toContain("  bridge br0 <\n    veth as alpha_p peer alpha:x0\n  >\n");
  });

  it("nsnet show with an unknown namespace exits 2 with a suggestion", () => {
    expect(f.typo.status).toBe(2);
    expect(f.typo.stderr).toContain("no namespace 'alpa' (did you mean 'alpha'?)");
  });

  it("nsnet show NS --json is the snapshot cut to NS and its host side", () => {
    expect(f.json.status).toBe(0);
    const j = JSON.parse(f.json.stdout) as LiveState;
    expect(j.namespaces).toEqual(["alpha"]);
    expect(j.links.filter((l) => l.ns === "host").map((l) => l.name)).toEqual(["alpha_veth0"]);
    expect(j.addrs.map((a) => `${a.ns}:${a.dev} ${a.cidr}`)).toContain("alpha:x0 192.0.2.130/25");
  });
});
