import { parseIp } from "../ipam/ip.js";
import type { LiveState } from "../model/live.js";
import type { Span } from "../model/span.js";
import { emptyProjectState } from "../model/state.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import { emptyMachine } from "../engine/offline.js";
import type { Effect } from "../plan/effect.js";
import { plan } from "../plan/plan.js";

/**
 * The network `why` walks: per place (HOST, each namespace, and the LAN `nsnet sandbox` puts
 * behind each uplink) its links, addresses, routes, proxy neighbours, forwarding and proxy-ARP
 * switches, and the masquerade and partition rules — each with the source span that made it,
 * so a finding can say which line to change.
 *
 * From a script it is built from the planner's own ops for an empty machine (what `up` does
 * in a fresh `nsnet sandbox`: proxyarp's derived routes, neighbours and sysctls included), so
 * `why` and `up` cannot disagree about what the script means. With live state the kernel's
 * addresses, routes, neighbours, link states and sysctls replace the planned ones
 * (overlayLive); which link is whose peer still comes from the model.
 */
export interface NetLink {
  place: string;
  name: string;
  kind: string;
  up: boolean;
  /** a veth's other end */
  peer?: { place: string; name: string };
  /** the bridge (in the same place) this link is a port of */
  master?: string;
  /** a macvlan/ipvlan/vlan's parent (in the same place, or the host) */
  parent?: { place: string; name: string };
  span?: Span;
}

export interface NetAddr {
  place: string;
  dev: string;
  cidr: string;
  span?: Span;
}

export interface NetRoute {
  place: string;
  /** "default" or a CIDR */
  dst: string;
  via?: string;
  dev?: string;
  onlink?: boolean;
  span?: Span;
}

export interface NetProxy {
  place: string;
  addr: string;
  dev: string;
  span?: Span;
}

export interface NetSysctl {
  value: string;
  span?: Span;
}

export interface NetNat {
  place: string;
  /** `iif` an nft interface pattern (trailing `*`), or `saddr` a CIDR */
  iif?: string;
  saddr?: string;
  oif: string;
  span?: Span;
}

export interface NetDrop {
  place: string;
  iif: string[];
  oif: string[];
  span?: Span;
}

export interface Net {
  places: string[];
  links: NetLink[];
  addrs: NetAddr[];
  routes: NetRoute[];
  proxies: NetProxy[];
  /** place → key → value (only keys someone set or the kernel was asked for) */
  sysctls: Record<string, Record<string, NetSysctl>>;
  nats: NetNat[];
  drops: NetDrop[];
  /** where a place is declared (`ns NAME`), for findings without a statement of their own */
  placeSpans: Record<string, Span>;
  /** places that stand for something outside the script (the sandbox's `lan`) */
  simulated: Record<string, string>;
  /** where the network came from: the script alone, or the kernel over it */
  source: "model" | "live";
}

/** The namespace `nsnet sandbox` creates to play every uplink's LAN (src/exec/sandbox.ts). */
export const SANDBOX_LAN = "lan";

const PROJECT = "why";

/**
 * The LAN behind each uplink, as `nsnet sandbox` simulates it (src/cli/commands/sandbox.ts,
 * simulatedUplinks): a veth whose far end, in `lan`, holds the gateway of the host's default
 * route with the prefix of the host's own address on that uplink.
 */
function simulatedLan(t: AddressedTopology, net: Net): void {
  const uplinks = t.devices.filter((d) => d.kind === "uplink" && d.ns === HOST);
  if (!uplinks.length || t.namespaces.some((n) => n.name === SANDBOX_LAN)) return;
  net.places.push(SANDBOX_LAN);
  net.simulated[SANDBOX_LAN] = `the LAN behind uplink ${uplinks.map((u) => u.name).join(", ")} (as \`nsnet sandbox\` simulates it)`;
  const gw = t.routes.find((r) => r.ns === HOST && r.dst === "default" && r.via)?.via;
  for (const u of uplinks) {
    net.links.push({ place: SANDBOX_LAN, name: u.name, kind: "veth", up: true, peer: { place: HOST, name: u.name }, span: u.span });
    const host = net.links.find((l) => l.place === HOST && l.name === u.name);
    if (host) host.peer = { place: SANDBOX_LAN, name: u.name };
    const own = t.resolved.find((r) => r.ns === HOST && r.dev === u.name && r.cidr.includes(".") === Boolean(gw?.includes(".")));
    const prefix = own?.cidr.split("/")[1];
    if (gw && prefix) net.addrs.push({ place: SANDBOX_LAN, dev: u.name, cidr: `${gw}/${prefix}`, span: u.span });
  }
  net.links.push({ place: SANDBOX_LAN, name: "lo", kind: "loopback", up: true });
}

