import type { LiveLink, LiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import { pairVeths, type VethPairs } from "./veth-pairs.js";
import { SANDBOX_LAN_ALIAS, SANDBOX_UPLINK_ALIAS } from "../model/sandbox-marks.js";

/**
 * What `show` prints: the chosen namespaces whole, and from the host only what wires
 * them — the host ends of their veths, the host bridges those are ports of ("ours"), and
 * the host devices they merely use: macvlan parents, links proxy ARP publishes on
 * ("uplinks"). The rest of the host (docker0, wlan0, …) is none of our business.
 *
 * Inside `nsnet sandbox` the simulated uplinks and their `lan` namespace stand for the world
 * outside the machine (src/model/sandbox-marks.ts): each such uplink is an uplink here, as
 * the script declared it, and `lan` is left out unless named — so what `show` prints there
 * is the script's world, and `nsnet sandbox` of the output simulates the same outside again.
 */
export interface Selection {
  /** namespaces printed, in snapshot order */
  shown: string[];
  pairs: VethPairs;
  /** host links that belong to the shown namespaces' wiring */
  hostOurs: Set<string>;
  /** host devices used but not ours, sorted */
  uplinks: string[];
  /** host proxy neighbours that publish a shown namespace's address or sit on our links */
  proxies: LiveState["proxies"];
}

export function selectLive(live: LiveState, namespaces?: readonly string[]): Selection {
  const simulatedLans = new Set(live.links.filter((l) => l.ns !== HOST && l.name === "lo" && l.alias === SANDBOX_LAN_ALIAS).map((l) => l.ns));
  const shown = namespaces ? live.namespaces.filter((n) => namespaces.includes(n)) : live.namespaces.filter((n) => !simulatedLans.has(n));
  const pairs = pairVeths(live.links);
  const hostLinks = new Map(live.links.filter((l) => l.ns === HOST).map((l) => [l.name, l]));
  const inShown = (l: LiveLink) => shown.includes(l.ns);

  const hostOurs = new Set<string>();
  for (const l of live.links) {
    if (!inShown(l) || l.kind !== "veth") continue;
    const p = pairs.peerOf(l);
    if (p?.ns !== HOST || isSimulatedUplink(p)) continue;
    // a host end and the chain of bridges above it
    for (let cur: LiveLink | undefined = p; cur && !hostOurs.has(cur.name); cur = cur.master ? hostLinks.get(cur.master) : undefined) {
      hostOurs.add(cur.name);
    }
  }

  const uplinks = new Set<string>(live.links.filter(isSimulatedUplink).map((l) => l.name));
  for (const l of live.links) {
    if (!inShown(l) || !isChildKind(l.kind)) continue;
    const parent = parentOf(l, live.links);
    if (parent?.ns === HOST && !hostOurs.has(parent.name)) uplinks.add(parent.name);
  }

  const shownHosts = new Set(live.addrs.filter((a) => shown.includes(a.ns)).map((a) => a.cidr.split("/")[0]));
  const proxies = live.proxies.filter((p) => p.ns === HOST && (hostOurs.has(p.dev) || shownHosts.has(p.addr)));
  for (const p of proxies) if (!hostOurs.has(p.dev)) uplinks.add(p.dev);

  return { shown, pairs, hostOurs, uplinks: [...uplinks].sort(), proxies };
}

/** The host end of an uplink `nsnet sandbox` simulates (a veth to its `lan`). */
export function isSimulatedUplink(l: LiveLink): boolean {
  return l.ns === HOST && l.alias === SANDBOX_UPLINK_ALIAS;
}

export function isChildKind(kind: string): kind is "macvlan" | "ipvlan" | "vlan" {
  return kind === "macvlan" || kind === "ipvlan" || kind === "vlan";
}

/**
 * The parent of a macvlan/ipvlan/vlan: in its own namespace when the kernel gives no
 * netns id, else in the host if the host has that ifindex (the usual case: a container
 * on the host's eth0), else the one other namespace that has it; undefined when unsure.
 */
export function parentOf(l: LiveLink, links: readonly LiveLink[]): LiveLink | undefined {
  if (l.linkIndex === undefined) return undefined;
  const at = (ns: string) => links.find((c) => c.ns === ns && c.ifindex === l.linkIndex && c !== l);
  if (l.linkNetnsId === undefined) return at(l.ns);
  const host = l.ns === HOST ? undefined : at(HOST);
  if (host) return host;
  const elsewhere = links.filter((c) => c.ns !== l.ns && c.ns !== HOST && c.ifindex === l.linkIndex);
  return elsewhere.length === 1 ? elsewhere[0] : undefined;
}
