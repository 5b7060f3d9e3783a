import { describe, it, expect } from "vitest";
import { existsSync, lstatSync, mkdtempSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/run-cli.js";

/** `nsnet cni install DIR` links nsnet into a runtime's plugin directory; it creates none. */
describe("nsnet cni install", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-cni-install-"));

  it("refuses a directory that does not exist (exit 2), and creates nothing", async () => {
    const missing = join(dir, "no/such/dir");
    const r = await runCli(["cni", "install", missing]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${missing} does not exist`);
    expect(r.stderr).toContain("nsnet creates no directory");
    expect(existsSync(join(dir, "no"))).toBe(false);
  });

  it("refuses a path that is not a directory", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "");
    const r = await runCli(["cni", "install", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file} is not a directory`);
  });

  it("links nsnet into an existing directory, and again changes nothing", async () => {
    const bin = mkdtempSync(join(tmpdir(), "nsnet-cni-bin-"));
    const first = await runCli(["cni", "install", bin]);
    expect(first.code, first.stderr).toBe(0);
    expect(lstatSync(join(bin, "nsnet")).isSymbolicLink()).toBe(true);
    const target = readlinkSync(join(bin, "nsnet"));
    const again = await runCli(["cni", "install", bin]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already there");
    expect(readlinkSync(join(bin, "nsnet"))).toBe(target);
  });
});