/** The network a script means once `up` has run on an empty machine. Pure. */
export function netFromTopology(t: AddressedTopology): Net {
  const net: Net = {
    places: [HOST, ...t.namespaces.map((n) => n.name).filter((n) => n !== HOST)],
    links: [],
    addrs: [],
    routes: [],
    proxies: [],
    sysctls: {},
    nats: [],
    drops: [],
    placeSpans: Object.fromEntries(t.namespaces.map((n) => [n.name, n.span])),
    simulated: {},
    source: "model",
  };
  const live = emptyMachine(t);
  for (const l of live.links) net.links.push({ place: HOST, name: l.name, kind: l.kind || "uplink", up: l.up });
  for (const p of net.places) if (p !== HOST) net.links.push({ place: p, name: "lo", kind: "loopback", up: true });
  const { ops } = plan(t, live, { project: PROJECT, previous: emptyProjectState(PROJECT) });
  for (const op of ops) apply(net, op.effect, op.span);
  for (const d of t.devices) {
    const l = net.links.find((x) => x.place === d.ns && x.name === d.name);
    if (l) l.span = d.span;
  }
  // nat and partition spans per statement (the nft op carries one for its whole table)
  for (const n of net.nats) {
    const stmt = t.nats.find((x) => x.ns === n.place && x.outDev.name === n.oif);
    if (stmt) n.span = stmt.span;
  }
  const partition = [...t.partitions].reverse().find((p) => p.groups !== null);
  for (const d of net.drops) if (partition) d.span = partition.span;
  simulatedLan(t, net);
  return net;
}

function link(net: Net, place: string, name: string): NetLink | undefined {
  return net.links.find((l) => l.place === place && l.name === name);
}

function apply(net: Net, e: Effect, span: Span | undefined): void {
  const at = span ? { span } : {};
  switch (e.k) {
    case "link": {
      const base = { place: e.ns, name: e.name, kind: e.kind, up: false, ...at };
      if (e.kind === "veth") {
        net.links.push({ ...base, peer: { place: e.peer.ns, name: e.peer.name } });
        net.links.push({ place: e.peer.ns, name: e.peer.name, kind: "veth", up: false, peer: { place: e.ns, name: e.name }, ...at });
      } else if (e.kind === "bridge") net.links.push(base);
      else net.links.push({ ...base, parent: { place: e.at, name: e.parent } });
      break;
    }
    case "move":
      net.links.push({ place: e.ns, name: e.name, kind: "moved", up: false, ...at });
      break;
    case "master": {
      const l = link(net, e.ns, e.dev);
      if (l) l.master = e.master ?? undefined;
      if (l && !e.master) delete l.master;
      break;
    }
    case "updown": {
      const l = link(net, e.ns, e.dev);
      if (l) l.up = e.up;
      break;
    }
    case "addr":
      if (e.add) net.addrs.push({ place: e.ns, dev: e.dev, cidr: e.cidr, ...at });
      break;
    case "route":
      if (e.add)
        net.routes.push({
          place: e.ns,
          dst: e.dst,
          ...(e.via ? { via: e.via } : {}),
          ...(e.dev ? { dev: e.dev } : {}),
          ...(e.onlink ? { onlink: true } : {}),
          ...at,
        });
      break;
    case "proxy":
      if (e.add) net.proxies.push({ place: e.ns, addr: e.addr, dev: e.dev, ...at });
      break;
    case "sysctl":
      (net.sysctls[e.ns] ??= {})[e.key] = { value: e.value, ...at };
      break;
    case "nft":
      for (const m of e.masquerade) net.nats.push({ place: e.ns, ...("iif" in m ? { iif: m.iif } : { saddr: m.saddr }), oif: m.oif, ...at });
      for (const d of e.drop) net.drops.push({ place: e.ns, iif: d.iif, oif: d.oif, ...at });
      break;
    default:
      break;
  }
}

