import { StateStore } from "../exec/state-store.js";
import { stateRoots } from "./paths.js";
import type { EngineOptions } from "./types.js";

/**
 * The project lock, taken first by every command that reads the world in order to change
 * it (`up`, the REPL's applies, a hook event): allocation, live read, plan and apply then
 * see one world. Taken after reading, a run that lost the race would apply a stale plan
 * (docs/architecture.md §4). Holds the lock for `fn` and releases it however `fn` ends.
 */
export async function withProjectLock<T>(
  opts: Pick<EngineOptions, "project" | "stateDir" | "onLockWait" | "lockWaitMs">,
  fn: (store: StateStore) => Promise<T>,
): Promise<T> {
  const store = new StateStore(opts.project, stateRoots(opts.stateDir).state);
  const release = await store.lock({
    ...(opts.lockWaitMs !== undefined ? { waitMs: opts.lockWaitMs } : {}),
    ...(opts.onLockWait ? { onWait: opts.onLockWait } : {}),
  });
  try {
    return await fn(store);
  } finally {
    await release();
  }
}
