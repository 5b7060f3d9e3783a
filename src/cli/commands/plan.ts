import type { Invocation } from "../cli.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics, say } from "../output.js";
import { loadAllocations, planUp } from "../../engine/up.js";
import { formatPlan } from "../../plan/format.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";

const FORMATS = new Set(["text", "sh", "json"]);

/** `nsnet plan FILE [--format text|sh|json] [--explain]`: what `up` would do now. */
export async function runPlan(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const format = (inv.flags.format as string | undefined) ?? (inv.global.json ? "json" : "text");
  if (!FORMATS.has(format)) throw new UsageError(`unknown --format ${format} (text, sh or json)`);
  const opts = engineOptions(inv.global, file);
  const compiled = compileFile(file, { allocations: await loadAllocations(opts) });
  if (!compiled.ok) {
    printDiagnostics(compiled.diagnostics, compiled.sources, { ...inv.global, json: false });
    return EXIT.checkErrors;
  }
  const planned = await planUp(compiled, opts);
  const diags = [...compiled.diagnostics, ...planned.diagnostics];
  printDiagnostics(diags, compiled.sources, { ...inv.global, json: false });
  if (hasErrors(planned.diagnostics)) return EXIT.checkErrors;
  process.stdout.write(formatPlan(planned.ops, { format: format as "text" | "sh" | "json", explain: inv.flags.explain === true }));
  if (format === "text" && planned.ops.length === 0) say(inv.global, "nothing to do: the kernel already matches the script (0 ops)");
  return EXIT.ok;
}