/** The sysctl keys `why` reads from the kernel for a place: forwarding and proxy ARP/NDP. */
export function sysctlKeysFor(net: Net, place: string): string[] {
  const keys = ["net.ipv4.ip_forward", "net.ipv4.conf.all.proxy_arp", "net.ipv6.conf.all.forwarding"];
  for (const l of net.links) {
    if (l.place !== place || l.kind === "loopback" || !/^[A-Za-z0-9_-]+$/.test(l.name)) continue;
    keys.push(`net.ipv4.conf.${l.name}.proxy_arp`, `net.ipv4.conf.${l.name}.forwarding`);
  }
  return keys;
}

/**
 * The kernel's state over the model: addresses, routes, proxy neighbours, link states and the
 * sysctls read replace the model's for every place the kernel shows; a span stays with an item
 * the script made (same place and text), so a finding still points at its line. Places the
 * kernel does not have are left out (nothing can pass through them).
 */
export function overlayLive(model: Net, live: LiveState): Net {
  const present = new Set([HOST, ...live.namespaces]);
  const places = model.places.filter((p) => present.has(p));
  for (const ns of live.namespaces) if (!places.includes(ns)) places.push(ns);
  const spanOf = <T extends { place: string; span?: Span }>(list: T[], match: (x: T) => boolean) => list.find(match)?.span;
  const links: NetLink[] = live.links.map((l) => {
    const m = model.links.find((x) => x.place === l.ns && x.name === l.name);
    // an uplink stays one (the kernel shows what it is made of: a veth in the sandbox)
    const kind = m?.kind === "uplink" ? "uplink" : l.kind || m?.kind || "";
    const out: NetLink = { place: l.ns, name: l.name, kind, up: l.up };
    if (m?.peer && present.has(m.peer.place)) out.peer = m.peer;
    if (l.master) out.master = l.master;
    if (m?.parent) out.parent = m.parent;
    if (m?.span) out.span = m.span;
    return out;
  });
  const routes: NetRoute[] = live.routes
    .filter((r) => r.dst === "default" || parseIp(r.dst.split("/")[0]!) !== null)
    .filter((r) => r.proto !== "kernel")
    .map((r) => {
      const span = spanOf(model.routes, (x) => x.place === r.ns && sameDst(x.dst, r.dst) && x.via === r.via);
      return {
        place: r.ns,
        dst: r.dst,
        ...(r.via ? { via: r.via } : {}),
        ...(r.dev ? { dev: r.dev } : {}),
        ...(r.onlink ? { onlink: true } : {}),
        ...(span ? { span } : {}),
      };
    });
  const addrs: NetAddr[] = live.addrs.map((a) => {
    const span = spanOf(model.addrs, (x) => x.place === a.ns && x.dev === a.dev && x.cidr === a.cidr);
    return { place: a.ns, dev: a.dev, cidr: a.cidr, ...(span ? { span } : {}) };
  });
  const proxies: NetProxy[] = live.proxies.map((p) => {
    const span = spanOf(model.proxies, (x) => x.place === p.ns && x.addr === p.addr && x.dev === p.dev);
    return { place: p.ns, addr: p.addr, dev: p.dev, ...(span ? { span } : {}) };
  });
  const sysctls: Record<string, Record<string, NetSysctl>> = {};
  for (const p of places) {
    const read = live.sysctls[p] ?? {};
    const mine = { ...(model.sysctls[p] ?? {}) };
    for (const [k, v] of Object.entries(read)) mine[k] = { value: v, ...(mine[k]?.span ? { span: mine[k]!.span } : {}) };
    sysctls[p] = mine;
  }
  return {
    places,
    links,
    addrs,
    routes,
    proxies,
    sysctls,
    nats: model.nats.filter((n) => present.has(n.place)),
    drops: model.drops.filter((d) => present.has(d.place)),
    placeSpans: model.placeSpans,
    simulated: Object.fromEntries(Object.entries(model.simulated).filter(([p]) => present.has(p))),
    source: "live",
  };
}

function sameDst(a: string, b: string): boolean {
  if (a === b) return true;
  // `ip -j` writes a host route without its /32
  const full = (s: string) => (s === "default" || s.includes("/") ? s : `${s}/${s.includes(":") ? 128 : 32}`);
  return full(a) === full(b);
}
