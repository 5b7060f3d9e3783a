import type { Invocation } from "../invocation.js";
import { EXIT } from "../exit-codes.js";
import { engineOptions } from "../engine-options.js";
import { showLive } from "../../engine/show.js";

/**
 * `nsnet show [NS…] [--json]`: the live namespaces (all, or those named) as nsnet source
 * that `nsnet up` rebuilds, or as the JSON snapshot. Reads only; no project state is
 * touched, so the default project is fine.
 */
export async function runShow(inv: Invocation): Promise<number> {
  const { runner } = engineOptions(inv.global, undefined);
  const r = await showLive(runner, { namespaces: inv.args, json: inv.global.json });
  if (!r.ok) {
    process.stderr.write(`nsnet show: ${r.message}\n`);
    return EXIT.usage;
  }
  process.stdout.write(r.text);
  return EXIT.ok;
}
