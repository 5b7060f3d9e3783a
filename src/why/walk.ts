import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { IpAddress } from "../ipam/ip.js";
import { containsAddress, parseCidr } from "../ipam/cidr.js";
import type { Span } from "../model/span.js";
import type { Net, NetDrop } from "./net.js";
import { segment, type Endpoint } from "./l2.js";
import { forwarding, holders, ipOf, ipText, localAddr, lookup, proxyArpOn, proxyNdpOn, publishes, sourceAddress } from "./lookup.js";
import { findingAt, type Finding } from "./findings.js";

/**
 * The path walk: a ping from one place to an address, hop by hop as the kernel would send it
 * — route lookup, next hop on the segment (who answers ARP, by proxy too), forwarding,
 * partition drops, masquerade — and then its reply back to the source the ping used (through
 * the NAT that rewrote it). The first thing that stops either is the finding. Pure.
 */
export interface Hop {
  place: string;
  /** the link the packet arrived on (none where it starts) */
  in?: string;
  /** the route used, as `ip route` prints it, and the statement behind it */
  route?: string;
  routeSpan?: Span;
  out?: string;
  via?: string;
  /** the source address chosen where the packet starts, or written by NAT */
  src?: string;
  nat?: string;
  /** who answered ARP for the next hop: `r1:eth0`, with `proxy` when by proxy ARP */
  next?: { place: string; dev: string; proxy: boolean };
  delivered?: boolean;
}

export interface Leg {
  /** `h1 → h3`, or `h3 → h1 (the reply)` */
  label: string;
  dst: string;
  hops: Hop[];
}

interface NatRecord {
  place: string;
  original: IpAddress;
  translated: IpAddress;
}

const MAX_HOPS = 32;

function ifMatches(pattern: string, dev: string): boolean {
  return pattern.endsWith("*") ? dev.startsWith(pattern.slice(0, -1)) : pattern === dev;
}

/** Answers ARP (NDP) for `ip` arriving on `e.dev` by proxy: the kernel's arp_process. */
function proxyState(net: Net, e: Endpoint, ip: IpAddress): "answers" | "no-forwarding" | "no" {
  if (localAddr(net, e.place, ip)) return "no";
  const published = publishes(net, e.place, e.dev, ip);
  const willing = ip.family === 4 ? proxyArpOn(net, e.place, e.dev) || published : published && proxyNdpOn(net, e.place, e.dev);
  if (!willing) return "no";
  const route = lookup(net, e.place, ip).choice;
  if (ip.family === 4 && (!route || route.dev === e.dev)) return "no";
  return forwarding(net, e.place, e.dev, ip.family).on ? "answers" : "no-forwarding";
}

interface LegResult {
  leg: Leg;
  delivered?: { place: string; src: IpAddress };
  finding?: Finding;
}

/** `nats` collects what masquerade rewrote on the way there; a reply (`nats` null) is not
 *  matched against nat rules (conntrack rewrites it back instead, through `undo`). */
