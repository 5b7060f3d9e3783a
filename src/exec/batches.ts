import type { Op, Phase, Tool } from "../plan/op.js";
import { PHASES } from "../plan/op.js";

/** Consecutive ops with the same phase, tool and namespace: one spawn of the tool. */
export interface Batch {
  phase: Phase;
  tool: Tool;
  ns: string;
  ops: Op[];
}

/**
 * One batch per run of consecutive (phase, tool, ns). nft and service ops are never merged:
 * each nft op is a whole ruleset, each service its own process.
 */
export function groupBatches(ops: readonly Op[]): Batch[] {
  const out: Batch[] = [];
  for (const op of ops) {
    const last = out[out.length - 1];
    const mergeable = op.tool === "ip" || op.tool === "sysctl";
    if (last && mergeable && last.phase === op.phase && last.tool === op.tool && last.ns === op.ns) last.ops.push(op);
    else out.push({ phase: op.phase, tool: op.tool, ns: op.ns, ops: [op] });
  }
  return out;
}

/** Batches of each phase in PHASES order; a phase's batches keep their plan order. */
export function batchesByPhase(batches: readonly Batch[]): { phase: Phase; batches: Batch[] }[] {
  return PHASES.map((phase) => ({ phase, batches: batches.filter((b) => b.phase === phase) })).filter((p) => p.batches.length > 0);
}

/**
 * Batches of one phase split into chains, one per namespace: a chain runs its batches in
 * order, different chains run in parallel.
 */
export function chainsByNs(batches: readonly Batch[]): Batch[][] {
  const chains = new Map<string, Batch[]>();
  for (const b of batches) {
    const c = chains.get(b.ns) ?? [];
    c.push(b);
    chains.set(b.ns, c);
  }
  return [...chains.values()];
}
