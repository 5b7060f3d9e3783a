import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Invocation } from "../invocation.js";
import { DEFAULT_ALLOCATION_ROOT } from "../../ipam/store-fs.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { printDiagnostics, useColor } from "../output.js";
import { hasNetAdmin } from "../privilege.js";
import { renderWhy, whyToJson } from "../../why/render.js";
import { why, type WhyResult } from "../../why/index.js";

/**
 * `nsnet why FILE A B [--static] [--json]`: where a ping from A to B (or its reply) is lost,
 * and the line of FILE to change. With root and the script's namespaces up, the kernel's
 * state is walked (what is there now, drift included); otherwise, or with --static, the
 * script as `up` would build it. Exit 0 reachable, 1 not (the finding printed), 2 usage.
 */
export async function runWhy(inv: Invocation): Promise<number> {
  const [file, a, b, ...extra] = inv.args;
  if (!file || !a || !b || extra.length) throw new UsageError("expected FILE A B (namespaces, or an address for B)");
  const compiled = compileFile(file, await allocationsOf(inv, file));
  if (!compiled.ok || !compiled.addressed) {
    printDiagnostics(compiled.diagnostics, compiled.sources, inv.global);
    return EXIT.checkErrors;
  }
  let r: WhyResult | string;
  if (inv.flags.static !== true && hasNetAdmin()) {
    const [{ whyWithKernel }, { engineOptions }] = await Promise.all([import("../../engine/why.js"), import("../engine-options.js")]);
    r = await whyWithKernel(compiled.addressed, a, b, engineOptions(inv.global, file).runner);
  } else {
    r = why(compiled.addressed, a, b);
  }
  if (typeof r === "string") throw new UsageError(r);
  if (inv.global.json) process.stdout.write(whyToJson(r));
  else process.stdout.write(renderWhy(r, { sources: compiled.sources, color: useColor(process.stdout), file }));
  return r.reachable ? EXIT.ok : EXIT.checkErrors;
}

/** The project's sticky allocations (as `check` reads them), so names stand for the addresses
 *  `up` gave them; none when they cannot be read. */
async function allocationsOf(inv: Invocation, file: string) {
  const g = inv.global;
  const root = g.poolFile !== undefined ? resolve(g.poolFile) : g.stateDir !== undefined ? join(g.stateDir, "allocations") : DEFAULT_ALLOCATION_ROOT;
  if (!existsSync(root)) return {};
  try {
    const [{ engineOptions }, { loadAllocations }] = await Promise.all([import("../engine-options.js"), import("../../engine/up.js")]);
    const allocations = await loadAllocations(engineOptions(inv.global, file));
    return { allocations };
  } catch {
    return {};
  }
}
