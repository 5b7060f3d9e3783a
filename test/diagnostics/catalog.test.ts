import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalog, codeInfo, diag, type Params } from "../../src/diagnostics/codes.js";
import { noSpan } from "../../src/model/span.js";

const testRoot = fileURLToPath(new URL("..", import.meta.url));
const self = fileURLToPath(import.meta.url);

/** Every test source and fixture under test/ except this file. */
function testTexts(dir: string, out: { path: string; text: string }[] = []): { path: string; text: string }[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) testTexts(p, out);
    else if (p !== self && /\.(ts|nsnet|json|txt|out)$/.test(name)) out.push({ path: relative(testRoot, p), text: readFileSync(p, "utf8") });
  }
  return out;
}

describe("diagnostic catalog", () => {
  it("has unique, well-formed codes in the right range for their severity", () => {
    const seen = new Set<string>();
    for (const c of catalog) {
      expect(c.code).toMatch(/^NS[1-5]\d\d$/);
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

  it("covers every code by a fixture `# expect:` line or a test", () => {
    const texts = testTexts(testRoot);
    const uncovered = catalog.filter((c) => !texts.some((t) => new RegExp(`\\b${c.code}\\b`).test(t.text))).map((c) => c.code);
    expect(uncovered, "codes no fixture or test mentions").toEqual([]);
  });
});
