import { describe, expect, it } from "vitest";
import { catalog } from "../../src/diagnostics/codes.js";
import { NO_FIX, cases, compile, fixed, show } from "./hint-cases.js";

/**
 * Issue 22, item 3: a hint that suggests a fix is held to it. Each case (hint-cases.ts)
 * takes a script with the finding, does what the hint (or the suggestion) says — the
 * snippet is read from the diagnostic itself, so a hint that changes must still work — and
 * the result checks clean: no error and no warning at all. NS316 and NS319 are also applied
 * in a sandbox (test/kernel/hint-fixes.test.ts).
 */
describe("every fix a checker hint suggests makes the script check clean", () => {
  for (const c of cases) {
    it(c.name, () => {
      const text = fixed(c);
      expect(show(compile(text)), text).toBe("");
    });
  }

  it("covers every NS3xx code (or says why its hint names no fix)", () => {
    const covered = new Set(cases.map((c) => c.code));
    const missing = catalog.filter((c) => /^NS3/.test(c.code) && !covered.has(c.code) && !(c.code in NO_FIX)).map((c) => c.code);
    expect(missing).toEqual([]);
  });
});
