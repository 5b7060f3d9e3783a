import { defaultBroadcast } from "../../src/ipam/cidr.js";
import type { LiveState } from "../../src/model/live.js";
import type { Effect } from "../../src/plan/effect.js";

/** A toy kernel for tests: applies effects to a LiveState copy (no kernel involved, and no
 *  text: what the planner rendered is not read back). */
export function simulate(before: LiveState, effects: readonly (Effect | { effect: Effect })[]): LiveState {
  const s: LiveState = structuredClone(before);
  let ifindex = Math.max(100, ...s.links.map((l) => l.ifindex + 1));
  const drop = (ns: string, name: string) => {
    const l = s.links.find((x) => x.ns === ns && x.name === name);
    s.links = s.links.filter((x) => x !== l);
    const conf = `.conf.${name.replaceAll(".", "/")}.`;
    for (const k of Object.keys(s.sysctls[ns] ?? {})) if (k.includes(conf)) delete s.sysctls[ns]![k];
    s.addrs = s.addrs.filter((a) => !(a.ns === ns && a.dev === name));
    s.routes = s.routes.filter((r) => !(r.ns === ns && r.dev === name));
    return l;
  };
  // a veth pair dies with either end (ifindexes are unique in this toy kernel)
  const peerOf = (l: { linkIndex?: number }) => {
    const p = s.links.find((x) => x.kind === "veth" && x.ifindex === l.linkIndex);
    if (p) drop(p.ns, p.name);
  };
  for (const item of effects) {
    const e = "effect" in item ? item.effect : item;
    switch (e.k) {
      case "netns":
        s.namespaces.push(e.name);
        s.links.push({ ns: e.name, name: "lo", ifindex: 1, kind: "loopback", up: false });
        break;
      case "netns-del":
        s.namespaces = s.namespaces.filter((n) => n !== e.name);
        // a veth pair dies with either end
        for (const l of s.links.filter((x) => x.ns === e.name && x.kind === "veth")) {
          peerOf(l);
        }
        s.links = s.links.filter((l) => l.ns !== e.name);
        s.addrs = s.addrs.filter((a) => a.ns !== e.name);
        s.routes = s.routes.filter((r) => r.ns !== e.name);
        s.proxies = s.proxies.filter((p) => p.ns !== e.name);
        break;
      case "link":
        s.links.push({ ns: e.ns, name: e.name, ifindex: ifindex++, kind: e.kind, up: false, ...("mode" in e ? { mode: e.mode } : {}) });
        if (e.kind === "veth") {
          const me = s.links[s.links.length - 1]!;
          s.links.push({ ns: e.peer.ns, name: e.peer.name, ifindex: ifindex++, kind: "veth", up: false, linkIndex: me.ifindex });
          me.linkIndex = ifindex - 1;
        }
        break;
      case "link-del": {
        const l = drop(e.ns, e.name);
        if (l) peerOf(l);
        break;
      }
      case "alias":
      case "master":
      case "hairpin":
      case "mtu":
      case "hwaddr":
      case "updown": {
        const l = s.links.find((x) => x.ns === e.ns && x.name === e.dev);
        if (!l) throw new Error(`simulate: no link ${e.ns}:${e.dev} for ${JSON.stringify(e)}`);
        if (e.k === "alias") l.alias = e.alias;
        else if (e.k === "master") e.master === null ? delete l.master : (l.master = e.master);
        else if (e.k === "mtu") l.mtu = e.mtu;
        else if (e.k === "hairpin") l.hairpin = e.on;
        else if (e.k === "hwaddr") l.mac = e.mac;
        else l.up = e.up;
        break;
      }
      case "addr":
        if (e.add) {
          // the broadcast address `brd +` (and the helper) give an IPv4 address below /31
          const brd = defaultBroadcast(e.cidr);
          s.addrs.push(brd === undefined ? { ns: e.ns, dev: e.dev, cidr: e.cidr } : { ns: e.ns, dev: e.dev, cidr: e.cidr, brd });
        } else s.addrs = s.addrs.filter((a) => !(a.ns === e.ns && a.dev === e.dev && a.cidr === e.cidr));
        break;
      case "route":
        if (e.add)
          s.routes.push({
            ns: e.ns,
            dst: e.dst,
            family: e.dst.includes(":") || e.via?.includes(":") ? 6 : 4,
            ...(e.via ? { via: e.via } : {}),
            ...(e.dev ? { dev: e.dev } : {}),
          });
        else s.routes = s.routes.filter((r) => !(r.ns === e.ns && r.dst === e.dst && r.via === e.via));
        break;
      case "proxy":
        if (e.add) s.proxies.push({ ns: e.ns, addr: e.addr, dev: e.dev });
        else s.proxies = s.proxies.filter((p) => !(p.ns === e.ns && p.addr === e.addr && p.dev === e.dev));
        break;
      case "sysctl":
        (s.sysctls[e.ns] ??= {})[e.key] = e.value;
        break;
      default:
        break;
    }
  }
  return s;
}
