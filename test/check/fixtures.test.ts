import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { expand } from "../../src/expand/expand.js";
import { parse } from "../../src/syntax/parse.js";

/**
 * Fixtures from source: parse → expand → check. Each file lists what it must produce as
 * `# expect: CODE LINE:COL` lines (every phase's findings, exactly); fail/ fixtures show a
 * check firing, pass/ fixtures the near miss that must not (no errors at all).
 */
const dir = new URL("../fixtures/check/", import.meta.url);
function run(text: string, file: string): Diagnostic[] {
  const p = parse(text, file);
  if (p.diagnostics.some((d) => d.severity === "error")) return p.diagnostics;
  const x = expand(p.script, { file });
  return [...p.diagnostics, ...x.diagnostics, ...check(x.topology)];
}

function expected(text: string): string[] {
  return [...text.matchAll(/^#\s*expect:\s*(NS\d{3})\s+(\d+):(\d+)\s*$/gm)].map((m) => `${m[1]} ${m[2]}:${m[3]}`).sort();
}

const found = (ds: Diagnostic[]) => ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column}`).sort();

for (const kind of ["fail", "pass"] as const) {
  const files = readdirSync(new URL(`${kind}/`, dir))
    .filter((f) => f.endsWith(".nsnet"))
    .sort();
  describe(`check fixtures: ${kind}/`, () => {
    it("has fixtures", () => expect(files.length).toBeGreaterThan(10));
    for (const f of files) {
      it(f, () => {
        const text = readFileSync(new URL(`${kind}/${f}`, dir), "utf8");
        const want = expected(text);
        const ds = run(text, f);
        expect(found(ds), ds.map((d) => `${d.code} ${d.message}`).join("\n")).toEqual(want);
        if (kind === "fail") expect(want.some((w) => w.startsWith("NS3"))).toBe(true);
        else expect(ds.filter((d) => d.severity === "error")).toEqual([]);
      });
    }
  });
}
