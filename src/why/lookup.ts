import { containsAddress, networkAddress, parseAddressOrCidr, parseCidr, type Cidr } from "../ipam/cidr.js";
import { formatIp, parseIp, type Family, type IpAddress } from "../ipam/ip.js";
import type { Span } from "../model/span.js";
import type { Net, NetAddr, NetLink, NetRoute } from "./net.js";

/**
 * The kernel's decisions `why` needs, over a Net: which place holds an address, the route a
 * place picks for a destination (longest prefix over its routes and the subnets of its own
 * addresses on links that are up — the kernel drops both with the link), the source address
 * it sends from, and its forwarding and proxy-ARP switches. Pure.
 */

export const ipOf = (text: string): IpAddress | null => parseIp(text.split("/")[0]!);
export const ipText = (ip: IpAddress): string => formatIp(ip.family, ip.addr);

export function findLink(net: Net, place: string, name: string): NetLink | undefined {
  return net.links.find((l) => l.place === place && l.name === name);
}

const isUp = (net: Net, place: string, dev: string): boolean => findLink(net, place, dev)?.up === true;

/** The place's address equal to `ip` (on any of its links: Linux answers for all of them). */
export function localAddr(net: Net, place: string, ip: IpAddress): NetAddr | undefined {
  return net.addrs.find((a) => a.place === place && sameIp(ipOf(a.cidr), ip));
}

export function sameIp(a: IpAddress | null, b: IpAddress | null): boolean {
  return a !== null && b !== null && a.family === b.family && a.addr === b.addr;
}

/** Places holding `ip`, the simulated ones last. */
export function holders(net: Net, ip: IpAddress): string[] {
  return [...new Set(net.addrs.filter((a) => sameIp(ipOf(a.cidr), ip)).map((a) => a.place))];
}

export interface Choice {
  /** the route as `ip route` would print it */
  text: string;
  dst: Cidr;
  via?: string;
  dev: string;
  /** the script's statement behind it (a route, or the address of a connected subnet) */
  span?: Span;
  connected: boolean;
  route?: NetRoute;
}

function routeCidr(r: NetRoute, family: Family): Cidr | null {
  if (r.dst === "default") {
    const fam = r.via ? ipOf(r.via)?.family : 4;
    return fam === family ? { family, addr: 0n, prefix: 0 } : null;
  }
  const c = parseAddressOrCidr(r.dst)?.cidr ?? null;
  return c && c.family === family ? c : null;
}

/** Connected subnets: each address's prefix route on a link that is up (none for /32, /128). */
export function connected(net: Net, place: string, family: Family): { cidr: Cidr; addr: NetAddr }[] {
  const out: { cidr: Cidr; addr: NetAddr }[] = [];
  for (const a of net.addrs) {
    if (a.place !== place || !isUp(net, place, a.dev)) continue;
    const c = parseCidr(a.cidr);
    if (!c || c.family !== family || c.prefix === (family === 4 ? 32 : 128)) continue;
    out.push({ cidr: { family, addr: networkAddress(c), prefix: c.prefix }, addr: a });
  }
  return out;
}

/** The device a gateway is reached on: the connected subnet holding it. */
function gatewayDev(net: Net, place: string, gw: IpAddress): string | undefined {
  const best = connected(net, place, gw.family)
    .filter((c) => containsAddress(c.cidr, gw.family, gw.addr))
    .sort((a, b) => b.cidr.prefix - a.cidr.prefix)[0];
  return best?.addr.dev;
}

export interface Lookup {
  choice?: Choice;
  /** a route (or the subnet of an address) that would have matched but is on a link that is
   *  down: the kernel drops both with the link, so the lookup finds nothing */
  down?: { dev: string; span?: Span | undefined };
}

