import type { LiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import type { Selection } from "./select.js";

/**
 * The sysctls `show` reads and prints when they differ from what a fresh namespace starts
 * with: forwarding and proxy ARP/NDP — what nsnet scripts set or imply (`proxyarp`, `nat`,
 * `portmap`, `sysctl`). The defaults below are the kernel's for a new network namespace
 * (every one of these starts at 0); a namespace where one reads otherwise was changed.
 */
const PER_PLACE = ["net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding", "net.ipv4.conf.all.proxy_arp", "net.ipv4.conf.default.proxy_arp"];
const DEFAULT = "0";

/** A device name that can stand in a sysctl key as written by nsnet (no `.` to escape). */
const keyable = (name: string) => /^[A-Za-z0-9_@+-]+$/.test(name);

export const proxyArpKey = (dev: string) => `net.ipv4.conf.${dev}.proxy_arp`;
export const proxyNdpKey = (dev: string) => `net.ipv6.conf.${dev}.proxy_ndp`;

/** What to read for a selection: per place, the fixed keys and proxy_arp of its devices. */
export function sysctlKeysToRead(live: LiveState, sel: Selection): { ns: string; key: string }[] {
  const out: { ns: string; key: string }[] = [];
  for (const ns of [HOST, ...sel.shown]) {
    for (const key of PER_PLACE) out.push({ ns, key });
    const devs = ns === HOST ? [...sel.hostOurs, ...sel.uplinks] : live.links.filter((l) => l.ns === ns && l.kind !== "loopback").map((l) => l.name);
    for (const d of devs) if (keyable(d)) out.push({ ns, key: proxyArpKey(d) });
    if (ns === HOST) for (const u of sel.uplinks) if (keyable(u)) out.push({ ns, key: proxyNdpKey(u) });
  }
  return out;
}

/** The read sysctls of a place that differ from a fresh namespace's, in key order. */
export function changedSysctls(live: LiveState, ns: string): [string, string][] {
  return Object.entries(live.sysctls[ns] ?? {})
    .filter(([, v]) => v !== DEFAULT)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
