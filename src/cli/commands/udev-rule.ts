import { isAbsolute, resolve } from "node:path";
import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { printDiagnostics } from "../output.js";
import { RuleError, udevRules } from "../../hook/udev-rule.js";
import { entryPath } from "../entry-path.js";

/** `nsnet udev-rule FILE [--bin PATH]`: the rules file that runs `nsnet hook FILE`. */
export async function runUdevRule(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const bin = typeof inv.flags.bin === "string" ? inv.flags.bin : entryPath();
  if (!isAbsolute(bin)) throw new UsageError(`--bin ${bin}: udev has no PATH, give an absolute path`);
  const compiled = compileFile(file);
  if (!compiled.ok || !compiled.addressed) {
    printDiagnostics(compiled.diagnostics, compiled.sources, { ...inv.global, json: false });
    return EXIT.checkErrors;
  }
  const g = inv.global;
  const args = [...(g.project ? ["--project", g.project] : []), ...(g.stateDir ? ["--state-dir", resolve(g.stateDir)] : [])];
  // resolved as the hook resolves it, so the rule's events belong to `nsnet up FILE`'s project
  const abs = resolve(file);
  try {
    process.stdout.write(udevRules(compiled.addressed, { bin, file: abs, args }));
  } catch (e) {
    if (e instanceof RuleError) throw new UsageError(e.message);
    throw e;
  }
  return EXIT.ok;
}
