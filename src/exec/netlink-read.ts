import type { PlaceState } from "./readback.js";
import type { Runner } from "./runner.js";
import { runHelper } from "./fanout.js";

/**
 * Many named namespaces read by nsnet's helper (helper/, fanout.ts) instead of an `nsenter`
 * and an `ip` each: on the 2-core machine nsnet is measured on, starting a process costs
 * 4–10 ms, so reading a thousand namespaces took 11 s that way and takes well under one
 * this way. What the helper did not read — it is not installed, a namespace it could not
 * enter, a dump it could not finish — the caller reads with `ip`, for this call only: the
 * next call asks the helper again.
 */

/** What the helper said of each namespace: its state, or gone (null). A name missing from
 *  the map is for the `ip` reader. */
export type NetlinkReads = Map<string, PlaceState | null>;

/** Reads `names` (valid namespace names) in `groups` helpers side by side. */
export async function readByNetlink(runner: Runner, names: readonly string[], groups: number): Promise<NetlinkReads> {
  const out: NetlinkReads = new Map();
  if (names.length === 0) return out;
  const run = await runHelper(
    runner,
    [...new Set(names)].map((ns) => ({ ns, ops: [], state: true })),
    { groups },
  );
  for (const [ns, rec] of run.records) {
    if (rec.gone) out.set(ns, null);
    else if (rec.state) out.set(ns, rec.state);
    else if (rec.stateError || rec.enter) {
      const e = rec.stateError ?? rec.enter!;
      runner.note?.(`helper could not read ${ns} (${e.detail ?? ""} ${e.strerror}); reading it with ip`);
    }
  }
  return out;
}
