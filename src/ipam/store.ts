/**
 * Where allocation snapshots live between runs. The allocator never sees a store; the
 * caller does `store.update((s) => { const r = allocate(topo, s); … return r.allocations })`
 * so load, allocate and save happen under one lock. `MemoryAllocationStore` is the fake for
 * tests and for `nsnet sandbox`; `FsAllocationStore` (store-fs.ts) is the real one.
 */
import { emptySnapshot, type AllocationSnapshot } from "./snapshot.js";

export interface AllocationStore {
  /** The last saved snapshot (an empty one when nothing was saved yet). */
  load(): Promise<AllocationSnapshot>;
  /** Replace the saved snapshot. */
  save(snapshot: AllocationSnapshot): Promise<void>;
  /**
   * Load, compute, save — with no other writer in between. `fn` returns the snapshot to
   * save (or null to save nothing) and a value handed back to the caller.
   */
  update<T>(fn: (snapshot: AllocationSnapshot) => { snapshot: AllocationSnapshot | null; value: T }): Promise<T>;
}

const clone = (s: AllocationSnapshot): AllocationSnapshot => structuredClone(s);

export class MemoryAllocationStore implements AllocationStore {
  private current: AllocationSnapshot;
  /** how many times a snapshot was saved (tests use it to see that nothing was written) */
  saves = 0;

  constructor(initial: AllocationSnapshot = emptySnapshot()) {
    this.current = clone(initial);
  }

  async load(): Promise<AllocationSnapshot> {
    return clone(this.current);
  }

  async save(snapshot: AllocationSnapshot): Promise<void> {
    this.current = clone(snapshot);
    this.saves++;
  }

  // Single-threaded: nothing can interleave between the synchronous load and save.
  async update<T>(fn: (snapshot: AllocationSnapshot) => { snapshot: AllocationSnapshot | null; value: T }): Promise<T> {
    const { snapshot, value } = fn(clone(this.current));
    if (snapshot) await this.save(snapshot);
    return value;
  }
}
