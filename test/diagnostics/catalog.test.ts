import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalog, codeInfo, diag, type Params } from "../../src/diagnostics/codes.js";
import { noSpan } from "../../src/model/span.js";
import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";

describe("diagnostic catalog", () => {
  it("has unique, well-formed codes in the right range for their severity", () => {
    const seen = new Set<string>();
    for (const c of catalog) {
      expect(c.code).toMatch(/^NS[1-6]\d\d$/);
      expect(seen.has(c.code), `${c.code} twice`).toBe(false);
      seen.add(c.code);
      expect(["error", "warning", "info"]).toContain(c.severity);
      expect(c.message.trim(), c.code).not.toBe("");
      expect(c.explanation.trim(), c.code).not.toBe("");
      expect(c.explanation, `${c.code}: one line`).not.toContain("\n");
      expect(c.example.trim(), c.code).not.toBe("");
    }
  });

  it("fills every placeholder of a message from params", () => {
    for (const c of catalog) {
      const names = [...c.message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const d = diag(c.code, noSpan(), Object.fromEntries(names.map((n) => [n, "X"])) as Params<typeof c.code>);
      expect(d.message, c.code).not.toMatch(/\{\w+\}/);
      expect(codeInfo(c.code)).toBe(c);
    }
  });

  // coverage: every code must be produced, not merely mentioned (coverage.test.ts)
});

/**
 * Codes the front half (parse → expand → allocate → check) cannot show from an example alone:
 * live state and planning need a kernel, NS412 and NS415 a previous run; the rest are second lines of
 * defence whose example an earlier phase reports first.
 */
const NOT_FROM_AN_EXAMPLE: Record<string, string> = {
  NS300: "a bug in a validator",
  NS311: "NS105 reports the address first",
  NS321: "NS216 reports the port first",
  NS326: "NS216 reports the vlan id first",
  NS402: "NS209 reports the CIDR first",
  NS406: "NS105 reports the address first",
  NS408: "the checker's NS306 says the same at the same token, and one of them is shown",
  NS412: "needs the allocations of a previous run",
  NS415: "needs the allocations of a previous run",
  NS114: "needs half a million tokens in one file: test/property/limits.test.ts shows it, at the default and fuzzed around a small limit",
};
const needsLive = (code: string) => /^NS5/.test(code);
/** NS6xx come from `why`, not the front half: test/why/catalog.test.ts runs their examples */
const fromWhy = (code: string) => /^NS6/.test(code);
/** NS24x come from the importers (their examples are LXC configs): test/import/importers.test.ts runs them */
const fromImport = (code: string) => /^NS24\d$/.test(code);

describe("catalog examples through the real pipeline", () => {
  const compiled = catalog.map((c) => ({ c, r: compileWithFsLoader(c.example + "\n", "example.nsnet") }));

  it("each example shows its code", () => {
    const missing = compiled
      .filter(({ c }) => !needsLive(c.code) && !fromWhy(c.code) && !fromImport(c.code) && !(c.code in NOT_FROM_AN_EXAMPLE))
      .filter(({ c, r }) => !r.diagnostics.some((d) => d.code === c.code))
      .map(({ c, r }) => `${c.code}: ${JSON.stringify(c.example)} gives ${r.diagnostics.map((d) => d.code).join(", ") || "nothing"}`);
    expect(missing).toEqual([]);
  });

  it('suggestions are rendered once: no hint says "did you mean", no diagnostic says it twice', () => {
    for (const { c, r } of compiled) {
      for (const d of r.diagnostics) {
        expect(d.hint ?? "", `${c.code} example: ${d.code} hint`).not.toMatch(/did you mean/i);
        const text = renderDiagnostics([d], { sources: r.sources, color: false });
        expect(text.match(/did you mean/gi)?.length ?? 0, text).toBeLessThanOrEqual(1);
      }
    }
  });

  it('no message, explanation or hint in the sources says "did you mean" (suggestions carry it)', () => {
    for (const c of catalog) expect(`${c.message} ${c.explanation}`, c.code).not.toMatch(/did you mean/i);
    const src = fileURLToPath(new URL("../../src/", import.meta.url));
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts"))
          readFileSync(p, "utf8")
            .split("\n")
            .forEach((line, i) => {
              if (/\bhint\s*[:=].*did you mean/i.test(line)) offenders.push(`${relative(src, p)}:${i + 1}`);
            });
      }
    };
    walk(src);
    expect(offenders).toEqual([]);
  });
});
