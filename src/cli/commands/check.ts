import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DEFAULT_ALLOCATION_ROOT } from "../../ipam/store-fs.js";
import type { AllocationSnapshot } from "../../ipam/snapshot.js";
import { printDiagnostics, say } from "../output.js";
import { diagnosticsToJson, summarize } from "../../diagnostics/render.js";
import { hasErrors, type Diagnostic } from "../../diagnostics/diagnostic.js";

/** `nsnet check FILE… [--json]`: parse → expand → allocate → check, no kernel access. Each
 *  file is allocated against its project's sticky allocations, when they can be read, so
 *  that check refuses what `up` would (a static address on one handed out: NS415). */
export async function runCheck(inv: Invocation): Promise<number> {
  if (inv.args.length === 0) throw new UsageError("no FILE given");
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  for (const file of inv.args) {
    const allocations = await projectAllocations(inv, file);
    const c = compileFile(file, allocations ? { allocations } : {});
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

/** The project's allocations, or none when they cannot be read (not root, no such project,
 *  a damaged file — which `up` reports): check needs no privilege. The store's code is
 *  loaded only where some project has allocations (check never pays for the executor). */
async function projectAllocations(inv: Invocation, file: string): Promise<AllocationSnapshot | undefined> {
  const g = inv.global;
  const root = g.poolFile !== undefined ? resolve(g.poolFile) : g.stateDir !== undefined ? join(g.stateDir, "allocations") : DEFAULT_ALLOCATION_ROOT;
  if (!existsSync(root)) return undefined;
  try {
    const [{ engineOptions }, { loadAllocations }] = await Promise.all([import("../engine-options.js"), import("../../engine/up.js")]);
    return await loadAllocations(engineOptions(g, file));
  } catch {
    return undefined;
  }
}
