import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LiveState } from "../model/live.js";
import type { Span } from "../model/span.js";
import { HOST, type AddressedTopology, type ProxyArp, type VethDevice } from "../model/topology.js";
import { containsAddress, parseCidr, type Cidr } from "../ipam/cidr.js";
import { formatIp, parseIp, type Family } from "../ipam/ip.js";
import { planDiag } from "./codes.js";
import { devSysctlKey } from "./effect.js";
import type { SysctlWant } from "./sysctl-want.js";

/**
 * Routed-veth mode (docs/architecture.md §9, the 2010 containers-list recipe): a namespace's addresses
 * inside the uplink's subnet are published on the uplink by proxy ARP/NDP and routed to the
 * host end of its veth; the namespace reaches the uplink's gateway on-link, and the host end
 * answers for it (proxy_arp=1 on that end).
 */

export interface RouteWant {
  ns: string;
  dst: string;
  via?: string;
  dev?: string;
  onlink: boolean;
  span: Span;
  toNs?: string;
}

/** veth devices of the namespace whose other end is in the host. */
export function routedVeths(t: AddressedTopology, ns: string): VethDevice[] {
  return t.devices.filter((d): d is VethDevice => d.kind === "veth" && d.ns === ns && d.peer.ns === HOST);
}

const sameSubnet = (a: Cidr, b: Cidr): boolean => a.prefix === b.prefix && containsAddress(a, b.family, b.addr);

const isLinkLocal6 = (c: Cidr): boolean => c.family === 6 && c.addr >> 118n === 0x3fan;

interface Classified {
  cidr: Cidr;
  text: string;
  dev: string;
  span: Span;
  veth: VethDevice;
  /** the ns end's address on the transit subnet shared with the host end, same family */
  via?: string;
  transit: boolean;
}

function classify(t: AddressedTopology, p: ProxyArp): Classified[] {
  const veths = routedVeths(t, p.ns);
  if (veths.length === 0) return [];
  const parsed = t.resolved
    .filter((a) => a.ns === p.ns)
    .map((a) => ({ a, c: parseCidr(a.cidr) }))
    .filter((x): x is { a: typeof x.a; c: Cidr } => x.c !== null && !isLinkLocal6(x.c));
  const hostEndAddrs = (v: VethDevice) =>
    t.resolved
      .filter((a) => a.ns === HOST && a.dev === v.peer.name)
      .map((a) => parseCidr(a.cidr))
      .filter((c): c is Cidr => c !== null);
  return parsed.map(({ a, c }) => {
    const veth = veths.find((v) => v.name === a.dev) ?? veths[0]!;
    const transit = hostEndAddrs(veth).some((h) => sameSubnet(h, c));
    const via = parsed.find((x) => x.a.dev === veth.name && x.c.family === c.family && hostEndAddrs(veth).some((h) => sameSubnet(h, x.c)));
    const out: Classified = { cidr: c, text: formatIp(c.family, c.addr), dev: a.dev, span: a.span, veth, transit };
    if (via) out.via = formatIp(via.c.family, via.c.addr);
    return out;
  });
}

function uplinkSubnets(t: AddressedTopology, live: LiveState, uplink: string): Cidr[] {
  const texts = [
    ...t.resolved.filter((a) => a.ns === HOST && a.dev === uplink).map((a) => a.cidr),
    ...live.addrs.filter((a) => a.ns === HOST && a.dev === uplink).map((a) => a.cidr),
  ];
  return texts.map(parseCidr).filter((c): c is Cidr => c !== null);
}

function gateway(t: AddressedTopology, live: LiveState, family: Family, hostGateway?: string): string | undefined {
  const fam = (s: string | undefined) => (s === undefined ? undefined : parseIp(s)?.family);
  const declared = t.routes.find((r) => r.ns === HOST && r.dst === "default" && fam(r.via) === family)?.via;
  if (declared) return declared;
  if (hostGateway && fam(hostGateway) === family) return hostGateway;
  return live.routes.find((r) => r.ns === HOST && r.dst === "default" && r.via && fam(r.via) === family)?.via;
}

function ops(t: AddressedTopology, ctx: { live: LiveState; hostGateway?: string }) {
  const diagnostics: Diagnostic[] = [];
  const nsRoutes: RouteWant[] = [];
  const hostRoutes: RouteWant[] = [];
  const proxies: { ns: string; addr: string; dev: string; span: Span }[] = [];
  for (const p of t.proxyArps) {
    if (routedVeths(t, p.ns).length === 0) {
      diagnostics.push(planDiag("NS591", p.span, { ns: p.ns }, { hint: `add \`veth pair\` to ns ${p.ns}` }));
      continue;
    }
    const subnets = uplinkSubnets(t, ctx.live, p.uplink);
    const published = classify(t, p).filter((c) => !c.transit && (subnets.length === 0 || subnets.some((s) => containsAddress(s, c.cidr.family, c.cidr.addr))));
    const families = new Set<Family>();
    for (const c of published) {
      const host = c.cidr.family === 4 ? "/32" : "/128";
      const r: RouteWant = { ns: HOST, dst: c.text + host, dev: c.veth.peer.name, onlink: false, span: c.span, toNs: p.ns };
      if (c.via) r.via = c.via;
      hostRoutes.push(r);
      proxies.push({ ns: HOST, addr: c.text, dev: p.uplink, span: p.span });
      families.add(c.cidr.family);
    }
    for (const family of [...families].sort()) {
      const own = t.routes.some((r) => r.ns === p.ns && r.dst === "default" && (r.via === undefined || parseIp(r.via)?.family === family));
      if (own) continue;
      const gw = gateway(t, ctx.live, family, ctx.hostGateway);
      if (!gw) {
        diagnostics.push(
          planDiag("NS590", p.span, { ns: p.ns, family }, { hint: `add \`host < route default via GATEWAY >\` or a default route in ns ${p.ns}` }),
        );
        continue;
      }
      const dev = published.find((c) => c.cidr.family === family)!.veth.name;
      nsRoutes.push({ ns: p.ns, dst: "default", via: gw, dev, onlink: true, span: p.span });
    }
  }
  return { nsRoutes, hostRoutes, proxies, diagnostics };
}

function sysctls(t: AddressedTopology, p: ProxyArp): SysctlWant[] {
  const out: SysctlWant[] = [];
  for (const v of routedVeths(t, p.ns))
    out.push({ ns: HOST, key: devSysctlKey(4, v.peer.name, "proxy_arp"), value: "1", span: p.span, why: `proxy ARP on ${v.peer.name}`, ownDevice: true });
  out.push({ ns: HOST, key: "net.ipv4.ip_forward", value: "1", span: p.span, why: "route for proxied namespaces" });
  if (classify(t, p).some((c) => c.cidr.family === 6 && !c.transit)) {
    out.push({ ns: HOST, key: "net.ipv6.conf.all.forwarding", value: "1", span: p.span, why: "route for proxied namespaces (IPv6)" });
    out.push({ ns: HOST, key: devSysctlKey(6, p.uplink, "proxy_ndp"), value: "1", span: p.uplinkSpan, why: `proxy NDP on ${p.uplink}` });
  }
  return out;
}

export const proxyArpPlan = { ops, sysctls };
