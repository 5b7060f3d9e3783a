import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../../src/syntax/parse.js";
import { syntaxCodes } from "../../src/diagnostics/codes/syntax.js";

const root = join(import.meta.dirname, "../fixtures/syntax");
const files = (dir: string) => readdirSync(join(root, dir)).filter((f) => f.endsWith(".nsnet"));

describe("valid fixtures parse with no diagnostics", () => {
  for (const f of files("valid")) {
    it(f, () => {
      const { script, diagnostics } = parse(readFileSync(join(root, "valid", f), "utf8"), f);
      expect(diagnostics.map((d) => `${d.span.start.line}:${d.span.start.column} ${d.code} ${d.message}`)).toEqual([]);
      expect(script.body.length).toBeGreaterThan(0);
    });
  }
});

describe("invalid fixtures report exactly the expected codes and positions", () => {
  const seen = new Set<string>();
  for (const f of files("invalid")) {
    it(f, () => {
      const text = readFileSync(join(root, "invalid", f), "utf8");
      const expected = [...text.matchAll(/^# expect: (NS\d{3}) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
      expect(expected.length).toBeGreaterThan(0);
      const { diagnostics } = parse(text, f);
      const actual = diagnostics.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`);
      expect(actual).toEqual(expected);
      for (const e of expected) seen.add(e.slice(0, 5));
    });
  }
  it("every syntax code has an invalid fixture", () => {
    const all = files("invalid").flatMap((f) => [...readFileSync(join(root, "invalid", f), "utf8").matchAll(/^# expect: (NS\d{3})/gm)].map((m) => m[1]));
    for (const c of syntaxCodes) expect(all, c.code).toContain(c.code);
  });
});
