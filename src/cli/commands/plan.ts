import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics, say } from "../output.js";
import { loadAllocations, planUp } from "../../engine/up.js";
import { planOffline } from "../../engine/offline.js";
import { formatPlan } from "../../plan/format.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";

const FORMATS = new Set(["text", "sh", "json"]);
type Format = "text" | "sh" | "json";

/**
 * `nsnet plan FILE [--format text|sh|json] [--explain] [--offline]`: what `up` would do
 * now — or, `--offline`, on an empty machine (src/engine/offline.ts), reading nothing here.
 */
export async function runPlan(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const format = (inv.flags.format as string | undefined) ?? (inv.global.json ? "json" : "text");
  if (!FORMATS.has(format)) throw new UsageError(`unknown --format ${format} (text, sh or json)`);
  if (inv.flags.offline === true) return planOfflineCommand(inv, file, format as Format);
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
  process.stdout.write(
    formatPlan(planned.ops, { format: format as "text" | "sh" | "json", explain: inv.flags.explain === true, reasons: true, listMarks: inv.global.verbose }),
  );
  if (format === "text" && planned.ops.length === 0) say(inv.global, "nothing to do: the kernel already matches the script (0 ops)");
  return EXIT.ok;
}

/** `plan --offline`: no kernel, no state, no allocation store — the script against an empty
 *  machine, as `up` in a fresh `nsnet sandbox` would start from. */
function planOfflineCommand(inv: Invocation, file: string, format: Format): number {
  for (const flag of ["state-dir", "pool-file"]) {
    if (inv.flags[flag] !== undefined) throw new UsageError(`--offline reads no state: --${flag} has nothing to do`);
  }
  const { project } = engineOptions(inv.global, file);
  const compiled = compileFile(file);
  if (!compiled.ok || !compiled.addressed) {
    printDiagnostics(compiled.diagnostics, compiled.sources, { ...inv.global, json: false });
    return EXIT.checkErrors;
  }
  const planned = planOffline(compiled.addressed, project);
  printDiagnostics([...compiled.diagnostics, ...planned.diagnostics], compiled.sources, { ...inv.global, json: false });
  if (hasErrors(planned.diagnostics)) return EXIT.checkErrors;
  process.stdout.write(formatPlan(planned.ops, { format, explain: inv.flags.explain === true, reasons: true, listMarks: inv.global.verbose }));
  if (format === "text") say(inv.global, "(--offline: on an empty machine with the script's uplinks; nothing on this one was read)");
  return EXIT.ok;
}
