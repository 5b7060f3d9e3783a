import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { expand } from "../../src/expand/expand.js";
import { DEFAULT_MAX_BLOCK_NESTING, DEFAULT_MAX_NAMESPACES, DEFAULT_MAX_STATEMENTS } from "../../src/expand/expansion.js";
import { formatSource } from "../../src/fmt/format.js";
import { parse } from "../../src/syntax/parse.js";
import { MAX_NESTING, MAX_TOKENS } from "../../src/syntax/limits.js";

/**
 * Size and depth are diagnostics, never crashes (issue 19, item 12): 100,000 nested `[` was a
 * RangeError (exit 70), 250,000 namespaces grew to 2.6 GB. Each limit is fuzzed on both sides:
 * at the limit every phase — parse, expand, allocate, check, and the formatter — runs to the
 * end; one past it, the one diagnostic says so and nothing throws.
 */
type Level = "list" | "paren" | "minus" | "interp" | "block";

/** An expression nested as `levels` says, outermost first. */
function nested(levels: readonly Level[]): string {
  let inner = "1";
  for (let i = levels.length - 1; i >= 0; i--) {
    switch (levels[i]) {
      case "list":
        inner = `[${inner}]`;
        break;
      case "paren":
        inner = `(${inner})`;
        break;
      case "minus":
        inner = `- ${inner}`;
        break;
      case "interp":
        inner = `"\${${inner}}"`;
        break;
    }
  }
  return inner;
}

/** A script whose deepest point is `levels` deep: `for` blocks outside, an expression inside. */
function script(levels: readonly Level[]): string {
  const blocks = levels.filter((l) => l === "block").length;
  const expr = levels.filter((l) => l !== "block");
  return `${"for i in 1..1 < ".repeat(blocks)}let x = ${nested(expr)}${" >".repeat(blocks)}\n`;
}

const codes = (text: string) => compileWithFsLoader(text, "deep.nsnet").diagnostics.map((d) => d.code);
const level = fc.constantFrom<Level>("list", "paren", "minus", "interp", "block");

describe("nesting depth", () => {
  it.each<Level>(["list", "paren", "minus", "interp", "block"])(`%s: ${MAX_NESTING} levels compile and format, one more is NS113`, (kind) => {
    const ok = script(Array(MAX_NESTING).fill(kind));
    expect(codes(ok)).not.toContain("NS113");
    expect(() => formatSource(ok, "deep.nsnet")).not.toThrow();
    expect(codes(script(Array(MAX_NESTING + 1).fill(kind)))).toContain("NS113");
  });

  it("any mix of kinds up to the limit runs through every phase; past it, NS113 and no throw", () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: MAX_NESTING - 5, maxLength: MAX_NESTING + 5 }), (levels) => {
        const text = script(levels);
        const found = codes(text);
        expect(found.includes("NS113")).toBe(levels.length > MAX_NESTING);
        if (levels.length <= MAX_NESTING) expect(() => formatSource(text, "deep.nsnet")).not.toThrow();
      }),
      { numRuns: 60 },
    );
  });

  it("what crashed the process is NS113: 100,000 nested `[`, `(`, `-`, strings in `${…}` and blocks", () => {
    for (const kind of ["list", "paren", "minus", "interp", "block"] as const) {
      // (100,000 `for` blocks are 700,000 tokens, NS114: 50,000 stay under that limit)
      const text = kind === "interp" ? `let x = ${nested(Array(20_000).fill(kind))}\n` : script(Array(kind === "block" ? 50_000 : 100_000).fill(kind));
      const d = parse(text, "deep.nsnet").diagnostics;
      expect(
        d.map((x) => x.code),
        kind,
      ).toEqual(["NS113"]);
    }
  });

  it("the diagnostic points at the first token past the limit", () => {
    const text = `let x = ${"[".repeat(MAX_NESTING + 1)}${"]".repeat(MAX_NESTING + 1)}\n`;
    const [d] = parse(text, "deep.nsnet").diagnostics;
    expect(d?.code).toBe("NS113");
    expect(d?.span.start.column).toBe("let x = ".length + MAX_NESTING + 1);
  });
});

