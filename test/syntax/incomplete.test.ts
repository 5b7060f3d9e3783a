import { describe, expect, it } from "vitest";
import { isIncomplete, parse } from "../../src/syntax/parse.js";

describe("isIncomplete", () => {
  it("is true inside an open block, an open string, or after a trailing backslash", () => {
    expect(isIncomplete("ns a <")).toBe(true);
    expect(isIncomplete("ns a <\n  veth pair\n")).toBe(true);
    expect(isIncomplete("ns a < bridge b <\n>")).toBe(true);
    expect(isIncomplete('exec a echo "hello')).toBe(true);
    expect(isIncomplete("uplink \\")).toBe(true);
    expect(isIncomplete("uplink \\\n")).toBe(true);
  });
  it("is false for complete text, and for < > \\ inside strings and comments", () => {
    expect(isIncomplete("")).toBe(false);
    expect(isIncomplete("ns a < veth pair >")).toBe(false);
    expect(isIncomplete('exec a echo "<"')).toBe(false);
    expect(isIncomplete("ns a # <")).toBe(false);
    expect(isIncomplete("ns a # ends with \\")).toBe(false);
    expect(isIncomplete('exec a echo "\\\\"')).toBe(false);
    expect(isIncomplete("ns a >")).toBe(false);
  });
});

// Speed is measured by scripts/bench (bench-check.mjs parses, expands and checks 10,000
// namespaces); here only that a large script parses completely and cleanly.
describe("large scripts", () => {
  it("parses a 10,000-namespace script completely", () => {
    const src = Array.from({ length: 10_000 }, (_, i) => `ns n${i} < veth to br0; addr auto from p >`).join("\n");
    const r = parse(src, "big.nsnet");
    expect(r.diagnostics).toEqual([]);
    expect(r.script.body).toHaveLength(10_000);
  });
  it("parses 10,000 interpolated names completely", () => {
    const src = Array.from({ length: 10_000 }, (_, i) => `ns n$i < veth \${ns}_v${i}; addr 10.0.\${i/256}.\${i%256}/16 >`).join("\n");
    const r = parse(src, "big.nsnet");
    expect(r.diagnostics).toEqual([]);
    expect(r.script.body).toHaveLength(10_000);
  });
});
