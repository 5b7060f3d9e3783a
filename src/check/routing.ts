import { containsAddress } from "../ipam/cidr.js";
import { parseIp, type Family, type IpAddress } from "../ipam/ip.js";
import { HOST, devKey, type Device, type Route } from "../model/topology.js";
import { isLinkLocal6, parsePrefixed } from "./cidr.js";
import type { CheckContext, CheckedAddress } from "./context.js";
import { patternMatches } from "./validators/nat.js";

/**
 * What the routing checks share: who holds an address on which link, which interfaces carry
 * IP, where forwarding and proxy ARP are on (as the planner will set them), which links the
 * script does not fully know. Built once per check run, on first use.
 */
export interface RoutingView {
  /** forwarding for the family in ns: the script's own sysctl, else what proxyarp/nat/portmap imply */
  forwards(ns: string, family: Family): boolean;
  /** the interface answers ARP for addresses that are not its own (proxy_arp on it or on `all`) */
  proxyArps(ns: string, dev: string): boolean;
  /** the addresses equal to ip, anywhere */
  holders(ip: IpAddress): readonly CheckedAddress[];
  /** the address equal to ip on one link */
  holderOn(segment: string, ip: IpAddress): CheckedAddress | undefined;
  /** a link with something nsnet does not know all of: an uplink, a moved NIC, an undeclared
   *  device, a host end that `on add` handlers may configure — what is on it is not all in the script */
  open(segment: string): boolean;
  /** a link where some namespace's `addr auto` is not resolved yet */
  pending(segment: string): boolean;
  /** interfaces on a link that carry addresses themselves (not bridge ports) */
  l3On(segment: string): readonly Device[];
  /** interfaces of a namespace that carry addresses (not bridge ports, not lo) */
  interfacesOf(ns: string): readonly Device[];
  /** the link of an interface */
  segmentOf(ns: string, dev: string): string;
  /** masqueraded by some `nat` on its way out, so others never see the address itself */
  natHidden(a: CheckedAddress): boolean;
  /** the namespace has an interface the script sets down (most have none) */
  hasDown(ns: string): boolean;
  /** the namespace has a route for ip: connected, declared, or the default a `proxyarp` implies */
  routesTo(ns: string, ip: IpAddress): boolean;
}

/** A gateway's address: ten thousand routes name the same few, so each text is parsed once
 *  (the cache is dropped whole when it grows past a few thousand texts). */
const parsedGateways = new Map<string, IpAddress | null>();
export function gatewayIp(text: string): IpAddress | null {
  let ip = parsedGateways.get(text);
  if (ip === undefined) {
    if (parsedGateways.size > 4096) parsedGateways.clear();
    ip = parseIp(text);
    parsedGateways.set(text, ip);
  }
  return ip;
}

/** IPv4 unless the gateway says otherwise (`route default dev eth0` is IPv4 to `ip`). */
export function routeFamily(r: Route): Family {
  if (r.dst !== "default") return parsePrefixed(r.dst)?.family ?? 4;
  return (r.via !== undefined ? gatewayIp(r.via)?.family : undefined) ?? 4;
}

const V4_FORWARD = new Set(["net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding"]);
const V6_FORWARD = "net.ipv6.conf.all.forwarding";
const PROXY_ARP = /^net\.ipv4\.conf\.(.+)\.proxy_arp$/;
const on = (value: string): boolean => value.trim() !== "0";

const views = new WeakMap<CheckContext, RoutingView>();

export function routingOf(ctx: CheckContext): RoutingView {
  let v = views.get(ctx);
  if (!v) {
    v = build(ctx);
    views.set(ctx, v);
  }
  return v;
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** A value computed on first use: most scripts need only a few of the view's indexes. */
function lazy<T>(make: () => T): () => T {
  let v: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      v = make();
      made = true;
    }
    return v as T;
  };
}

