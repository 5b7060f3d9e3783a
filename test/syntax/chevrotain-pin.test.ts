import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * nsnet leans on chevrotain's internals: its TokenScanner (src/syntax/lexer.ts) runs
 * chevrotain's lexing loop over token types without chevrotain's Lexer, and the bundle
 * (scripts/bundle.mjs) aliases `chevrotain` to lib/chevrotain.min.mjs, a file the package
 * does not export. A minor or patch release may change either, so the dependency is pinned
 * exactly: an upgrade is a deliberate edit, run against the lexer's and parser's
 * equivalence tests, never what `npm install` happens to resolve.
 */
interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  packages?: Record<string, Manifest>;
}
const json = (p: string) => JSON.parse(readFileSync(new URL(`../../${p}`, import.meta.url), "utf8")) as Manifest;

describe("chevrotain is pinned exactly", () => {
  const wanted = json("package.json").dependencies?.chevrotain;
  it("package.json names one version, no range", () => {
    expect(wanted).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("the lock file's root asks for the same, and it is the version installed", () => {
    const lock = json("package-lock.json").packages ?? {};
    expect(lock[""]?.dependencies?.chevrotain).toBe(wanted);
    expect(lock["node_modules/chevrotain"]?.version).toBe(wanted);
    expect(json("node_modules/chevrotain/package.json").version).toBe(wanted);
  });
  it("the prebuilt file the bundle aliases is there in that release", () => {
    expect(readFileSync(new URL("../../node_modules/chevrotain/lib/chevrotain.min.mjs", import.meta.url)).length).toBeGreaterThan(50_000);
  });
});
