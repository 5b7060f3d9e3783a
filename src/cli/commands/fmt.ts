import { writeFileSync, renameSync } from "node:fs";
import { readScriptFile } from "../../expand/fs-loader.js";
import type { Invocation } from "../invocation.js";
import { EXIT, FileError, UsageError } from "../exit-codes.js";
import { printDiagnostics, say } from "../output.js";
import { formatSource } from "../../fmt/format.js";
import { hasErrors } from "../../diagnostics/diagnostic.js";

/** `nsnet fmt FILE… [--check]`: canonical layout; --check reports instead of writing. */
export async function runFmt(inv: Invocation): Promise<number> {
  if (inv.args.length === 0) throw new UsageError("no FILE given");
  let status: number = EXIT.ok;
  for (const file of inv.args) {
    let text: string;
    try {
      text = readScriptFile(file);
    } catch (e) {
      throw new FileError(file, e);
    }
    const { output, diagnostics } = formatSource(text, file);
    if (hasErrors(diagnostics)) {
      printDiagnostics(diagnostics, new Map([[file, text]]), inv.global);
      status = EXIT.checkErrors;
      continue;
    }
    if (output === text) continue;
    if (inv.flags.check) {
      say(inv.global, `${file}: not formatted`);
      status = EXIT.checkErrors;
    } else {
      const tmp = `${file}.nsnet-fmt.tmp`;
      writeFileSync(tmp, output);
      renameSync(tmp, file);
      say(inv.global, `${file}: formatted`);
    }
  }
  return status;
}