/** The route `place` uses for `dst` (longest prefix; first written on a tie). */
export function lookup(net: Net, place: string, dst: IpAddress): Lookup {
  const cands: Choice[] = [];
  let down: Lookup["down"];
  for (const r of net.routes) {
    if (r.place !== place) continue;
    const c = routeCidr(r, dst.family);
    if (!c || !containsAddress(c, dst.family, dst.addr)) continue;
    const gw = r.via ? ipOf(r.via) : null;
    const dev = r.dev ?? (gw ? gatewayDev(net, place, gw) : undefined);
    if (dev === undefined) continue;
    if (!isUp(net, place, dev)) {
      down ??= { dev, span: findLink(net, place, dev)?.span ?? r.span };
      continue;
    }
    const text = `${r.dst}${r.via ? ` via ${r.via}` : ""} dev ${dev}${r.onlink ? " onlink" : ""}`;
    cands.push({ text, dst: c, ...(r.via ? { via: r.via } : {}), dev, ...(r.span ? { span: r.span } : {}), connected: false, route: r });
  }
  for (const { cidr, addr } of connected(net, place, dst.family)) {
    if (!containsAddress(cidr, dst.family, dst.addr)) continue;
    const text = `${formatIp(cidr.family, cidr.addr)}/${cidr.prefix} dev ${addr.dev} (connected)`;
    cands.push({ text, dst: cidr, dev: addr.dev, ...(addr.span ? { span: addr.span } : {}), connected: true });
  }
  // longest prefix wins; among equals the connected route (metric 0) before a static one
  const best = cands.sort((a, b) => b.dst.prefix - a.dst.prefix || Number(b.connected) - Number(a.connected))[0];
  if (!best && !down) {
    for (const a of net.addrs) {
      if (a.place !== place || isUp(net, place, a.dev)) continue;
      const c = parseCidr(a.cidr);
      if (c && c.family === dst.family && containsAddress(c, dst.family, dst.addr)) down ??= { dev: a.dev, span: findLink(net, place, a.dev)?.span ?? a.span };
    }
  }
  return { ...(best ? { choice: best } : {}), ...(down ? { down } : {}) };
}

/** The source address the kernel picks: one on the out link in the next hop's subnet, else
 *  the out link's first of the family, else any of the place's (not loopback). */
export function sourceAddress(net: Net, place: string, choice: Choice, nextHop: IpAddress): string | undefined {
  const mine = net.addrs
    .filter((a) => a.place === place && ipOf(a.cidr)?.family === nextHop.family)
    .filter((a) => !(nextHop.family === 6 && ipOf(a.cidr)!.addr >> 118n === 0x3fan));
  const onDev = mine.filter((a) => a.dev === choice.dev);
  const inSubnet = onDev.find((a) => {
    const c = parseCidr(a.cidr);
    return c !== null && containsAddress(c, nextHop.family, nextHop.addr);
  });
  const pick = inSubnet ?? onDev[0] ?? mine.find((a) => a.dev !== "lo") ?? mine[0];
  return pick?.cidr.split("/")[0];
}

function sysctl(net: Net, place: string, key: string): { value: string; span?: Span } | undefined {
  return net.sysctls[place]?.[key];
}

/** Whether the place forwards what arrives on `dev`, and the switch that says so. */
export function forwarding(net: Net, place: string, dev: string, family: Family): { on: boolean; key: string; value: string; span?: Span } {
  if (family === 6) {
    const k = "net.ipv6.conf.all.forwarding";
    const s = sysctl(net, place, `net.ipv6.conf.${dev}.forwarding`) ?? sysctl(net, place, k);
    return { on: s?.value === "1", key: k, value: s?.value ?? "0", ...(s?.span ? { span: s.span } : {}) };
  }
  const global = sysctl(net, place, "net.ipv4.ip_forward") ?? sysctl(net, place, "net.ipv4.conf.all.forwarding");
  // the per-device switch, when the kernel was read (writing ip_forward sets every device's)
  const perDev = sysctl(net, place, `net.ipv4.conf.${dev}.forwarding`);
  const s = perDev && net.source === "live" ? perDev : global;
  const key = s === perDev && perDev ? `net.ipv4.conf.${dev}.forwarding` : "net.ipv4.ip_forward";
  return { on: s?.value === "1", key, value: s?.value ?? "0", ...(global?.span ? { span: global.span } : s?.span ? { span: s.span } : {}) };
}

/** proxy_arp on the device or on `all` (the kernel ORs them). */
export function proxyArpOn(net: Net, place: string, dev: string): boolean {
  return sysctl(net, place, `net.ipv4.conf.${dev}.proxy_arp`)?.value === "1" || sysctl(net, place, "net.ipv4.conf.all.proxy_arp")?.value === "1";
}

export function proxyNdpOn(net: Net, place: string, dev: string): boolean {
  return sysctl(net, place, `net.ipv6.conf.${dev}.proxy_ndp`)?.value === "1" || sysctl(net, place, "net.ipv6.conf.all.proxy_ndp")?.value === "1";
}

/** A published neighbour (`ip neigh add proxy ADDR dev DEV`). */
export function publishes(net: Net, place: string, dev: string, ip: IpAddress): boolean {
  return net.proxies.some((p) => p.place === place && p.dev === dev && sameIp(ipOf(p.addr), ip));
}
