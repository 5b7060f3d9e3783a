import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/check.js";
import { hasErrors } from "../../src/diagnostics/diagnostic.js";
import { expand } from "../../src/expand/expand.js";
import { makeFsLoader } from "../../src/expand/fs-loader.js";
import { allocate, emptySnapshot } from "../../src/ipam/index.js";
import { parse } from "../../src/syntax/parse.js";

/** docs/architecture.md §12: every teaching example passes the checker, before and after allocation. */
const dir = fileURLToPath(new URL("../../examples/", import.meta.url));
const examples = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith(".nsnet"))
      .sort()
  : [];

describe("examples pass the checker", () => {
  it("there are examples", () => expect(examples.length).toBeGreaterThanOrEqual(6));
  for (const f of examples) {
    it(f, () => {
      const path = dir + f;
      const p = parse(readFileSync(path, "utf8"), path);
      const x = expand(p.script, { file: path, load: makeFsLoader(parse) });
      expect([...p.diagnostics, ...x.diagnostics].filter((d) => d.severity === "error")).toEqual([]);
      const before = check(x.topology);
      const a = allocate(x.topology, emptySnapshot());
      expect(a.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
      const after = check(a.topology);
      const show = (ds: typeof before) => ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`);
      expect(hasErrors(before), show(before).join("\n")).toBe(false);
      expect(
        show(after).filter((s) => !show(before).includes(s)),
        "new findings after allocation",
      ).toEqual([]);
      expect(hasErrors(after)).toBe(false);
    });
  }
});
