import { describe, it, expect } from "vitest";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { formatSource } from "../../src/fmt/format.js";
import { abs, goldenInputs, readSource } from "./corpus.js";

// test/fmt/golden/NAME.in.nsnet → NAME.out.nsnet. Regenerate with UPDATE_GOLDEN=1 and
// review the diff: the .out files are the formatter's specification by example.
describe("golden", () => {
  it("has inputs", () => expect(goldenInputs.length).toBeGreaterThanOrEqual(4));

  for (const input of goldenInputs) {
    const expected = input.replace(/\.in\.nsnet$/, ".out.nsnet");
    it(input, () => {
      const { output, diagnostics } = formatSource(readSource(input), input);
      expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      if (process.env.UPDATE_GOLDEN) writeFileSync(abs(expected), output);
      expect(existsSync(abs(expected)), `${expected} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
      expect(output).toBe(readFileSync(abs(expected), "utf8"));
      expect(formatSource(output, expected).output).toBe(output);
    });
  }
});