describe("tokens per file", () => {
  it("at most maxTokens parse; one more is NS114 at the first token too many (fuzzed around a small limit)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: -4, max: 4 }), (limit, delta) => {
        // `ns nI` + newline: 3 tokens a line
        const lines = Math.max(0, Math.floor((limit + delta) / 3));
        const text = Array.from({ length: lines }, (_, i) => `ns n${i}\n`).join("");
        const d = parse(text, "big.nsnet", { maxTokens: limit }).diagnostics.map((x) => x.code);
        expect(d.includes("NS114")).toBe(lines * 3 > limit);
      }),
      { numRuns: 200 },
    );
  });

  it(`the default: ${MAX_TOKENS.toLocaleString("en-US")} tokens (a file of 170,000 statements is refused before it is parsed)`, () => {
    const text = "ns a\n".repeat(Math.ceil(MAX_TOKENS / 3) + 10);
    const t0 = performance.now();
    const d = parse(text, "big.nsnet").diagnostics;
    expect(d.map((x) => x.code)).toEqual(["NS114"]);
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});

describe("namespaces and statements per script", () => {
  const expanded = (text: string, limits: { maxNamespaces?: number; maxStatements?: number }) =>
    expand(parse(text, "n.nsnet").script, { file: "n.nsnet", limits }).diagnostics.map((d) => d.code);

  it("maxNamespaces namespaces expand; one more is NS230, and expansion stops there (fuzzed)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), (limit, delta, loop) => {
        const n = Math.max(0, limit + delta);
        const text = loop ? `for i in 1..${n} < ns n\${i} >\nns after\n` : `${Array.from({ length: n }, (_, i) => `ns n${i}\n`).join("")}ns after\n`;
        const d = expanded(text, { maxNamespaces: limit });
        // `after` is one more: it is the one refused when n == limit
        expect(d.includes("NS230")).toBe(n + 1 > limit);
        expect(d.filter((c) => c === "NS230")).toHaveLength(n + 1 > limit ? 1 : 0);
      }),
      { numRuns: 200 },
    );
  });

  it("definitions that call each other twice per level stop at maxStatements with NS231 (fuzzed)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 10, max: 3000 }), (levels, limit) => {
        let text = "def f0() < let a = 1 >\n";
        for (let i = 1; i <= levels; i++) text += `def f${i}() < f${i - 1}(); f${i - 1}() >\n`;
        text += `f${levels}()\n`;
        // the defs, the call, and 2^levels calls of f0 each with its body: all statements run
        const run = levels + 1 + 1 + (2 ** (levels + 1) - 2) + 2 ** levels;
        expect(expanded(text, { maxStatements: limit }).includes("NS231")).toBe(run > limit);
      }),
      { numRuns: 200 },
    );
  });

  it("blocks nested through calls stop at maxBlockNesting with NS232, never a stack overflow (fuzzed at the default)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 63 }), fc.integer({ min: 0, max: 98 }), (calls, blocks) => {
        let text = "def f0() < ns a >\n";
        for (let i = 1; i <= calls; i++) text += `def f${i}() < ${"for j in 1..1 < ".repeat(blocks)}f${i - 1}()${" >".repeat(blocks)} >\n`;
        text += `f${calls}()\n`;
        // the script's own block, then per call its body and its loops, then f0's body
        const needed = 1 + calls * (1 + blocks) + 1;
        const found = codes(text);
        expect(found.includes("NS232")).toBe(needed > DEFAULT_MAX_BLOCK_NESTING);
      }),
      { numRuns: 40 },
    );
  });

  it(`the defaults: ${DEFAULT_MAX_NAMESPACES.toLocaleString("en-US")} namespaces and ${DEFAULT_MAX_STATEMENTS.toLocaleString("en-US")} statements`, () => {
    expect(expanded(`for i in 1..${DEFAULT_MAX_NAMESPACES + 1} < ns n\${i} >\n`, {})).toEqual(["NS230"]);
    let text = "def f0() < let a = 1 >\n";
    for (let i = 1; i <= 20; i++) text += `def f${i}() < f${i - 1}(); f${i - 1}() >\n`;
    expect(expanded(`${text}f20()\n`, {})).toEqual(["NS231"]);
  });
});

describe("fixtures (test/fixtures/limits/): each limit's diagnostic, exactly where it says", () => {
  const dir = new URL("../fixtures/limits/", import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".nsnet"))) {
    it(f, () => {
      const text = readFileSync(new URL(f, dir), "utf8");
      const want = [...text.matchAll(/^# expect: (NS\d{3}) (\d+):(\d+)$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`);
      const p = parse(text, f);
      const x = expand(p.script, { file: f });
      expect([...p.diagnostics, ...x.diagnostics].map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`)).toEqual(want);
    });
  }
});
