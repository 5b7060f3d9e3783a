import type { LiveLink } from "../model/live.js";

/**
 * Veth ends matched across namespaces. ifindexes are per namespace, so one end's
 * `linkIndex` alone is ambiguous; a pair is two veths that point at each other
 * (a.linkIndex = b.ifindex and b.linkIndex = a.ifindex) and agree on where the peer is:
 * no `linkNetnsId` means the peer is in the same namespace, one means it is elsewhere.
 * Among several candidates the first unclaimed one wins (the kernel gives no better clue
 * without the namespaces' id maps).
 */
export interface VethPairs {
  /** the peer of a veth end, when it was found in the snapshot */
  peerOf(l: LiveLink): LiveLink | undefined;
}

export function pairVeths(links: readonly LiveLink[]): VethPairs {
  const veths = links.filter((l) => l.kind === "veth" && l.linkIndex !== undefined);
  const byIfindex = new Map<number, LiveLink[]>();
  for (const l of veths) {
    const list = byIfindex.get(l.ifindex);
    if (list) list.push(l);
    else byIfindex.set(l.ifindex, [l]);
  }
  const peers = new Map<LiveLink, LiveLink>();
  for (const a of veths) {
    if (peers.has(a)) continue;
    const candidates = byIfindex.get(a.linkIndex!) ?? [];
    const b = candidates.find(
      (c) =>
        c !== a &&
        !peers.has(c) &&
        c.linkIndex === a.ifindex &&
        (a.linkNetnsId === undefined ? c.ns === a.ns : c.ns !== a.ns) &&
        (c.linkNetnsId === undefined) === (a.linkNetnsId === undefined),
    );
    if (!b) continue;
    peers.set(a, b);
    peers.set(b, a);
  }
  return { peerOf: (l) => peers.get(l) };
}

/** Whether a veth of these namespaces points at a peer the snapshot lacks (reading more namespaces may find it). */
export function hasUnpairedVeths(links: readonly LiveLink[], namespaces: readonly string[]): boolean {
  const pairs = pairVeths(links);
  return links.some((l) => namespaces.includes(l.ns) && l.kind === "veth" && l.linkNetnsId !== undefined && !pairs.peerOf(l));
}
