import type { LiveAddr, LiveLink, LiveNeighProxy, LiveRoute } from "../model/live.js";
import { HOST } from "../model/topology.js";
import type { Batch } from "../plan/batch.js";
import { isDumpInterrupted, parseAddrs, parseLinks, parseNetnsList, parseProxies, parseRouteTableAll } from "./ip-json.js";

/**
 * Reading a place back in the same `ip` process that changed it. The dumps that make up a
 * place's live state are ordinary batch lines, so they can follow a batch's ops: the
 * verification after an apply then costs no process of its own. `planReadBack` decides,
 * for each place, which batch may carry its dumps — the last one that runs there, as
 * long as nothing that runs after it (or beside it) can change that place.
 */

/** `ip` flags the dumps need: details (link kinds, modes) and JSON. */
export const DUMP_FLAGS: readonly string[] = ["-d", "-j"];

/** One place's dumps, one JSON line each; the host's also lists the named namespaces —
 *  last, because with no /run/netns at all `ip netns list` prints nothing. */
const PLACE_DUMPS = ["link show", "addr show", "route show table all", "neigh show proxy"];

export function dumpLines(place: string): string[] {
  return place === HOST ? [...PLACE_DUMPS, "netns list"] : [...PLACE_DUMPS];
}

export interface PlaceState {
  ns: string;
  links: LiveLink[];
  addrs: LiveAddr[];
  routes: LiveRoute[];
  proxies: LiveNeighProxy[];
  /** the host's read lists the named namespaces */
  namespaces?: string[];
}

export class ReadBackError extends Error {}

/**
 * The place's state from the stdout of a batch that ended with `dumpLines(place)`: ops print
 * nothing, each dump one JSON line (the namespace list none when there is no /run/netns).
 * Anything else, or a dump the kernel interrupted, is an error: the place is read again.
 */
export function parseDumps(place: string, stdout: string, stderr = ""): PlaceState {
  if (isDumpInterrupted(stderr)) throw new ReadBackError(`dump of ${place} was interrupted`);
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const fixed = PLACE_DUMPS.length;
  if (lines.length !== fixed && !(place === HOST && lines.length === fixed + 1)) {
    throw new ReadBackError(`dumps of ${place}: expected ${fixed} results, got ${lines.length}`);
  }
  const netns = place === HOST ? parseNetnsList(lines[fixed] ?? "") : undefined;
  const [links, addrs, routes, proxies] = lines as [string, string, string, string];
  return {
    ns: place,
    links: parseLinks(place, links),
    addrs: parseAddrs(place, addrs),
    routes: parseRouteTableAll(place, routes),
    proxies: parseProxies(place, proxies),
    ...(netns ? { namespaces: netns } : {}),
  };
}

/** Which batch carries which place's dumps; places no batch can carry are read afterwards. */
export interface ReadBackPlan {
  carriers: Map<Batch, string>;
  readAfter: string[];
}

/** Every place (HOST included) an op can change when it runs in its batch's place. */
type Reach = { all: true } | { all: false; places: Set<string> };

function reachOf(batch: Batch): Reach {
  // a user's process may do anything anywhere
  if (batch.tool === "service") return { all: true };
  const places = new Set<string>([batch.ns]);
  // IPv4 sysctls (forwarding, proxy_arp, …) change no link, address, route or proxy entry;
  // IPv6 ones may (disable_ipv6 removes addresses, accept_ra adds routes)
  if (batch.tool === "sysctl" && batch.ops.every((o) => o.text.startsWith("net.ipv4."))) return { all: false, places: new Set() };
  if (batch.tool !== "ip") return { all: false, places };
  for (const op of batch.ops) {
    const e = op.effect;
    switch (e.k) {
      case "netns":
      case "netns-del":
        places.add(HOST).add(e.name);
        break;
      case "link":
        places.add(e.ns).add(e.at);
        if (e.kind === "veth") places.add(e.peer.ns);
        break;
      case "move":
        places.add(e.fromNs).add(e.ns);
        break;
      // a deleted link takes its veth peer and the macvlans on it, wherever they are
      case "link-del":
        return { all: true };
      default:
        break;
    }
  }
  return { all: false, places };
}

/** Whether running `b` can change what a read of `place` shows (nft rules are not read). */
function changes(b: Batch, reach: Reach, place: string): boolean {
  if (b.tool === "nft") return false;
  return reach.all || reach.places.has(place);
}

/**
 * For each place, the last ip batch that runs there carries its dumps when no other batch
 * of the same or a later stage can change that place (stages run in order, the batches of
 * one stage side by side). `batches` in plan order, stages ascending.
 */
export function planReadBack(batches: readonly Batch[], places: readonly string[]): ReadBackPlan {
  const reaches = new Map(batches.map((b) => [b, reachOf(b)]));
  const carriers = new Map<Batch, string>();
  const readAfter: string[] = [];
  for (const place of places) {
    let last: Batch | undefined;
    for (const b of batches) if (b.tool === "ip" && b.ns === place) last = b;
    const ok = last !== undefined && batches.every((b) => b === last || b.stage < last.stage || !changes(b, reaches.get(b)!, place));
    if (ok) carriers.set(last!, place);
    else readAfter.push(place);
  }
  return { carriers, readAfter };
}
