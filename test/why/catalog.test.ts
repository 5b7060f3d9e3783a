import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { whyCodes } from "../../src/diagnostics/codes/why.js";
import { whyOfExample } from "./example.js";

/** Every NS6xx example is a script that checks clean and whose first `expect A reaches B`
 *  `why` explains with exactly that code (the coverage test counts these, producers.ts). */
describe("NS6xx catalog examples through why", () => {
  for (const c of whyCodes) {
    it(`${c.code}: its example checks clean and why gives ${c.code}`, () => {
      const compiled = compileWithFsLoader(`${c.example}\n`, "example.nsnet");
      expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(whyOfExample(c.example).map((d) => d.code)).toEqual([c.code]);
    });
  }
});
