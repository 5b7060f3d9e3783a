import type { LiveState } from "../model/live.js";
import type { Batch } from "../plan/batch.js";

/**
 * Multicast hold-off while a build adds bridge ports.
 *
 * Each port that comes up starts IPv6 (duplicate address detection, MLD reports, router
 * solicitations), and a bridge floods that multicast to every other port: adding N ports
 * one after the other costs O(N²) packets, most of the time of a big build. While the
 * build runs, the ports it creates do not receive flooded multicast
 * (`bridge_slave mcast_flood off`); one batch at the end turns it back on, the default
 * for a new port. Nothing about IPv6 changes: link-local addresses, DAD and MLD all run as
 * usual, and multicast the bridge has learnt (snooped groups) is still delivered. Only
 * ports the same transaction creates are held, so a crash in between leaves no held port
 * behind: recovery deletes the ports of an unfinished transaction.
 */

export const holdLine = (port: string): string => `link set dev ${port} type bridge_slave mcast_flood off`;
export const releaseLine = (port: string): string => `link set dev ${port} type bridge_slave mcast_flood on`;

/** Per batch: the ports it enslaves to a bridge that this plan also created them for. */
export function portsToHold(batches: readonly Batch[], before: LiveState): Map<Batch, string[]> {
  const key = (ns: string, name: string) => `${ns}\0${name}`;
  const created = new Set<string>();
  const bridges = new Set(before.links.filter((l) => l.kind === "bridge").map((l) => key(l.ns, l.name)));
  for (const b of batches) {
    if (b.tool !== "ip") continue;
    for (const op of b.ops) {
      const e = op.effect;
      if (e.k !== "link") continue;
      created.add(key(e.ns, e.name));
      if (e.kind === "veth") created.add(key(e.peer.ns, e.peer.name));
      if (e.kind === "bridge") bridges.add(key(e.ns, e.name));
    }
  }
  const out = new Map<Batch, string[]>();
  for (const b of batches) {
    if (b.tool !== "ip") continue;
    const ports: string[] = [];
    for (const op of b.ops) {
      const e = op.effect;
      if (e.k === "master" && e.master !== null && created.has(key(e.ns, e.dev)) && bridges.has(key(e.ns, e.master))) ports.push(e.dev);
    }
    if (ports.length) out.set(b, ports);
  }
  return out;
}
