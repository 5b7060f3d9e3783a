import { statSync } from "node:fs";
import { downProject } from "../exec/recover.js";
import type { PlanSource, ScriptPlan } from "../exec/vouch.js";
import { makeFsLoader, readScriptFile } from "../expand/fs-loader.js";
import { parse } from "../syntax/parse.js";
import { compileText } from "./compile.js";
import { stateRoots } from "./paths.js";
import type { Compiled, DownResult, EngineOptions } from "./types.js";
import { plannedBy } from "./script-plan.js";
import { loadAllocations } from "./up.js";

/** The script a `down` takes down: the file named (`down FILE`), or the session's own
 *  compile (the REPL); neither: the one the state records, if it can be trusted. */
export interface DownSource {
  file?: string;
  compiled?: () => Compiled | undefined;
}

/** `down`: undo everything the project applied (ours only), restore sysctls. Allocations
 *  stay in their store: addresses are sticky across down/up (docs/architecture.md §10). */
export async function down(opts: EngineOptions, source: DownSource = {}): Promise<DownResult & { undone: number; skipped: string[]; notes: string[] }> {
  const report = await downProject(opts.runner, { project: opts.project, stateDir: stateRoots(opts.stateDir).state, plan: scriptPlan(opts, source) });
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

/**
 * What the script plans, for the undo of host ops on links nsnet does not own (vouch.ts):
 * every op its topology means, as the planner derives them. Compiled only when such an undo
 * comes up, against the allocations on disk (read, never written).
 */
export function scriptPlan(opts: Pick<EngineOptions, "project" | "stateDir" | "poolFile">, source: DownSource): PlanSource {
  return async ({ live, state }): Promise<ScriptPlan> => {
    let compiled: Compiled | undefined;
    let file: string;
    if (source.compiled) {
      compiled = source.compiled();
      file = compiled?.file ?? "the session";
    } else {
      const named = source.file;
      if (named === undefined && state.script === undefined) return { why: "no script was named, and the state records none" };
      file = named ?? state.script!;
      const distrust = named === undefined ? untrusted(file) : null;
      if (distrust) return { why: `the recorded script ${file} ${distrust}` };
      let text: string;
      try {
        text = readScriptFile(file, { regular: true });
      } catch (e) {
        return { why: (e as Error).message };
      }
      const allocations = await loadAllocations(opts).catch(() => undefined);
      compiled = compileText(text, file, { load: makeFsLoader(parse), ...(allocations ? { allocations } : {}) });
    }
    return plannedBy(compiled, file, { project: opts.project, live, state });
  };
}

/** Why a script path read from a state file may not vouch for anything: it must be a file
 *  only its owner — root or whoever runs nsnet — can change. */
function untrusted(file: string): string | null {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(file);
  } catch (e) {
    return `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  const me = process.geteuid?.() ?? 0;
  if (st.uid !== 0 && st.uid !== me) return `is owned by uid ${st.uid}`;
  if (st.mode & 0o022) return `is writable by ${st.mode & 0o002 ? "others" : "its group"}`;
  return null;
}
