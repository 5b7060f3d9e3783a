import { describe, it, expect } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { format, formatSource } from "../../src/fmt/format.js";
import { corpusFiles, readSource } from "./corpus.js";
import { stripSpans } from "./strip.js";

const commentTexts = (cs: { text: string }[] | undefined) => (cs ?? []).map((c) => c.text.replace(/\s+$/, "").replace(/^#?/, "#"));

// Over every example, valid fixture and golden input: formatting is a fixed point, keeps
// the tree (modulo spans) and keeps every comment, in order.
describe("round trip", () => {
  for (const file of corpusFiles) {
    it(file, () => {
      const src = readSource(file);
      const first = parse(src, file);
      expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const out = format(first.script, first.comments);

      const second = parse(out, file);
      expect(second.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      expect(stripSpans(second.script)).toEqual(stripSpans(first.script));
      expect(commentTexts(second.comments)).toEqual(commentTexts(first.comments));

      expect(format(second.script, second.comments)).toBe(out);
      expect(formatSource(out, file).output).toBe(out);
    });
  }
});

describe("formatSource", () => {
  it("refuses text with syntax errors and returns it unchanged", () => {
    const bad = "ns a < veth pair\nuplink eth0\n";
    const { output, diagnostics } = formatSource(bad, "bad.nsnet");
    expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(output).toBe(bad);
  });
});
