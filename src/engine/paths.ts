import { join } from "node:path";
import { DEFAULT_STATE_ROOT } from "../exec/state-store.js";
import { DEFAULT_ALLOCATION_ROOT } from "../ipam/store-fs.js";

/** DESIGN §4.4: /run/nsnet for state, /var/lib/nsnet for sticky allocations;
 *  `--state-dir DIR` overrides both (allocations then live in DIR/allocations). */
export function stateRoots(stateDir?: string): { state: string; allocations: string } {
  if (stateDir) return { state: stateDir, allocations: join(stateDir, "allocations") };
  return { state: DEFAULT_STATE_ROOT, allocations: DEFAULT_ALLOCATION_ROOT };
}
