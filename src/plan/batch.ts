import type { Op, Phase, Tool } from "./op.js";

/** One spawn of a tool: `ip [-n NS] -batch -`, one `nft -f -`, one sysctl writer, one service. */
export interface Batch {
  phase: Phase;
  tool: Tool;
  ns: string;
  ops: Op[];
  /** batches of one stage may run in parallel; stages run in order (from 0) */
  stage: number;
}

const PARALLEL: ReadonlySet<Phase> = new Set(["namespaces", "sysctl", "firewall"]);

/**
 * Batches in plan order: consecutive ops with the same (phase, tool, ns) form one batch (ip
 * and sysctl only; each nft ruleset and each service is its own). Undo ops come first in a
 * plan, so batches are NOT re-sorted by phase. Consecutive batches of a parallel phase
 * (namespaces, sysctl, firewall) for different namespaces share a stage; anything else —
 * the host batches in particular — is a stage of its own.
 *
 * An ip op for the same place as the batch before it, when that batch is alone in its stage,
 * joins it across a phase boundary: phases order the work of different places, and nothing
 * runs elsewhere in between, so the ops run in the same order in one process instead of two.
 * A host-only plan (a udev hook's: addresses, then routes and proxy entries) is one
 * `ip -batch`.
 */
export function groupBatches(ops: readonly Op[]): Batch[] {
  const out: Batch[] = [];
  let stage = -1;
  let stageNs = new Set<string>();
  let stagePhase: Phase | null = null;
  for (const op of ops) {
    const last = out[out.length - 1];
    const mergeable = op.tool === "ip" || op.tool === "sysctl";
    if (last && mergeable && last.phase === op.phase && last.tool === op.tool && last.ns === op.ns) {
      last.ops.push(op);
      continue;
    }
    const aloneInStage = last !== undefined && out[out.length - 2]?.stage !== last.stage;
    if (last && aloneInStage && op.tool === "ip" && last.tool === "ip" && last.ns === op.ns) {
      last.ops.push(op);
      continue;
    }
    const joins = stagePhase === op.phase && PARALLEL.has(op.phase) && !stageNs.has(op.ns);
    if (!joins) {
      stage++;
      stageNs = new Set();
      stagePhase = op.phase;
    }
    stageNs.add(op.ns);
    out.push({ phase: op.phase, tool: op.tool, ns: op.ns, ops: [op], stage });
  }
  return out;
}
