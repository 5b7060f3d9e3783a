import type { ScriptPlan } from "../exec/vouch.js";
import type { LiveState } from "../model/live.js";
import { opKey, type ProjectState } from "../model/state.js";
import { HOST } from "../model/topology.js";
import { deriveOps } from "../plan/derive.js";
import type { Compiled } from "./types.js";

/** The live host's default gateway (IPv4), used when the script names none. */
export function liveHostGateway(live: LiveState): string | undefined {
  return live.routes.find((r) => r.ns === HOST && r.dst === "default" && r.family === 4 && r.via)?.via;
}

/**
 * Every op a compiled script means, as the planner derives them whatever is already in
 * effect: what it vouches for when an undo read back from a state file would act on a link
 * nsnet does not own (src/exec/vouch.ts).
 */
export function plannedBy(compiled: Compiled | undefined, file: string, ctx: { project: string; live: LiveState; state: ProjectState }): ScriptPlan {
  if (!compiled?.ok || !compiled.addressed) return { why: `${file} does not check` };
  const gw = liveHostGateway(ctx.live);
  const derived = deriveOps(compiled.addressed, { project: ctx.project, previous: ctx.state, live: ctx.live, ...(gw ? { hostGateway: gw } : {}) });
  return { file, keys: new Set(derived.ops.map(opKey)) };
}
