import type { LiveState } from "../model/live.js";
import {
  HOST,
  emptyTopology,
  type AddressedTopology,
  type NeighProxy,
  type Route,
  type Sysctl,
  type UplinkDevice,
  type VethDevice,
} from "../model/topology.js";
import { proxyArpPlan } from "../plan/proxyarp.js";
import { sysctlDev } from "../plan/effect.js";

/**
 * Derived handlers (docs/hook.md): a script without `on` handlers still works as a hook.
 * Each `ns X < veth … >` whose other end is in the host gives a handler for that end's
 * name (`X_veth0` by default), and its work is X's host side exactly as `nsnet up` would
 * do it — nothing inside X, which the container manager owns:
 *   - the host end, adopted (used, brought up, never created or deleted), its master bridge;
 *   - the script's addresses on it (the transit address), host routes through it, sysctls
 *     about it;
 *   - for `proxyarp on UPLINK` in X: the /32 (/128) host routes to X's published
 *     addresses through this end, the proxy neighbour entries on the uplink, proxy_arp on
 *     this end, and the forwarding sysctls (ip_forward; IPv6 forwarding and proxy_ndp).
 * The result is a host-only topology the planner reads like any other.
 */
export interface DerivedHandler {
  /** the namespace whose host side this is */
  ns: string;
  /** the host end's name: the handler's (exact) pattern */
  iface: string;
  veth: VethDevice;
}

/** One derived handler per veth end in the host whose other end is in a namespace. */
export function derivedHandlers(t: AddressedTopology): DerivedHandler[] {
  return t.devices
    .filter((d): d is VethDevice => d.kind === "veth" && d.ns === HOST && d.peer.ns !== HOST)
    .map((veth) => ({ ns: veth.peer.ns, iface: veth.name, veth }));
}

const withoutHostLen = (dst: string) => dst.replace(/\/(32|128)$/, "");

/** The host side of one derived handler. `live` gives the uplink's subnets where the
 *  script does not (proxy ARP publishes only addresses inside them). */
export function hostSideOf(t: AddressedTopology, h: DerivedHandler, live: LiveState): AddressedTopology {
  const end = h.iface;
  const adopted: UplinkDevice = { kind: "uplink", ns: HOST, name: end, up: h.veth.up, span: h.veth.span, nameSpan: h.veth.nameSpan };
  if (h.veth.master !== undefined) {
    adopted.master = h.veth.master;
    if (h.veth.masterSpan) adopted.masterSpan = h.veth.masterSpan;
  }
  const out: AddressedTopology = { ...emptyTopology(), resolved: [] };
  out.devices.push(adopted);
  out.addresses.push(...t.addresses.filter((a) => a.ns === HOST && a.dev === end));
  out.resolved.push(...t.resolved.filter((a) => a.ns === HOST && a.dev === end));
  out.routes.push(...t.routes.filter((r) => r.ns === HOST && r.dev === end));
  out.sysctls.push(...t.sysctls.filter((s) => s.ns === HOST && sysctlDev(s.key) === end));
  out.neighProxies.push(...t.neighProxies.filter((n) => n.ns === HOST && n.dev === end));

  const proxied = t.proxyArps.filter((p) => p.ns === h.ns);
  if (proxied.length === 0) return out;
  // The namespace side (its default route) needs a gateway; the host side does not, so the
  // planner's "no gateway" finding is not ours to report here.
  const pa = proxyArpPlan.ops(t, { live });
  const published = new Set<string>();
  for (const r of pa.hostRoutes) {
    if (r.toNs !== h.ns || r.dev !== end) continue;
    const route: Route = { ns: HOST, dst: r.dst, dstSpan: r.span, onlink: r.onlink, span: r.span, dev: end, devSpan: r.span };
    if (r.via) route.via = r.via;
    out.routes.push(route);
    published.add(withoutHostLen(r.dst));
  }
  for (const p of pa.proxies) {
    if (!published.has(p.addr)) continue;
    const n: NeighProxy = { ns: HOST, addr: p.addr, addrSpan: p.span, dev: p.dev, devSpan: p.span, span: p.span };
    out.neighProxies.push(n);
  }
  const keys = new Set(out.sysctls.map((s) => s.key));
  for (const p of proxied) {
    for (const w of proxyArpPlan.sysctls(t, p)) {
      const dev = sysctlDev(w.key);
      // proxy_arp of this end (not of the namespace's other veths), and host-wide keys
      if (w.ns !== HOST || keys.has(w.key) || (dev !== undefined && dev !== end && dev !== p.uplink)) continue;
      keys.add(w.key);
      const s: Sysctl = { ns: HOST, key: w.key, value: w.value, keySpan: w.span, span: w.span };
      out.sysctls.push(s);
    }
  }
  return out;
}

/** Devices a host side uses but must not plan for (uplinks named by its proxy entries and
 *  routes): the live check makes sure they exist. */
export function devicesUsed(t: AddressedTopology, side: AddressedTopology): UplinkDevice[] {
  const names = new Set([...side.neighProxies.map((n) => n.dev), ...side.routes.flatMap((r) => (r.dev ? [r.dev] : []))]);
  const mine = new Set(side.devices.map((d) => d.name));
  return t.devices.filter((d): d is UplinkDevice => d.kind === "uplink" && d.ns === HOST && names.has(d.name) && !mine.has(d.name));
}
