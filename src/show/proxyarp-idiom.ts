import type { LiveLink, LiveNeighProxy, LiveRoute, LiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import { containsAddress, parseCidr, type Cidr } from "../ipam/cidr.js";
import { canonicalIp, formatIp } from "../ipam/ip.js";
import type { Selection } from "./select.js";
import { proxyArpKey, proxyNdpKey } from "./sysctls.js";

/**
 * Recognising `proxyarp on IF` in a live kernel: the routed-veth recipe leaves, for every
 * address of a namespace that is not on a transit subnet shared with the host end of its
 * veth, a host route ADDR/32 (or /128) to that host end (via the transit address when
 * there is one), a proxy neighbour ADDR on the uplink, and proxy_arp=1 on the host end —
 * exactly what the planner makes of `proxyarp on IF` (src/plan/proxyarp.ts). When all of
 * it is there, `show` prints the one statement and leaves out the pieces it stands for,
 * including the namespace's on-link default route via the host's gateway. Only on a device
 * the output declares with `uplink` (the language's `proxyarp on` takes nothing else): a
 * proxy on a host device some namespace's veth makes is printed as its pieces, which check.
 */
export interface ProxyArpIdiom {
  ns: string;
  uplink: string;
  /** host routes, proxy neighbours, the namespace's default route and sysctls the statement implies */
  routes: Set<LiveRoute>;
  proxies: Set<LiveNeighProxy>;
  sysctls: { ns: string; key: string }[];
}

const isLinkLocal = (c: Cidr) => (c.family === 6 ? c.addr >> 118n === 0x3fan : c.addr >> 16n === 0xa9fen);
const sameSubnet = (a: Cidr, b: Cidr) => a.prefix === b.prefix && containsAddress(a, b.family, b.addr);
const ipEq = (a: string | undefined, b: string | undefined) => (a === undefined || b === undefined ? a === b : canonicalIp(a) === canonicalIp(b));

export function findProxyArps(live: LiveState, sel: Selection): ProxyArpIdiom[] {
  const out: ProxyArpIdiom[] = [];
  const cidrs = (ns: string, dev: string) =>
    live.addrs
      .filter((a) => a.ns === ns && a.dev === dev)
      .map((a) => parseCidr(a.cidr))
      .filter((c): c is Cidr => c !== null && !isLinkLocal(c));
  for (const ns of sel.shown) {
    // routed veths: this namespace's veths whose other end is in the host
    const legs: [LiveLink, LiveLink][] = [];
    for (const l of live.links) {
      if (l.ns !== ns || l.kind !== "veth") continue;
      const p = sel.pairs.peerOf(l);
      if (p?.ns === HOST) legs.push([l, p]);
    }
    if (legs.length === 0) continue;
    const idiom = recognise(live, ns, legs, cidrs, sel.uplinks);
    if (idiom) out.push(idiom);
  }
  return out;
}

function recognise(
  live: LiveState,
  ns: string,
  legs: [LiveLink, LiveLink][],
  cidrs: (ns: string, dev: string) => Cidr[],
  uplinks: readonly string[],
): ProxyArpIdiom | undefined {
  const routes = new Set<LiveRoute>();
  const proxies = new Set<LiveNeighProxy>();
  const families = new Set<4 | 6>();
  let uplink: string | undefined;
  for (const [inner, hostEnd] of legs) {
    const hostSide = cidrs(HOST, hostEnd.name);
    const mine = cidrs(ns, inner.name);
    const transit = (c: Cidr) => hostSide.some((h) => sameSubnet(h, c));
    for (const c of mine) {
      if (transit(c)) continue;
      const addr = formatIp(c.family, c.addr);
      const via = mine.find((x) => x.family === c.family && transit(x));
      const host = `${addr}/${c.family === 4 ? 32 : 128}`;
      const route = live.routes.find(
        (r) => r.ns === HOST && r.dst === host && r.dev === hostEnd.name && ipEq(r.via, via ? formatIp(via.family, via.addr) : undefined),
      );
      const proxy = live.proxies.find((p) => p.ns === HOST && ipEq(p.addr, addr) && (uplink === undefined || p.dev === uplink));
      if (!route || !proxy || !uplinks.includes(proxy.dev)) return undefined;
      // the published address must lie in the uplink's subnet, as the checker demands
      const up = cidrs(HOST, proxy.dev);
      if (up.length && !up.some((u) => containsAddress(u, c.family, c.addr))) return undefined;
      uplink = proxy.dev;
      routes.add(route);
      proxies.add(proxy);
      families.add(c.family);
    }
    if (live.sysctls[HOST]?.[proxyArpKey(hostEnd.name)] !== "1") return undefined;
  }
  if (uplink === undefined) return undefined;
  const sysctls = [
    { ns: HOST, key: "net.ipv4.ip_forward" },
    ...legs.map(([, h]) => ({ ns: HOST, key: proxyArpKey(h.name) })),
    ...(families.has(6)
      ? [
          { ns: HOST, key: "net.ipv6.conf.all.forwarding" },
          { ns: HOST, key: proxyNdpKey(uplink) },
        ]
      : []),
  ];
  // the on-link default route the planner adds via the host's gateway, when the namespace has no own
  for (const family of families) {
    const gw = live.routes.find((r) => r.ns === HOST && r.dst === "default" && r.family === family && r.via !== undefined)?.via;
    const dflt = live.routes.find(
      (r) => r.ns === ns && r.dst === "default" && r.family === family && r.onlink === true && ipEq(r.via, gw) && legs.some(([l]) => l.name === r.dev),
    );
    if (gw !== undefined && dflt) routes.add(dflt);
  }
  return { ns, uplink, routes, proxies, sysctls };
}
