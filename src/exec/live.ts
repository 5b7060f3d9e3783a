import { readFile } from "node:fs/promises";
import type { LiveAddr, LiveLink, LiveNeighProxy, LiveRoute, LiveState } from "../model/live.js";
import { emptyLiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import type { Runner } from "./runner.js";
import {
  isDumpInterrupted,
  isValidSysctlKey,
  parseAddrs,
  parseLinks,
  parseNetnsList,
  parseProxies,
  parseRoutes,
  parseSysctlOutput,
  sysctlDisplayKey,
  sysctlPath,
} from "./ip-json.js";
import { mapBounded } from "./bounded.js";

/**
 * The live-state reader: `ip -j` dumps of the root namespace and every named namespace,
 * read in parallel (bounded), each dump retried while the kernel reports it interrupted.
 */
export interface ReadLiveOptions {
  /** namespaces to read besides HOST (default: every one `ip netns list` shows) */
  namespaces?: string[];
  sysctls?: { ns: string; key: string }[];
  concurrency?: number;
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

function ipArgv(ns: string, ...rest: string[]): string[] {
  return ns === HOST ? ["ip", ...rest] : ["ip", "-n", ns, ...rest];
}

export async function listNamespaces(runner: Runner): Promise<string[]> {
  return parseNetnsList(await dump(runner, ["ip", "-j", "netns", "list"]));
}

/** From this many namespaces on, they are read with `ip -all netns exec` dumps. */
const ALL_NETNS_FROM = 4;

interface PlaceState {
  links: LiveLink[];
  addrs: LiveAddr[];
  routes: LiveRoute[];
  proxies: LiveNeighProxy[];
}

async function readPlace(runner: Runner, ns: string): Promise<PlaceState> {
  const [four, r6] = await Promise.all([
    dump(runner, ipArgv(ns, "-d", "-j", "-batch", "-"), "link show\naddr show\nroute show table main\nneigh show proxy\n"),
    dump(runner, ipArgv(ns, "-j", "-6", "route", "show", "table", "main")),
  ]);
  const parts = four.split("\n").filter((l) => l.trim() !== "");
  if (parts.length !== 4) throw new LiveReadError(`ip -batch dump of ${ns}: expected 4 results, got ${parts.length}`);
  const [links, addrs, r4, proxies] = parts as [string, string, string, string];
  return {
    links: parseLinks(ns, links),
    addrs: parseAddrs(ns, addrs),
    routes: [...parseRoutes(ns, 4, r4), ...parseRoutes(ns, 6, r6)],
    proxies: parseProxies(ns, proxies),
  };
}

/** `ip -all netns exec` output: a `netns: NAME` line before each namespace's output. */
export function splitAllNetns(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(/^netns: (.*)$/m);
  for (let i = 1; i + 1 < parts.length; i += 2) out.set(parts[i]!, parts[i + 1]!.trim());
  return out;
}

async function readAllNamespaces(runner: Runner, wanted: ReadonlySet<string>): Promise<PlaceState[]> {
  const all = (...cmd: string[]) => dump(runner, ["ip", "-all", "netns", "exec", "ip", ...cmd]).then(splitAllNetns);
  const [links, addrs, r4, r6, proxies] = await Promise.all([
    all("-d", "-j", "link", "show"),
    all("-j", "addr", "show"),
    all("-j", "route", "show", "table", "main"),
    all("-j", "-6", "route", "show", "table", "main"),
    all("-j", "neigh", "show", "proxy"),
  ]);
  const out: PlaceState[] = [];
  for (const ns of wanted) {
    if (!links.has(ns)) continue; // gone since it was listed
    out.push({
      links: parseLinks(ns, links.get(ns) || "[]"),
      addrs: parseAddrs(ns, addrs.get(ns) || "[]"),
      routes: [...parseRoutes(ns, 4, r4.get(ns) || "[]"), ...parseRoutes(ns, 6, r6.get(ns) || "[]")],
      proxies: parseProxies(ns, proxies.get(ns) || "[]"),
    });
  }
  return out;
}

export async function readLive(runner: Runner, opts: ReadLiveOptions = {}): Promise<LiveState> {
  const live = emptyLiveState();
  const present = await listNamespaces(runner);
  live.namespaces = present;
  const wanted = opts.namespaces ? opts.namespaces.filter((n) => present.includes(n)) : present;
  // The host costs two spawns (a batch of four dumps, and IPv6 routes: the family is global
  // to an ip invocation). Namespaces cost the same each when there are few; with more, five
  // `ip -all netns exec` dumps read them all (ip forks per namespace far more cheaply than we
  // spawn), so reading 200 namespaces is not 400 spawns.
  const few = wanted.length < ALL_NETNS_FROM;
  const placesRead = await mapBounded(few ? [HOST, ...wanted] : [HOST], opts.concurrency ?? 8, (ns) => readPlace(runner, ns));
  const per = few ? placesRead : [...placesRead, ...(await readAllNamespaces(runner, new Set(wanted)))];
  for (const p of per) {
    live.links.push(...p.links);
    live.addrs.push(...p.addrs);
    live.routes.push(...p.routes);
    live.proxies.push(...p.proxies);
  }
  if (opts.sysctls?.length) {
    live.sysctls = await readSysctls(runner, opts.sysctls.filter((s) => s.ns === HOST || present.includes(s.ns)), opts);
  }
  return live;
}

/**
 * Sysctl values: HOST from /proc/sys directly (this process lives in the root namespace
 * of whatever it manages — the machine, or the sandbox); each other namespace with ONE
 * `ip netns exec NS sysctl KEY…` for all its keys. Unknown keys are simply absent.
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
  await mapBounded([...byNs], opts.concurrency ?? 8, async ([ns, keys]) => {
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
      const r = await runner.run(["ip", "netns", "exec", ns, "sysctl", ...keys]);
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
