import { describe, it, expect } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_SCRIPT_BYTES, makeFsLoader, readScriptFile, resolveUsePath, ScriptFileError, STDLIB_DIR } from "../../src/expand/fs-loader.js";
import { compileFile } from "../../src/cli/compile-file.js";
import { FileError } from "../../src/cli/exit-codes.js";
import type { Script } from "../../src/ast/nodes.js";

const fakeParse = (text: string, file: string) => ({
  script: { type: "Script", body: [], span: { file, start: { offset: 0, line: 1, column: 1 }, end: { offset: text.length, line: 1, column: 1 } } } as Script,
  diagnostics: [],
});

describe("fs loader", () => {
  it("finds the repository's stdlib from the module's location", () => {
    expect(existsSync(join(STDLIB_DIR, "routed.nsnet"))).toBe(true);
    expect(resolveUsePath("stdlib/routed", "/x/y.nsnet")).toBe(join(STDLIB_DIR, "routed.nsnet"));
    expect(resolveUsePath("stdlib/routed.nsnet", "/x/y.nsnet")).toBe(join(STDLIB_DIR, "routed.nsnet"));
  });
  it("resolves other paths against the using file", () => {
    expect(resolveUsePath("lib/a.nsnet", "/srv/net/main.nsnet")).toBe("/srv/net/lib/a.nsnet");
    expect(resolveUsePath("/abs/a.nsnet", "/srv/net/main.nsnet")).toBe("/abs/a.nsnet");
    expect(resolveUsePath("a.nsnet", "<stdin>")).toBe(join(process.cwd(), "a.nsnet"));
  });
  it("reads and parses the file, or says where it looked", () => {
    const dir = mkdtempSync(join(tmpdir(), "nsnet-use-"));
    writeFileSync(join(dir, "lib.nsnet"), "def f() < >\n");
    const load = makeFsLoader(fakeParse);
    const ok = load("lib.nsnet", join(dir, "main.nsnet"));
    expect(ok).toMatchObject({ file: join(dir, "lib.nsnet"), script: { type: "Script" } });
    const missing = load("nope.nsnet", join(dir, "main.nsnet"));
    expect(missing).toEqual({ error: `looked for ${join(dir, "nope.nsnet")}` });
  });
});

describe("what `use` refuses to read", () => {
  const dir = mkdtempSync(join(tmpdir(), "nsnet-use-"));
  const main = join(dir, "main.nsnet");
  /** The NS206 of `use "PATH"` through the real compiler: where it points, what it says. */
  function useOf(path: string) {
    writeFileSync(main, `ns a\nuse "${path}"\n`);
    const c = compileFile(main);
    expect(c.diagnostics.map((d) => `${d.code}@${d.span.start.line}:${d.span.start.column}`)).toEqual(["NS206@2:5"]);
    return c.diagnostics[0]!;
  }

  it("a file not ending in .nsnet (/etc/passwd), without reading it", () => {
    const d = useOf("/etc/passwd");
    expect(d.message).toBe("cannot use `/etc/passwd`: only files ending in .nsnet can be used");
    expect(JSON.stringify(d)).not.toContain("root:");
  });
  it("/dev/zero: refused by name, never read", () => {
    expect(useOf("/dev/zero").message).toContain("only files ending in .nsnet");
  });
  it("a device behind a .nsnet name: refused by stat, never opened", () => {
    symlinkSync("/dev/zero", join(dir, "zero.nsnet"));
    expect(useOf("zero.nsnet").message).toBe("cannot use `zero.nsnet`: it is a character device, not a regular file");
  });
  it("a FIFO behind a .nsnet name: no hang (opened non-blocking), refused", () => {
    execFileSync("mkfifo", [join(dir, "fifo.nsnet")]);
    expect(useOf("fifo.nsnet").message).toBe("cannot use `fifo.nsnet`: it is a FIFO, not a regular file");
  });
  it("a .nsnet symlink to a file that is no script (/etc/shadow's stand-in): refused before it is read, nothing of it shown", () => {
    const secret = join(dir, "shadow");
    writeFileSync(secret, "root:SECRET-HASH:19000:0:99999:7:::\n");
    symlinkSync(secret, join(dir, "shadow.nsnet"));
    const d = useOf("shadow.nsnet");
    expect(d.message).toBe(`cannot use \`shadow.nsnet\`: it leads to ${secret}, whose name does not end in .nsnet`);
    expect(JSON.stringify(d)).not.toContain("SECRET");
    // a chain of links ending at the file is the same
    symlinkSync(join(dir, "shadow.nsnet"), join(dir, "chain.nsnet"));
    expect(useOf("chain.nsnet").message).toContain("whose name does not end in .nsnet");
    expect(JSON.stringify(useOf("chain.nsnet"))).not.toContain("SECRET");
  });
  it("a .nsnet symlink to a .nsnet script is read (links are fine, when both names are scripts')", () => {
    writeFileSync(join(dir, "real.nsnet"), "ns b\n");
    symlinkSync(join(dir, "real.nsnet"), join(dir, "alias.nsnet"));
    expect(readScriptFile(join(dir, "alias.nsnet"), { used: true })).toBe("ns b\n");
  });
  it("a directory named .nsnet", () => {
    execFileSync("mkdir", [join(dir, "d.nsnet")]);
    expect(useOf("d.nsnet").message).toBe("cannot use `d.nsnet`: it is a directory");
  });
  it("a file over the size cap, used or main", () => {
    const big = join(dir, "big.nsnet");
    writeFileSync(big, "");
    truncateSync(big, MAX_SCRIPT_BYTES + 1);
    expect(useOf("big.nsnet").message).toBe("cannot use `big.nsnet`: it is larger than 8 MB, the most a script may be");
    expect(() => readScriptFile(big)).toThrow(ScriptFileError);
    let err: unknown;
    try {
      compileFile(big);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileError);
    expect((err as Error).message).toBe(`cannot read ${big}: it is larger than 8 MB, the most a script may be`);
  });
  it("the main file may be a pipe, but only up to the cap", () => {
    expect(() => readScriptFile("/dev/zero")).toThrow(/larger than 8 MB/);
  });
  it("{ regular }: any name, but only a regular file (a FIFO refused without blocking, a device refused)", () => {
    const named = join(dir, "lab.txt");
    writeFileSync(named, "ns a\n");
    expect(readScriptFile(named, { regular: true })).toBe("ns a\n");
    const fifo = join(dir, "plain-fifo");
    execFileSync("mkfifo", [fifo]);
    expect(() => readScriptFile(fifo, { regular: true })).toThrow(`cannot read ${fifo}: it is a FIFO, not a regular file`);
    expect(() => readScriptFile("/dev/zero", { regular: true })).toThrow("cannot read /dev/zero: it is a character device, not a regular file");
  });
  it("a regular .nsnet file at the cap is read", () => {
    const edge = join(dir, "edge.nsnet");
    writeFileSync(edge, "#".repeat(MAX_SCRIPT_BYTES));
    expect(readScriptFile(edge, { used: true })).toHaveLength(MAX_SCRIPT_BYTES);
  });
});
