import type { Invocation } from "../cli.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { printDiagnostics, say } from "../output.js";
import { diagnosticsToJson, summarize } from "../../diagnostics/render.js";
import { hasErrors, type Diagnostic } from "../../diagnostics/diagnostic.js";

/** `nsnet check FILE… [--json]`: parse → expand → allocate → check, no kernel access. */
export async function runCheck(inv: Invocation): Promise<number> {
  if (inv.args.length === 0) throw new UsageError("no FILE given");
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of inv.args) {
    const c = compileFile(file);
    for (const [f, t] of c.sources) sources.set(f, t);
    all.push(...c.diagnostics);
    if (!inv.global.json) {
      printDiagnostics(c.diagnostics, c.sources, inv.global);
      say(inv.global, `${file}: ${hasErrors(c.diagnostics) ? "failed" : "ok"} (${summarize(c.diagnostics)})`);
    }
  }
  if (inv.global.json) process.stdout.write(diagnosticsToJson(all));
  return hasErrors(all) ? EXIT.checkErrors : EXIT.ok;
}
