import { describe, it, expect } from "vitest";
import { expectGolden } from "../golden.js";
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
      expectGolden(abs(expected), output);
      expect(formatSource(output, expected).output).toBe(output);
    });
  }
});
