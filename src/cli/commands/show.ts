import type { Invocation } from "../cli.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { engineOptions } from "../engine-options.js";
import { listNamespaces, readLive } from "../../exec/live.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import { liveToJson, liveToSource } from "../../show/live-to-source.js";
import { hasUnpairedVeths } from "../../show/veth-pairs.js";

/**
 * `nsnet show [NS] [--json]`: the live namespaces (all, or NS) as nsnet source, or as
 * the JSON snapshot. Reads only; no project state is touched, so the default project is fine.
 */
export async function runShow(inv: Invocation): Promise<number> {
  if (inv.args.length > 1) throw new UsageError("expected at most one namespace");
  const { runner } = engineOptions(inv.global, undefined);
  const ns = inv.args[0];
  let live;
  if (ns === undefined) {
    live = await readLive(runner);
  } else {
    const present = await listNamespaces(runner);
    if (!present.includes(ns)) {
      const guess = didYouMean(ns, present);
      process.stderr.write(
        `nsnet show: no namespace '${ns}'${guess.length ? ` (did you mean '${guess[0]}'?)` : ""}\n` +
          (present.length ? `namespaces: ${present.join(", ")}\n` : "there are no named namespaces\n"),
      );
      return EXIT.usage;
    }
    live = await readLive(runner, { namespaces: [ns] });
    // A veth to another namespace: read the others too, so its far end can be named.
    if (hasUnpairedVeths(live.links, [ns])) live = await readLive(runner);
  }
  const opts = ns === undefined ? {} : { namespaces: [ns] };
  process.stdout.write(inv.global.json ? JSON.stringify(liveToJson(live, opts), null, 2) + "\n" : liveToSource(live, opts));
  return EXIT.ok;
}
