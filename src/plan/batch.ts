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
