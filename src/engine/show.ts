import type { Runner } from "../exec/runner.js";
import { listNamespaces, readLive, readSysctls } from "../exec/live.js";
import { readFirewall } from "../exec/firewall-read.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { LiveFirewall } from "../model/firewall.js";
import type { LiveState } from "../model/live.js";
import { liveToJson, liveToSource, planShow } from "../show/live-to-source.js";
import { selectLive } from "../show/select.js";
import { sysctlKeysToRead } from "../show/sysctls.js";
import { hasUnpairedVeths } from "../show/veth-pairs.js";

/**
 * `nsnet show` and the REPL's `.show` — one code path: read the kernel (links, addresses,
 * routes, proxy neighbours; the sysctls worth printing; nsnet's nft tables), then print it
 * as source that `nsnet up` rebuilds (src/show/live-to-source.ts), or as JSON.
 */
export type ShowResult = { ok: true; text: string } | { ok: false; message: string };

/** Where `show` reads the kernel: the runner (ShowReads of a Runner), or a test's fake. */
export interface ShowReads {
  live(namespaces?: readonly string[]): Promise<LiveState>;
  namespaces(): Promise<string[]>;
  firewall(namespaces: readonly string[]): Promise<LiveFirewall[]>;
  sysctls(wanted: { ns: string; key: string }[]): Promise<LiveState["sysctls"]>;
}

export function runnerReads(runner: Runner): ShowReads {
  return {
    live: (namespaces) => readLive(runner, namespaces ? { namespaces: [...namespaces] } : {}),
    namespaces: () => listNamespaces(runner),
    firewall: (namespaces) => readFirewall(runner, namespaces),
    sysctls: (wanted) => readSysctls(runner, wanted),
  };
}

export function showLive(runner: Runner, opts: { namespaces?: string[]; json?: boolean } = {}): Promise<ShowResult> {
  return showFrom(runnerReads(runner), opts);
}

export async function showFrom(reads: ShowReads, opts: { namespaces?: readonly string[]; json?: boolean } = {}): Promise<ShowResult> {
  const wanted = opts.namespaces?.length ? [...new Set(opts.namespaces)] : undefined;
  let live;
  if (wanted === undefined) {
    live = await reads.live();
  } else {
    const present = await reads.namespaces();
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
    live = await reads.live(wanted);
    // A veth to another namespace: read the others too, so its far end can be named.
    if (hasUnpairedVeths(live.links, wanted)) live = await reads.live();
  }
  const firewall = await reads.firewall(selectLive(live, wanted).shown);
  const show = { ...(wanted ? { namespaces: wanted } : {}), firewall };
  // the selection with the firewall known (a nat's output device is an uplink too)
  live.sysctls = await reads.sysctls(sysctlKeysToRead(live, planShow(live, show).sel));
  return { ok: true, text: opts.json ? JSON.stringify(liveToJson(live, show), null, 2) + "\n" : liveToSource(live, show) };
}