function walkLeg(net: Net, start: string, dst0: IpAddress, label: string, src0: IpAddress | null, nats: NatRecord[] | null, undo: NatRecord[]): LegResult {
  const leg: Leg = { label, dst: ipText(dst0), hops: [] };
  let dst = dst0;
  let src = src0;
  let place = start;
  let inDev: string | undefined;
  const visited = new Set<string>();
  const stop = (f: Finding): LegResult => ({ leg, finding: f });
  for (let n = 0; n < MAX_HOPS; n++) {
    const hop: Hop = { place, ...(inDev !== undefined ? { in: inDev } : {}) };
    leg.hops.push(hop);
    if (localAddr(net, place, dst)) {
      // a reply reaching the namespace that masqueraded its request: conntrack gives it back
      // its real destination, and it is forwarded on
      const back = undo.find((u) => u.place === place && u.translated.addr === dst.addr && u.translated.family === dst.family);
      if (!back || inDev === undefined) {
        hop.delivered = true;
        return { leg, delivered: { place, src: src ?? dst } };
      }
      hop.nat = `reply to ${ipText(back.translated)} is for ${ipText(back.original)} (NAT undone)`;
      dst = back.original;
    } else if (inDev !== undefined) {
      const fw = forwarding(net, place, inDev, dst.family);
      if (!fw.on) return stop({ code: "NS604", place, key: fw.key, value: fw.value, span: fw.span, leg: label });
    }
    const loopKey = `${place}\0${ipText(dst)}`;
    if (visited.has(loopKey))
      return stop({ code: "NS606", place, leg: label, path: leg.hops.map((h) => h.place).join(" → "), span: leg.hops.at(-2)?.routeSpan });
    visited.add(loopKey);

    const found = lookup(net, place, dst);
    const c = found.choice;
    if (!c) {
      if (found.down) return stop({ code: "NS607", place, dev: found.down.dev, leg: label, span: found.down.span });
      return stop({ code: "NS601", place, dst: ipText(dst), leg: label, src: src === null ? undefined : ipText(src) });
    }
    hop.route = c.text;
    if (c.span) hop.routeSpan = c.span;
    hop.out = c.dev;
    if (c.via) hop.via = c.via;
    const gw = c.via ? ipOf(c.via) : null;
    if (gw && localAddr(net, place, gw)) return stop({ code: "NS609", place, gw: c.via!, leg: label, span: c.span });
    const nextHop = gw ?? dst;
    if (src === null) {
      const s = sourceAddress(net, place, c, nextHop);
      if (!s) return stop({ code: "NS608", place, family: dst.family === 4 ? "IPv4" : "IPv6", leg: label });
      src = ipOf(s)!;
      hop.src = s;
    }
    if (inDev !== undefined) {
      const drop = net.drops.find((d) => d.place === place && d.iif.includes(inDev!) && d.oif.includes(c.dev));
      if (drop) return stop(partitionFinding(drop, place, inDev, c.dev, label));
    }
    const nat = net.nats.find((m) => {
      if (m.place !== place || m.oif !== c.dev) return false;
      if (m.iif) return inDev !== undefined && ifMatches(m.iif, inDev);
      const cidr = m.saddr ? parseCidr(m.saddr) : null;
      return cidr !== null && src !== null && containsAddress(cidr, src.family, src.addr);
    });
    if (nat && src && nats) {
      const s = sourceAddress(net, place, c, nextHop);
      const to = s ? ipOf(s) : null;
      if (to && to.addr !== src.addr) {
        nats.push({ place, original: src, translated: to });
        hop.nat = `masquerade ${ipText(src)} as ${ipText(to)}`;
        src = to;
      }
    }

    const seg = segment(net, place, c.dev);
    const hears = seg.endpoints.filter((e) => !e.dropped);
    const owners = hears.filter((e) => localAddr(net, e.place, nextHop));
    const owner = owners.find((e) => localAddr(net, e.place, nextHop)?.dev === e.dev) ?? owners[0];
    const proxy = owner ? undefined : hears.find((e) => proxyState(net, e, nextHop) === "answers");
    const next = owner ?? proxy;
    if (!next) {
      const blocked = seg.endpoints.find((e) => e.dropped && (localAddr(net, e.place, nextHop) || proxyState(net, e, nextHop) === "answers"));
      if (blocked?.dropped) return stop(partitionFinding(blocked.dropped, blocked.dropped.place, place, blocked.place, label));
      if (seg.down) return stop({ code: "NS607", place: seg.down.place, dev: seg.down.name, leg: label, span: seg.down.span });
      const lazy = hears.find((e) => proxyState(net, e, nextHop) === "no-forwarding");
      if (lazy) {
        const fw = forwarding(net, lazy.place, lazy.dev, nextHop.family);
        return stop({ code: "NS604", place: lazy.place, key: fw.key, value: fw.value, span: fw.span, leg: label, proxyFor: ipText(nextHop) });
      }
      const base = { place, dev: c.dev, leg: label, segment: hears, nextHop: ipText(nextHop), owners: holders(net, nextHop) };
      return stop(gw ? { code: "NS602", ...base, gw: c.via!, dst: ipText(dst), span: c.span } : { code: "NS603", ...base, dst: ipText(dst) });
    }
    hop.next = { place: next.place, dev: next.dev, proxy: next === proxy };
    place = next.place;
    inDev = next.dev;
  }
  return stop({ code: "NS606", place, leg: label, path: leg.hops.map((h) => h.place).join(" → ") });
}

function partitionFinding(drop: NetDrop, place: string, from: string, to: string, leg: string): Finding {
  return { code: "NS605", place, from, to, leg, span: drop.span };
}

export interface WhyResult {
  from: string;
  to: string;
  /** the address probed (`to` itself when it is one) */
  dst: string;
  source: Net["source"];
  legs: Leg[];
  reachable: boolean;
  finding?: Diagnostic;
}

/**
 * Why a ping from `from` to `dst` (standing for `to`) does or does not come back. `legs[0]`
 * is the way there; `legs[1]`, when the request arrives, the reply's way back.
 */
export function walk(net: Net, from: string, to: string, dst: string): WhyResult {
  const base = { from, to, dst, source: net.source };
  const ip = ipOf(dst);
  const there = `${from} → ${to}`;
  if (!ip) throw new Error(`internal: ${dst} is not an address`);
  if (!net.places.includes(from)) {
    return { ...base, legs: [], reachable: false, finding: findingAt(net, { code: "NS601", place: from, dst, leg: there }, []) };
  }
  const nats: NatRecord[] = [];
  const out = walkLeg(net, from, ip, there, null, nats, []);
  if (out.finding || !out.delivered) return { ...base, legs: [out.leg], reachable: false, finding: findingAt(net, out.finding!, [out.leg]) };
  const srcHop = out.leg.hops[0]?.src ?? dst;
  const origin = ipOf(srcHop)!;
  const reply = out.delivered.src;
  const backLabel = `${to} → ${from} (the reply)`;
  const back = walkLeg(net, out.delivered.place, reply, backLabel, ip, null, nats);
  const legs = [out.leg, back.leg];
  if (back.finding) return { ...base, legs, reachable: false, finding: findingAt(net, back.finding, legs) };
  if (back.delivered && back.delivered.place !== from) {
    const f: Finding = { code: "NS610", place: back.delivered.place, src: ipText(origin), owner: from, leg: backLabel };
    return { ...base, legs, reachable: false, finding: findingAt(net, f, legs) };
  }
  return { ...base, legs, reachable: true };
}
