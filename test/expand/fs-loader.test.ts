import { describe, it, expect } from "vitest";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeFsLoader, resolveUsePath, STDLIB_DIR } from "../../src/expand/fs-loader.js";
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
