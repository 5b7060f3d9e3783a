import type { Phase } from "../plan/op.js";
import { groupBatches, type Batch } from "../plan/batch.js";

export { groupBatches, type Batch };

/**
 * The planner's batches cut into stages, in plan order (never re-sorted by phase: a plan
 * that removes things puts its undo ops first, newest first). Batches of one stage run in
 * parallel; stages run one after the other.
 */
export function batchesByStage(batches: readonly Batch[]): { phase: Phase; batches: Batch[] }[] {
  const out: { phase: Phase; stage: number; batches: Batch[] }[] = [];
  for (const b of batches) {
    const last = out[out.length - 1];
    if (last && last.stage === b.stage) last.batches.push(b);
    else out.push({ phase: b.phase, stage: b.stage, batches: [b] });
  }
  return out.map(({ phase, batches }) => ({ phase, batches }));
}

/**
 * Batches of one stage split into chains, one per namespace: a chain runs its batches in
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
