import type { LiveState } from "../model/live.js";
import { canonicalCidr } from "../ipam/cidr.js";
import { canonicalIp } from "../ipam/ip.js";
import type { Effect } from "./effect.js";

/**
 * What the kernel removes when a plan removes something: the effects themselves, and what
 * goes with them without being asked (as Linux does it; checked in the sandbox tests):
 * - deleting the last IPv4 address of a link flushes every IPv4 route through it (deleting
 *   another address takes only its own prefix route; IPv6 keeps routes via a gateway);
 * - setting a link down flushes its IPv4 routes, and its IPv6 addresses and routes;
 * - moving a link out of a namespace takes its addresses, routes and proxy entries, and it
 *   arrives down and bare;
 * - deleting a link takes those too; deleting a namespace takes everything in it. (The other
 *   end of a veth, and links in a deleted namespace's peers, the caller names as link
 *   deletions: it knows them from the ops that created them.)
 * The planner diffs the wanted ops against this, so an op whose effect a removal takes away
 * is applied again (a namespace's default route after its address changed, for one).
 */
export function afterRemovals(live: LiveState, effects: readonly Effect[]): LiveState {
  const s: LiveState = {
    ...live,
    namespaces: [...live.namespaces],
    links: [...live.links],
    addrs: [...live.addrs],
    routes: [...live.routes],
    proxies: [...live.proxies],
  };
  const on = (ns: string, dev: string) => (x: { ns: string; dev?: string }) => x.ns === ns && x.dev === dev;
  const dropLinkState = (ns: string, dev: string) => {
    s.addrs = s.addrs.filter((a) => !on(ns, dev)(a));
    s.routes = s.routes.filter((r) => !on(ns, dev)(r));
    s.proxies = s.proxies.filter((p) => !on(ns, dev)(p));
  };
  const dropLink = (ns: string, name: string) => {
    s.links = s.links.filter((x) => !(x.ns === ns && x.name === name));
    dropLinkState(ns, name);
  };
  for (const e of effects) {
    switch (e.k) {
      case "netns-del":
        for (const l of s.links.filter((x) => x.ns === e.name)) dropLink(l.ns, l.name);
        s.namespaces = s.namespaces.filter((n) => n !== e.name);
        s.addrs = s.addrs.filter((a) => a.ns !== e.name);
        s.routes = s.routes.filter((r) => r.ns !== e.name);
        s.proxies = s.proxies.filter((p) => p.ns !== e.name);
        break;
      case "link-del":
        dropLink(e.ns, e.name);
        break;
      case "move": {
        const l = s.links.find((x) => x.ns === e.fromNs && x.name === e.from);
        if (!l) break;
        s.links = s.links.filter((x) => x !== l);
        dropLinkState(e.fromNs, e.from);
        const { alias: _alias, master: _master, ...rest } = l;
        s.links.push({ ...rest, ns: e.ns, name: e.name, up: false });
        break;
      }
      case "updown":
        if (e.up) break;
        s.links = s.links.map((l) => (l.ns === e.ns && l.name === e.dev ? { ...l, up: false } : l));
        s.routes = s.routes.filter((r) => !on(e.ns, e.dev)(r));
        s.addrs = s.addrs.filter((a) => !(on(e.ns, e.dev)(a) && a.cidr.includes(":") && !isLinkLocal6(a.cidr)));
        break;
      case "addr": {
        if (e.add) break;
        const cidr = canonicalCidr(e.cidr) ?? e.cidr;
        s.addrs = s.addrs.filter((a) => !(on(e.ns, e.dev)(a) && (canonicalCidr(a.cidr) ?? a.cidr) === cidr));
        const v4 = !e.cidr.includes(":");
        if (v4 && !s.addrs.some((a) => on(e.ns, e.dev)(a) && !a.cidr.includes(":"))) s.routes = s.routes.filter((r) => !(on(e.ns, e.dev)(r) && r.family === 4));
        break;
      }
      case "route":
        if (e.add) break;
        s.routes = s.routes.filter(
          (r) => !(r.ns === e.ns && sameDst(r.dst, e.dst) && (e.via === undefined || sameIp(r.via, e.via)) && (e.dev === undefined || r.dev === e.dev)),
        );
        break;
      case "proxy":
        if (e.add) break;
        s.proxies = s.proxies.filter((p) => !(on(e.ns, e.dev)(p) && sameIp(p.addr, e.addr)));
        break;
      case "master":
        if (e.master === null) s.links = s.links.map((l) => (l.ns === e.ns && l.name === e.dev ? withoutMaster(l) : l));
        break;
      default:
        break;
    }
  }
  return s;
}

function withoutMaster<T extends { master?: string }>(l: T): T {
  const { master: _m, ...rest } = l;
  return rest as T;
}

const isLinkLocal6 = (cidr: string): boolean => /^fe[89ab]/i.test(cidr);
const sameIp = (a: string | undefined, b: string): boolean => a !== undefined && (canonicalIp(a) ?? a) === (canonicalIp(b) ?? b);
function sameDst(live: string, op: string): boolean {
  if (live === "default" || op === "default") return live === op;
  const withLen = (x: string) => (x.includes("/") ? x : `${x}/${x.includes(":") ? 128 : 32}`);
  return (canonicalCidr(withLen(live)) ?? live) === (canonicalCidr(withLen(op)) ?? op);
}
