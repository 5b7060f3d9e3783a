import { readFile, readdir } from "node:fs/promises";
import type { LiveState } from "../model/live.js";
import { emptyLiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import type { Runner } from "./runner.js";
import { isDumpInterrupted, isValidSysctlKey, parseNetnsList, parseSysctlOutput, sysctlDisplayKey, sysctlPath } from "./ip-json.js";
import { mapBounded } from "./bounded.js";
import { NETNS_RUN_DIR, enterArgv, ipBatchIn, isMissingNamespace, placeConcurrency } from "./enter.js";
import { DUMP_FLAGS, dumpLines, parseDumps, type PlaceState } from "./readback.js";
import { FANOUT_FROM, runHelper } from "./fanout.js";
import { namespaceSysctlPath } from "./helper-protocol.js";
import { readByNetlink } from "./netlink-read.js";

/**
 * The live-state reader: one `ip -d -j -batch -` of dumps per place — the host's also lists
 * the named namespaces — the namespaces entered with nsenter (no mount-table copy), several
 * at once (bounded by the cores), each read again while the kernel reports a dump
 * interrupted. Only namespaces that exist are read: on a fresh build that is none.
 */
export interface ReadLiveOptions {
  /** namespaces to read besides HOST (default: every one `ip netns list` shows) */
  namespaces?: string[];
  sysctls?: { ns: string; key: string }[];
  concurrency?: number;
  /** default "netlink" (what it cannot read is read with ip) */
  via?: Reader;
  /** reads a HOST /proc/sys file; tests replace it (default: fs, in this process's netns) */
  readHostProcSys?: (path: string) => Promise<string>;
}

const DUMP_RETRIES = 5;

export class LiveReadError extends Error {}

async function dump(runner: Runner, argv: string[], input?: string): Promise<string> {
  let last = "";
  for (let attempt = 0; attempt < DUMP_RETRIES; attempt++) {
    const r = await runner.run(argv, input === undefined ? {} : { input });
    if (r.exitCode === 0 && !isDumpInterrupted(r.stderr)) return r.stdout;
    last = r.stderr.trim();
    if (!isDumpInterrupted(r.stderr)) break;
  }
  throw new LiveReadError(`${argv.join(" ")}: ${last || "failed"}`);
}

export async function listNamespaces(runner: Runner): Promise<string[]> {
  return parseNetnsList(await dump(runner, ["ip", "-j", "netns", "list"]));
}

/** One place read in one process; null when the namespace is gone since it was listed. */
export async function readPlace(runner: Runner, place: string): Promise<PlaceState | null> {
  const input = dumpLines(place).join("\n") + "\n";
  for (let attempt = 0; ; attempt++) {
    const r = await runner.run(ipBatchIn(place, DUMP_FLAGS), { input });
    if (r.exitCode !== 0 && place !== HOST && isMissingNamespace(r.stderr)) return null;
    if (r.exitCode === 0 && !isDumpInterrupted(r.stderr)) return parseDumps(place, r.stdout);
    if (!isDumpInterrupted(r.stderr) || attempt + 1 >= DUMP_RETRIES) {
      throw new LiveReadError(`reading ${place === HOST ? "the host" : `namespace ${place}`}: ${r.stderr.trim() || `ip exited with ${r.exitCode}`}`);
    }
  }
}

/** How named namespaces are read: the netlink reader, or `ip` (tests compare the two). */
export type Reader = "netlink" | "ip";

/** Many named namespaces are read by nsnet's helper (netlink-read.ts: a few processes for
 *  all). What it did not read, or everything when `via` is "ip", is read with `ip`, one
 *  process each, at most `concurrency` at once; gone ones omitted. */
export async function readPlaces(runner: Runner, places: readonly string[], concurrency = placeConcurrency(), via: Reader = "netlink"): Promise<PlaceState[]> {
  const all = places.filter((p) => p !== HOST);
  // the helper's own start (~25 ms) is worth it from a fan-out's worth of namespaces up
  const read = via === "netlink" && all.length >= FANOUT_FROM ? await readByNetlink(runner, all, concurrency) : new Map<string, PlaceState | null>();
  const single = places.filter((p) => !read.has(p));
  const singles = await mapBounded(single, concurrency, (ns) => readPlace(runner, ns));
  for (const [i, p] of single.entries()) read.set(p, singles[i] ?? null);
  // in the order asked for, whichever way each place was read
  return places.map((p) => read.get(p)).filter((p): p is PlaceState => p != null);
}

/** Places merged into one snapshot (the host's read, if among them, gives the namespaces). */
export function liveOf(places: readonly PlaceState[], namespaces?: readonly string[]): LiveState {
  const live = emptyLiveState();
  for (const p of places) {
    if (p.namespaces) live.namespaces = [...p.namespaces];
    live.links.push(...p.links);
    live.addrs.push(...p.addrs);
    live.routes.push(...p.routes);
    live.proxies.push(...p.proxies);
  }
  if (namespaces) live.namespaces = [...namespaces];
  return live;
}

export async function readLive(runner: Runner, opts: ReadLiveOptions = {}): Promise<LiveState> {
  // Namespaces asked for by name that are on disk are read beside the host, not after it:
  // /run/netns is what `ip netns list` lists, and one deleted meanwhile reads as gone.
  const early = opts.namespaces ? await onDisk(opts.namespaces.filter((n) => n !== HOST)) : [];
  const [host, earlyPlaces] = await Promise.all([readPlace(runner, HOST), early.length ? readPlaces(runner, early, opts.concurrency, opts.via) : []]);
  const present = host!.namespaces ?? [];
  const wanted = [...new Set(opts.namespaces ? opts.namespaces.filter((n) => n !== HOST && present.includes(n)) : present)];
  const readEarly = new Set(early);
  const late = await readPlaces(
    runner,
    wanted.filter((n) => !readEarly.has(n)),
    opts.concurrency,
    opts.via,
  );
  const byNs = new Map([...earlyPlaces, ...late].map((p) => [p.ns, p]));
  const places = wanted.flatMap((n) => byNs.get(n) ?? []);
  const live = liveOf([host!, ...places]);
  if (opts.sysctls?.length) {
    live.sysctls = await readSysctls(
      runner,
      opts.sysctls.filter((s) => s.ns === HOST || present.includes(s.ns)),
      opts,
    );
  }
  return live;
}

/** The names among `names` that have a mount point in /run/netns now. */
async function onDisk(names: readonly string[]): Promise<string[]> {
  if (names.length === 0) return [];
  const there = new Set(await readdir(NETNS_RUN_DIR).catch(() => [] as string[]));
  return [...new Set(names)].filter((n) => there.has(n));
}

/**
 * Sysctl values: HOST from /proc/sys directly (this process lives in the root namespace
 * of whatever it manages — the machine, or the sandbox); the namespaces from their
 * /proc/sys by nsnet's helper, all in a few processes (fanout.ts), or where it does not run,
 * one `nsenter --net=… sysctl KEY…` each. Unknown keys are simply absent.
 */
export async function readSysctls(
  runner: Runner,
  wanted: { ns: string; key: string }[],
  opts: Pick<ReadLiveOptions, "concurrency" | "readHostProcSys"> = {},
): Promise<Record<string, Record<string, string>>> {
  const byNs = new Map<string, string[]>();
  for (const { ns, key } of wanted) {
    if (!isValidSysctlKey(key)) throw new LiveReadError(`invalid sysctl key ${JSON.stringify(key)}`);
    const keys = byNs.get(ns) ?? [];
    if (!keys.includes(key)) keys.push(key);
    byNs.set(ns, keys);
  }
  const out: Record<string, Record<string, string>> = {};
  const readHost = opts.readHostProcSys ?? ((p: string) => readFile(p, "utf8"));
  const named = [...byNs].filter(([ns, keys]) => ns !== HOST && keys.every((k) => namespaceSysctlPath(k) !== null));
  const helped = named.length
    ? (
        await runHelper(
          runner,
          named.map(([ns, keys]) => ({ ns, ops: [], sysctls: keys })),
          { groups: opts.concurrency ?? placeConcurrency() },
        )
      ).records
    : new Map();
  for (const [ns, rec] of helped) {
    // not entered: read the other way; gone: no values (sysctl in a missing namespace gives none)
    if (rec.enter) continue;
    out[ns] = rec.sysctls;
    byNs.delete(ns);
  }
  await mapBounded([...byNs], opts.concurrency ?? placeConcurrency(), async ([ns, keys]) => {
    const values: Record<string, string> = {};
    if (ns === HOST) {
      for (const key of keys) {
        try {
          values[key] = (await readHost(sysctlPath(key))).replace(/\n$/, "");
        } catch {
          /* absent key: not in the snapshot */
        }
      }
    } else {
      const r = await runner.run(enterArgv(ns, ["sysctl", ...keys]));
      const printed = parseSysctlOutput(r.stdout);
      for (const key of keys) {
        const v = printed[sysctlDisplayKey(key)];
        if (v !== undefined) values[key] = v;
      }
    }
    out[ns] = values;
  });
  return out;
}