function build(ctx: CheckContext): RoutingView {
  const { topo, segments } = ctx;
  const segmentOf = (ns: string, dev: string) => segments.segmentOf(devKey(ns, dev));

  // addresses by value; an IPv4 address keyed as a number (a Map hashes bigints slowly)
  const keyOf = (ip: IpAddress): number | string => (ip.family === 4 ? Number(ip.addr) : ip.addr.toString(16));
  const holders = lazy(() => {
    const m = new Map<number | string, CheckedAddress[]>();
    for (const a of ctx.addresses) if (a.value) push(m, keyOf(a.value), a);
    return m;
  });
  const holdersOf = (ip: IpAddress) => holders().get(keyOf(ip)) ?? [];

  // forwarding and proxy ARP: the script's own sysctl (last write wins) overrides what the planner derives
  const sysctls = lazy(() => {
    const explicit = new Map<string, boolean>();
    const proxy = new Map<string, boolean>();
    for (const s of topo.sysctls) {
      if (V4_FORWARD.has(s.key)) explicit.set(`${s.ns}|4`, on(s.value));
      else if (s.key === V6_FORWARD) explicit.set(`${s.ns}|6`, on(s.value));
      const m = PROXY_ARP.exec(s.key);
      if (m) proxy.set(`${s.ns}|${m[1]!.replaceAll("/", ".")}`, on(s.value));
    }
    const implied = new Set<string>();
    const proxied = new Set(topo.proxyArps.map((p) => p.ns));
    for (const ns of proxied) {
      implied.add(`${HOST}|4`);
      if ((ctx.addressesByNs.get(ns) ?? []).some((a) => a.value?.family === 6 && !isLinkLocal6(a.value))) implied.add(`${HOST}|6`);
    }
    if (proxied.size)
      for (const d of topo.devices)
        if (d.kind === "veth" && proxied.has(d.ns) && d.peer.ns === HOST && !proxy.has(`${HOST}|${d.peer.name}`)) proxy.set(`${HOST}|${d.peer.name}`, true);
    for (const n of topo.nats) implied.add(`${n.ns}|4`);
    if (topo.portmaps.length) implied.add(`${HOST}|4`);
    return { explicit, proxy, implied, proxied };
  });

  // per link and per namespace on demand: a lab asks about a handful, not all 10,000
  const segmentsById = lazy(() => new Map(segments.segments.map((x) => [x.id, x])));
  const l3 = (d: Device | undefined): d is Device => d !== undefined && d.master === undefined && d.name !== "lo";
  const memo = <T>(make: (k: string) => T): ((k: string) => T) => {
    const m = new Map<string, T>();
    return (k) => {
      let v = m.get(k);
      if (v === undefined && !m.has(k)) {
        v = make(k);
        m.set(k, v);
      }
      return v as T;
    };
  };
  const l3On = memo((segment) => (segmentsById().get(segment)?.members ?? []).map((k) => ctx.devices.get(k)).filter(l3));
  const interfacesOf = memo((ns) => (ctx.deviceNames.get(ns) ?? []).map((n) => ctx.device(ns, n)).filter(l3));
  const hostIsOpen = topo.handlers.length > 0;
  const described = memo((segment) => {
    const seg = segmentsById().get(segment);
    // a key no device statement mentions (lo) is a link of its own nobody described
    if (!seg) return { open: true, pending: false };
    let open = false;
    let pending = false;
    for (const k of seg.members) {
      const d = ctx.devices.get(k);
      if (!d || d.kind === "uplink" || d.kind === "moved" || (hostIsOpen && d.ns === HOST)) open = true;
      if (d && ctx.unresolved.has(d.ns)) pending = true;
    }
    return { open, pending };
  });

  const hidden = lazy(() => {
    const segs = new Set<string>();
    const subnets: NonNullable<ReturnType<typeof parsePrefixed>>[] = [];
    for (const n of topo.nats) {
      if (n.source.kind === "subnet") {
        const s = parsePrefixed(n.source.cidr);
        if (s) subnets.push(s);
        continue;
      }
      for (const d of interfacesOf(n.ns)) if (patternMatches(n.source.pattern, d.name)) segs.add(segmentOf(d.ns, d.name));
    }
    return { segs, subnets };
  });

  const downIn = lazy(() => new Set(topo.devices.filter((d) => !d.up).map((d) => d.ns)));

  const routesByNs = lazy(() => {
    const m = new Map<string, Route[]>();
    for (const r of topo.routes) push(m, r.ns, r);
    return m;
  });

  return {
    forwards: (ns, family) => {
      const s = sysctls();
      return s.explicit.get(`${ns}|${family}`) ?? s.implied.has(`${ns}|${family}`);
    },
    proxyArps: (ns, dev) => {
      const { proxy } = sysctls();
      return proxy.get(`${ns}|all`) === true || proxy.get(`${ns}|${dev}`) === true;
    },
    holders: holdersOf,
    holderOn: (segment, ip) => holdersOf(ip).find((a) => segmentOf(a.ns, a.dev) === segment),
    open: (segment) => described(segment).open,
    pending: (segment) => described(segment).pending,
    l3On,
    interfacesOf,
    segmentOf,
    hasDown: (ns) => downIn().has(ns),
    natHidden: (a) => {
      const h = hidden();
      return (
        h.segs.has(segmentOf(a.ns, a.dev)) ||
        (a.value !== null && h.subnets.some((s) => s.family === a.value!.family && containsAddress(s, a.value!.family, a.value!.addr)))
      );
    },
    routesTo: (ns, ip) => {
      if ((ctx.addressesByNs.get(ns) ?? []).some((a) => a.value?.family === ip.family && containsAddress(a.value, ip.family, ip.addr))) return true;
      if (sysctls().proxied.has(ns)) return true;
      return (routesByNs().get(ns) ?? []).some((r) => {
        if (routeFamily(r) !== ip.family) return false;
        if (r.dst === "default") return true;
        const d = parsePrefixed(r.dst);
        return d !== null && containsAddress(d, ip.family, ip.addr);
      });
    },
  };
}
