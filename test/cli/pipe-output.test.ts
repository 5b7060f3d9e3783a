import { describe, it, expect } from "vitest";
import { spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileFile } from "../../src/cli/compile-file.js";
import { toText } from "../../src/graph/graph.js";
import { CLI } from "../kernel/cli-sandbox.js";
import { runCli, tempScript } from "./run-cli.js";

// Output through a pipe used to stop at 64 KiB: process.exit ran before Node had handed a
// pipe the rest of what was written (`nsnet plan --format json FILE | wc -c` gave 65536).
// These run the built CLI with its stdout and stderr on kernel pipes, read slowly.
const KiB = 1024;

const BIG = `bridge br0 < addr 10.0.0.1/16 >
pool p 10.0.0.0/16
for i in 1..800 < ns node$i < veth to br0; addr auto from p > >
`;
// 250 host addresses written without a prefix, each on its own line: one warning each
const WARNS = Array.from({ length: 250 }, (_, i) => `ns w${i} < veth pair; addr 192.0.2.${i + 1} >\n`).join("");

describe("large output through a pipe arrives whole", () => {
  it("graph: every byte of a 140 KB picture, ending where the picture ends", async () => {
    const f = tempScript("big.nsnet", BIG);
    const want = toText(compileFile(f).addressed!);
    expect(want.length).toBeGreaterThan(100 * KiB);
    const r = await runCli(["graph", f], { pipe: true });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.length).toBe(want.length);
    expect(r.stdout).toBe(want);
  });

  it("check --json on stdout and check's diagnostics on stderr, both over 64 KiB", async () => {
    const f = tempScript("warns.nsnet", WARNS);
    const json = await runCli(["check", "--json", f], { pipe: true });
    expect(json.code).toBe(0);
    expect(json.stdout.length).toBeGreaterThan(64 * KiB);
    expect(JSON.parse(json.stdout).diagnostics).toHaveLength(250);
    const text = await runCli(["check", f], { pipe: true });
    expect(text.stderr.length).toBeGreaterThan(64 * KiB);
    expect(text.stderr.trimEnd().split("\n").pop()).toMatch(/warns\.nsnet: ok \(0 error\(s\), 250 warning\(s\)\)$/);
  });

  it("fmt: its diagnostics and its --check report (both on stderr) are the same bytes through a pipe as written to a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-cli-"));
    // 60 unknown statements on long lines: each diagnostic quotes its line (about 150 KB in all)
    const bad = join(dir, "bad.nsnet");
    writeFileSync(bad, Array.from({ length: 60 }, (_, i) => `nss h${i} ${"x".repeat(3000)}\n`).join(""));
    // 400 unformatted scripts with long names: one `FILE: not formatted` line each
    const files = Array.from({ length: 400 }, (_, i) => {
      const f = join(dir, `${"unformatted-".repeat(16)}${String(i).padStart(3, "0")}.nsnet`);
      writeFileSync(f, `ns   h${i}\n`);
      return f;
    });
    for (const args of [
      ["fmt", bad],
      ["fmt", "--check", ...files],
    ]) {
      const errFile = join(dir, "err.txt");
      const fd = openSync(errFile, "w");
      const toFile = spawnSync(process.execPath, [CLI, ...args], { stdio: ["ignore", "ignore", fd], env: { NO_COLOR: "1" } });
      closeSync(fd);
      expect(toFile.status).toBe(1);
      const written = readFileSync(errFile, "utf8");
      expect(written.length).toBeGreaterThan(64 * KiB);
      const piped = await runCli(args, { pipe: true });
      expect(piped.code).toBe(1);
      expect(piped.stderr.length).toBe(written.length);
      expect(piped.stderr).toBe(written);
    }
  });

  it("a reader that closes early ends nsnet quietly (no EPIPE stack trace)", async () => {
    const f = tempScript("big.nsnet", BIG);
    const { execa } = await import("execa");
    const { CLI } = await import("../kernel/cli-sandbox.js");
    const child = execa(process.execPath, [CLI, "graph", f], { reject: false, buffer: { stdout: false } });
    child.stdout!.once("data", () => child.stdout!.destroy());
    const r = await child;
    expect(String(r.stderr)).not.toMatch(/EPIPE|internal error/);
  });
});
