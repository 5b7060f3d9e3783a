/**
 * What the allocator remembers between runs (docs/architecture.md §10, §4.4): per pool, which owner holds
 * which address or subnet. Plain JSON so it can be diffed, inspected and hand-edited.
 */

export interface AllocationSnapshot {
  version: 1;
  pools: Record<string, PoolAllocations>;
}

export interface PoolAllocations {
  /** the pool's block when the snapshot was taken (canonical) */
  cidr: string;
  /** owner key (see owner.ts) → canonical CIDR: `ADDR/POOLPREFIX`, or the subnet with `split` */
  owners: Record<string, string>;
  /** the address handed out most recently, for round-robin allocators (the CNI plugin's
   *  host-local compatible one resumes its search after it); absent for nsnet's own pools */
  last?: string;
  /** units other projects sharing this pool file hold (see shared-store.ts): taken, never
   *  handed out, never saved back by this project */
  held?: string[];
}

export function emptySnapshot(): AllocationSnapshot {
  return { version: 1, pools: {} };
}

/**
 * Check that untrusted JSON (a file on disk) is a snapshot. Returns the snapshot, or a
 * sentence saying what is wrong. Entries are only checked for shape; the allocator drops
 * values that do not parse or no longer fit.
 */
export function readSnapshot(json: unknown): AllocationSnapshot | string {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return "not a JSON object";
  const o = json as Record<string, unknown>;
  if (o.version !== 1) return `unsupported version ${JSON.stringify(o.version)} (expected 1)`;
  if (typeof o.pools !== "object" || o.pools === null || Array.isArray(o.pools)) return "`pools` is not an object";
  const pools: Record<string, PoolAllocations> = {};
  for (const [name, value] of Object.entries(o.pools as Record<string, unknown>)) {
    if (typeof value !== "object" || value === null) return `pool ${name} is not an object`;
    const p = value as Record<string, unknown>;
    if (typeof p.cidr !== "string") return `pool ${name} has no \`cidr\` string`;
    if (typeof p.owners !== "object" || p.owners === null || Array.isArray(p.owners)) return `pool ${name} has no \`owners\` object`;
    const owners: Record<string, string> = {};
    for (const [owner, cidr] of Object.entries(p.owners as Record<string, unknown>)) {
      if (typeof cidr !== "string") return `pool ${name}: owner ${owner} has no CIDR string`;
      owners[owner] = cidr;
    }
    if (p.last !== undefined && typeof p.last !== "string") return `pool ${name}: \`last\` is not a string`;
    pools[name] = typeof p.last === "string" ? { cidr: p.cidr, owners, last: p.last } : { cidr: p.cidr, owners };
  }
  return { version: 1, pools };
}

/** Two snapshots that hand out the same addresses (compared by content). */
export function sameSnapshot(a: AllocationSnapshot, b: AllocationSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
