import type { Runner } from "../exec/runner.js";
import { listNamespaces, readLive, readSysctls } from "../exec/live.js";
import { readFirewall } from "../exec/firewall-read.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { liveToJson, liveToSource, planShow } from "../show/live-to-source.js";
import { selectLive } from "../show/select.js";
import { sysctlKeysToRead } from "../show/sysctls.js";
import { hasUnpairedVeths } from "../show/veth-pairs.js";

/**
 * `nsnet show` and the REPL's `.show`: read the kernel (links, addresses, routes, proxy
 * neighbours; the sysctls worth printing; nsnet's nft tables), then print it as source
 * that `nsnet up` rebuilds (src/show/live-to-source.ts), or as JSON.
 */
export type ShowResult = { ok: true; text: string } | { ok: false; message: string };

export async function showLive(runner: Runner, opts: { namespaces?: string[]; json?: boolean } = {}): Promise<ShowResult> {
  const wanted = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  let live;
  if (wanted === undefined) {
    live = await readLive(runner);
  } else {
    const present = await listNamespaces(runner);
    for (const ns of wanted) {
      if (present.includes(ns)) continue;
      const guess = didYouMean(ns, present);
      return {
        ok: false,
        message:
          `no namespace '${ns}'${guess.length ? ` (did you mean '${guess[0]}'?)` : ""}\n` +
          (present.length ? `namespaces: ${present.join(", ")}` : "there are no named namespaces"),
      };
    }
    live = await readLive(runner, { namespaces: wanted });
    // A veth to another namespace: read the others too, so its far end can be named.
    if (hasUnpairedVeths(live.links, wanted)) live = await readLive(runner);
  }
  const firewall = await readFirewall(runner, selectLive(live, wanted).shown);
  const show = { ...(wanted ? { namespaces: wanted } : {}), firewall };
  // the selection with the firewall known (a nat's output device is an uplink too)
  live.sysctls = await readSysctls(runner, sysctlKeysToRead(live, planShow(live, show).sel));
  return { ok: true, text: opts.json ? JSON.stringify(liveToJson(live, show), null, 2) + "\n" : liveToSource(live, show) };
}
