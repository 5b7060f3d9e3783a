import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";
import { expectGolden } from "../golden.js";

/**
 * What a user reads: representative scripts through the real pipeline (parse → expand →
 * allocate → check, `use` through the file loader), rendered without colour. A doubled
 * help/hint, a cascade or a caret in the wrong column shows up as a diff here.
 * test/diagnostics/golden/NAME.nsnet → NAME.out (UPDATE_GOLDEN=1 rewrites; review the diff).
 */
const dir = new URL("./golden/", import.meta.url);
const scripts = readdirSync(dir)
  .filter((f) => f.endsWith(".nsnet"))
  .sort();

describe("rendered diagnostics, golden", () => {
  it("has scripts", () => expect(scripts.length).toBeGreaterThanOrEqual(5));
  for (const f of scripts) {
    it(f, () => {
      const c = compileWithFsLoader(readFileSync(new URL(f, dir), "utf8"), f);
      expect(c.diagnostics.length).toBeGreaterThan(0);
      expectGolden(new URL(f.replace(/\.nsnet$/, ".out"), dir), renderDiagnostics(c.diagnostics, { sources: c.sources, color: false }));
    });
  }
});
