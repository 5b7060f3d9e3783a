import { join } from "node:path";
import { DEFAULT_STATE_ROOT } from "../exec/state-store.js";
import { DEFAULT_ALLOCATION_ROOT } from "../ipam/store-fs.js";

/**
 * Where a project's files go. Without `--state-dir`: state (what is applied, the journal,
 * the lock) in /run/nsnet, which a reboot empties together with the kernel state it
 * describes; sticky allocations in /var/lib/nsnet, which a reboot keeps, so a namespace
 * gets its address back. With `--state-dir DIR` (tests, and `nsnet sandbox`, which passes
 * its own /run/nsnet so nothing leaves the sandbox) both live under DIR, allocations in
 * DIR/allocations.
 */
export function stateRoots(stateDir?: string): { state: string; allocations: string } {
  if (stateDir !== undefined) return { state: stateDir, allocations: join(stateDir, "allocations") };
  return { state: DEFAULT_STATE_ROOT, allocations: DEFAULT_ALLOCATION_ROOT };
}
