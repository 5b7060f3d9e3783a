import { downProject } from "../exec/recover.js";
import { stateRoots } from "./paths.js";
import type { DownResult, EngineOptions } from "./types.js";

/** `down`: undo everything the project applied (ours only), restore sysctls. Allocations
 *  stay in their store: addresses are sticky across down/up (docs/architecture.md §10). */
export async function down(opts: EngineOptions): Promise<DownResult & { undone: number; skipped: string[]; notes: string[] }> {
  const report = await downProject(opts.runner, { project: opts.project, stateDir: stateRoots(opts.stateDir).state });
  const leftovers = report.left.map((l) => `${l.op.summary}: ${l.error}\n    remove by hand: ${l.command}`);
  return {
    status: report.left.length ? "rollback-incomplete" : "ok",
    ops: [],
    undone: report.undone,
    skipped: report.skipped,
    notes: report.notes ?? [],
    ...(leftovers.length ? { leftovers } : {}),
  };
}
