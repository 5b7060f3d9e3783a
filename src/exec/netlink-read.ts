import type { LiveAddr, LiveLink, LiveNeighProxy, LiveRoute } from "../model/live.js";
import { perlOnPath, setnsSyscall } from "./enter.js";
import { NETLINK_READER } from "./netlink-script.js";
import type { PlaceState } from "./readback.js";
import type { Runner } from "./runner.js";

/**
 * Many named namespaces read by one process (netlink-script.ts) instead of an `nsenter` and
 * an `ip` each: on the 2-core machine nsnet is measured on, starting a process costs
 * 4–10 ms, so reading a thousand namespaces took 11 s that way and takes well under one
 * this way. What the reader cannot do — no perl, an architecture whose setns number is not
 * known here, a namespace it could not enter — the caller reads with `ip` as before.
 */

/** The reader's argv, or null where it cannot run (no perl on PATH, or an architecture
 *  whose setns number is not known): decided as for the fan-out's launcher. */
export function readerArgv(arch: string = process.arch): string[] | null {
  const nr = setnsSyscall(arch);
  return nr === undefined || !perlOnPath() ? null : ["perl", "-e", NETLINK_READER, String(nr)];
}

/** What the reader said of one namespace: its state, gone (null), or nothing (read it with ip). */
export type NetlinkReads = Map<string, PlaceState | null>;

type J = Record<string, unknown>;
const isStr = (v: unknown): v is string => typeof v === "string";
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

function link(ns: string, e: J): LiveLink {
  if (!isStr(e.name) || !isNum(e.ifindex) || !isStr(e.kind) || typeof e.up !== "boolean") throw new Error("bad link");
  const l: LiveLink = { ns, name: e.name, ifindex: e.ifindex, kind: e.kind, up: e.up };
  if (isStr(e.alias)) l.alias = e.alias;
  if (isStr(e.master)) l.master = e.master;
  if (isNum(e.mtu)) l.mtu = e.mtu;
  if (isStr(e.mac)) l.mac = e.mac;
  if (isNum(e.linkIndex)) l.linkIndex = e.linkIndex;
  if (isNum(e.linkNetnsId)) l.linkNetnsId = e.linkNetnsId;
  if (isStr(e.mode)) l.mode = e.mode;
  if (isNum(e.vlanId)) l.vlanId = e.vlanId;
  return l;
}

function addr(ns: string, e: J): LiveAddr {
  if (!isStr(e.dev) || !isStr(e.cidr)) throw new Error("bad address");
  return { ns, dev: e.dev, cidr: e.cidr };
}

function route(ns: string, e: J): LiveRoute {
  if (!isStr(e.dst) || (e.family !== 4 && e.family !== 6)) throw new Error("bad route");
  const r: LiveRoute = { ns, dst: e.dst, family: e.family };
  if (isStr(e.via)) r.via = e.via;
  if (isStr(e.dev)) r.dev = e.dev;
  if (e.onlink === true) r.onlink = true;
  if (isStr(e.proto)) r.proto = e.proto;
  if (isStr(e.scope)) r.scope = e.scope;
  return r;
}

function proxy(ns: string, e: J): LiveNeighProxy {
  if (!isStr(e.addr) || !isStr(e.dev)) throw new Error("bad proxy entry");
  return { ns, addr: e.addr, dev: e.dev };
}

const list = (v: unknown): J[] => {
  if (!Array.isArray(v)) throw new Error("expected a list");
  return v as J[];
};

/** The reader's stdout, one JSON line per namespace, as states; a line that is not one of
 *  the three shapes makes the whole output untrusted (the caller reads with ip). */
export function parseReaderOutput(stdout: string): NetlinkReads {
  const out: NetlinkReads = new Map();
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const e = JSON.parse(line) as J;
    if (!isStr(e.ns)) throw new Error("netlink reader: a line without a namespace");
    const ns = e.ns;
    if (e.gone === 1) out.set(ns, null);
    else if (isStr(e.error)) continue;
    else
      out.set(ns, {
        ns,
        links: list(e.links).map((x) => link(ns, x)),
        addrs: list(e.addrs).map((x) => addr(ns, x)),
        routes: list(e.routes).map((x) => route(ns, x)),
        proxies: list(e.proxies).map((x) => proxy(ns, x)),
      });
  }
  return out;
}

let unavailable = false;

/**
 * Reads `names` (valid namespace names) in `groups` processes side by side. Returns what
 * was read; names missing from the result are for the ip reader. A machine where the reader
 * cannot run at all is remembered, so it is tried once per nsnet process.
 */
export async function readByNetlink(runner: Runner, names: readonly string[], groups: number): Promise<NetlinkReads> {
  const argv = readerArgv();
  const out: NetlinkReads = new Map();
  if (unavailable || argv === null || names.length === 0) return out;
  const n = Math.max(1, Math.min(groups, names.length));
  const shares = Array.from({ length: n }, (_, i) => names.filter((_, j) => j % n === i));
  const results = await Promise.all(shares.map((share) => runner.run(argv, { input: share.join("\n") + "\n" })));
  for (const r of results) {
    if (r.exitCode !== 0) {
      unavailable = true;
      runner.note?.(`netlink reader unavailable (${r.stderr.trim().split("\n")[0] || `exit ${r.exitCode}`}); reading with ip`);
      return new Map();
    }
    try {
      for (const [ns, state] of parseReaderOutput(r.stdout)) out.set(ns, state);
    } catch (e) {
      runner.note?.(`netlink reader output not understood (${(e as Error).message}); reading with ip`);
    }
  }
  return out;
}

/** Tests and the comparison with ip: forget that the reader failed once. */
export function resetNetlinkReader(): void {
  unavailable = false;
}
