import { compileWithFsLoader } from "../../src/cli/compile-file.js";
import type { Diagnostic } from "../../src/diagnostics/diagnostic.js";
import { why } from "../../src/why/index.js";

/** The finding `why` gives for a catalog example's first `expect A reaches B` (none when it passes). */
export function whyOfExample(example: string): Diagnostic[] {
  const c = compileWithFsLoader(`${example}\n`, "example.nsnet");
  const e = c.addressed?.expects.find((x) => x.kind === "reach");
  if (!c.addressed || !e || e.kind !== "reach") return [];
  const r = why(c.addressed, e.from, e.to);
  return typeof r === "string" || !r.finding ? [] : [r.finding];
}
