import type { Net, NetDrop, NetLink } from "./net.js";
import { findLink } from "./lookup.js";

/**
 * Who hears a frame sent out of one link: the L3 ends of its segment (a veth's other end, a
 * bridge and the far ends of its other ports, macvlan siblings), found by following peers,
 * ports and parents. A link that is down stops the frame there; a partition's bridge-family
 * rule between two ports of a bridge stops it too (and ARP with it). Pure.
 */
export interface Endpoint {
  place: string;
  dev: string;
  /** a partition rule of a bridge on the way drops frames to this end */
  dropped?: NetDrop;
}

export interface Segment {
  endpoints: Endpoint[];
  /** the first link found down on the way (the frame goes no further there) */
  down?: NetLink;
}

const key = (l: { place: string; name: string }) => `${l.place}\0${l.name}`;

function dropBetween(net: Net, place: string, iif: string, oif: string): NetDrop | undefined {
  return net.drops.find((d) => d.place === place && d.iif.includes(iif) && d.oif.includes(oif));
}

export function segment(net: Net, place: string, dev: string): Segment {
  const seen = new Set<string>();
  const endpoints: Endpoint[] = [];
  let down: NetLink | undefined;
  const start = findLink(net, place, dev);
  if (!start) return { endpoints };
  if (!start.up) return { endpoints, down: start };
  seen.add(key(start));
  /** true the first time a link is met */
  const fresh = (l: NetLink): boolean => !seen.has(key(l)) && Boolean(seen.add(key(l)));

  const ports = (bridge: NetLink) => net.links.filter((l) => l.place === bridge.place && l.master === bridge.name);
  const children = (parent: NetLink) =>
    net.links.filter((l) => l.parent && l.parent.place === parent.place && l.parent.name === parent.name && (l.kind === "macvlan" || l.kind === "ipvlan"));
  const add = (l: NetLink, dropped?: NetDrop) => {
    if (l.place === place && l.name === dev) return;
    endpoints.push({ place: l.place, dev: l.name, ...(dropped ? { dropped } : {}) });
  };

  /** frames leaving `l` outward (not into its own place's stack) */
  const outward = (l: NetLink, dropped?: NetDrop): void => {
    if (l.kind === "bridge") {
      for (const p of ports(l)) if (p.up && fresh(p)) outward(p, dropped);
      return;
    }
    if (l.kind === "macvlan" || l.kind === "ipvlan") {
      const parent = l.parent && findLink(net, l.parent.place, l.parent.name);
      if (!parent) return;
      for (const s of children(parent)) if (s.up && fresh(s)) add(s, dropped);
      if (fresh(parent)) outward(parent, dropped);
      return;
    }
    const peer = l.peer && findLink(net, l.peer.place, l.peer.name);
    if (!peer || seen.has(key(peer))) return;
    seen.add(key(peer));
    if (!peer.up) {
      down ??= peer;
      return;
    }
    arrive(peer, dropped);
  };

  /** a frame arriving on `l` from its wire */
  const arrive = (l: NetLink, dropped?: NetDrop): void => {
    if (l.master) {
      const bridge = findLink(net, l.place, l.master);
      if (!bridge) return;
      if (!bridge.up) {
        down ??= bridge;
        return;
      }
      if (fresh(bridge)) add(bridge, dropped);
      for (const p of ports(bridge)) {
        if (p === l || seen.has(key(p))) continue;
        if (!p.up) {
          down ??= p;
          continue;
        }
        seen.add(key(p));
        outward(p, dropped ?? dropBetween(net, l.place, l.name, p.name));
      }
      return;
    }
    for (const c of children(l)) if (c.up && fresh(c)) add(c, dropped);
    add(l, dropped);
  };

  outward(start);
  return { endpoints, ...(down ? { down } : {}) };
}
