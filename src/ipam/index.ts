/** Public face of src/ipam: CIDR math, pools, the allocator and its snapshot. */
export * from "./ip.js";
export * from "./cidr.js";
export * from "./subnet.js";
export { planPools, unitName, type PoolPlan } from "./pool.js";
export { ownerKey, parseOwnerKey } from "./owner.js";
export { allocate, type AllocateResult } from "./allocate.js";
export { emptySnapshot, readSnapshot, type AllocationSnapshot, type PoolAllocations } from "./snapshot.js";
export { MemoryAllocationStore, type AllocationStore } from "./store.js";
// The file-backed store is an edge module: import it from "./store-fs.js" directly.
