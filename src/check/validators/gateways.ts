import { containsAddress, networkAddress } from "../../ipam/cidr.js";
import { bitsOf, type Family, type IpAddress } from "../../ipam/ip.js";
import { HOST, type Route } from "../../model/topology.js";
import { ipText, isLinkLocal6, parsePrefixed, subnetText } from "../cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";
import { gatewayIp, routeFamily, routingOf, type RoutingView } from "../routing.js";
import { patternMatches } from "./nat.js";

/**
 * The silent mistakes of a routed lab (issue 22): each route is followed one hop, to the
 * namespace that holds its gateway on the link it leaves by, and the checker says when
 * - the gateway is the namespace's own address (NS338);
 * - nothing on that link holds it or answers ARP for it (NS337);
 * - the namespace holding it does not forward (NS336);
 * - a namespace the router delivers to has no route back to the sender's subnet (NS339);
 * - a route without gateway (`route default dev eth0`) leaves by a veth whose far end
 *   answers no ARP for other addresses (NS334) — it works only with proxy ARP there.
 * Links the script does not fully describe (an uplink, `on add` handlers) stay quiet.
 */

const forwardKey = (family: Family) => (family === 4 ? "net.ipv4.ip_forward" : "net.ipv6.conf.all.forwarding");

/** How to say "add this statement to that namespace". */
function inNs(ns: string, stmt: string): string {
  return ns === HOST ? `\`host < ${stmt} >\`` : `\`${stmt}\` in \`ns ${ns}\``;
}

interface Hop {
  r: Route;
  family: Family;
  via: IpAddress;
  /** the interface the route leaves by */
  dev: string;
  segment: string;
  /** the address the namespace sends from on that interface */
  source: CheckedAddress | undefined;
}

/** The first hop of a route with a gateway, or undefined when another check already spoke
 *  (bad gateway NS311/NS317, outside every subnet NS316, a down interface NS332). */
function hopOf(r: Route, ctx: CheckContext, view: RoutingView): Hop | undefined {
  if (r.via === undefined) return undefined;
  const via = gatewayIp(r.via);
  if (!via || isLinkLocal6(via) || routeFamily(r) !== via.family) return undefined;
  if (r.dst !== "default") {
    const d = parsePrefixed(r.dst);
    if (!d || d.addr !== networkAddress(d)) return undefined; // NS315's
  }
  const own = (ctx.addressesByNs.get(r.ns) ?? []).filter((a) => a.value?.family === via.family && (r.dev === undefined || a.dev === r.dev));
  const inSubnet = own.filter((a) => containsAddress(a.value!, via.family, via.addr));
  if (!r.onlink && inSubnet.length === 0) return undefined;
  const dev = r.dev ?? inSubnet[0]?.dev;
  if (dev === undefined || (view.hasDown(r.ns) && ctx.device(r.ns, dev)?.up === false)) return undefined;
  const source = inSubnet.find((a) => a.dev === dev) ?? own.find((a) => a.dev === dev);
  return { r, family: via.family, via, dev, segment: view.segmentOf(r.ns, dev), source };
}

class GatewayChecks {
  private readonly view: RoutingView;
  private readonly notForwarding = new Set<string>();
  private readonly returnsChecked = new Set<string>();
  private readonly noReturn = new Set<string>();

  constructor(private readonly ctx: CheckContext) {
    this.view = routingOf(ctx);
  }

  route(r: Route): void {
    if (r.via === undefined) return this.devRoute(r);
    const hop = hopOf(r, this.ctx, this.view);
    if (!hop) return;
    const viaSpan = r.viaSpan ?? r.span;
    const mine = this.view.holders(hop.via).find((a) => a.ns === r.ns);
    if (mine) {
      const next = this.neighbours(hop);
      this.ctx.accept(
        "NS338",
        viaSpan,
        { via: r.via, ns: r.ns },
        {
          severity: r.onlink ? "error" : undefined,
          related: [{ span: mine.span, message: `${r.via} is \`${r.ns}:${mine.dev}\`'s address here` }],
          suggestions: next.map((a) => ipText(a.value!)),
          hint: "route via the address of the next router on that link, never one of this namespace's own",
        },
      );
      return;
    }
    const holder = this.view.holderOn(hop.segment, hop.via);
    if (holder) {
      this.forwarding(holder.ns, holder.dev, hop.family, r, holder);
      this.returnPath(hop, holder);
      return;
    }
    if (this.view.open(hop.segment) || this.view.pending(hop.segment)) return;
    const answering = this.view.l3On(hop.segment).find((d) => !(d.ns === r.ns && d.name === hop.dev) && this.view.proxyArps(d.ns, d.name));
    if (answering && hop.family === 4) {
      this.forwarding(answering.ns, answering.name, 4, r);
      return;
    }
    this.missingGateway(hop);
  }

  /** Other namespaces' addresses on the route's link inside the sender's subnet, those that forward first (at most 3). */
  private neighbours(hop: Hop): CheckedAddress[] {
    const { r, via } = hop;
    const onLink = (this.ctx.addressesBySegment.get(hop.segment) ?? []).filter(
      (a) => a.ns !== r.ns && a.value?.family === via.family && (!hop.source?.value || containsAddress(hop.source.value, via.family, a.value.addr)),
    );
    const seen = new Set<bigint>();
    return onLink
      .sort((x, y) => Number(this.view.forwards(y.ns, via.family)) - Number(this.view.forwards(x.ns, via.family)))
      .filter((a) => !seen.has(a.value!.addr) && seen.add(a.value!.addr))
      .slice(0, 3);
  }

  /** NS337, with the addresses that are on the link (and inside the sender's subnet) as suggestions. */
  private missingGateway(hop: Hop): void {
    const { r } = hop;
    const onLink = this.neighbours(hop);
    const suggestions = onLink.map((a) => ipText(a.value!));
    const elsewhere = this.view.holders(hop.via)[0];
    const related = elsewhere ? [{ span: elsewhere.span, message: `${r.via} is \`${elsewhere.ns}:${elsewhere.dev}\`'s, on another link` }] : undefined;
    const hint = suggestions.length
      ? `a gateway must be on the link the route leaves by; on \`${hop.dev}\`'s link: ${onLink
          .map((a) => `${ipText(a.value!)} (\`${a.ns}:${a.dev}\`)`)
          .join(", ")}`
      : `nothing on \`${hop.dev}\`'s link has ${r.via}: give it to the router's interface on that link`;
    this.ctx.accept("NS337", r.viaSpan ?? r.span, { via: r.via!, dev: hop.dev }, { suggestions, related, hint });
  }

  /** NS336 once per gateway namespace and family, when it has somewhere to forward to. */
  private forwarding(gw: string, inDev: string, family: Family, r: Route, holder?: CheckedAddress): void {
    if (this.view.forwards(gw, family)) return;
    if (!this.view.interfacesOf(gw).some((d) => d.name !== inDev)) return;
    const dst = r.dst === "default" ? null : parsePrefixed(r.dst);
    // a route to one of the gateway's own addresses needs no forwarding
    if (dst && dst.prefix === bitsOf(dst.family) && this.view.holders(dst).some((a) => a.ns === gw)) return;
    const key = `${gw}\0${family}`;
    if (this.notForwarding.has(key)) return;
    this.notForwarding.add(key);
    const where = r.via !== undefined ? `\`${r.ns}\` routes ${r.dst} via ${r.via}` : `\`${r.ns}\` sends ${r.dst} onto the link of \`${r.dev}\``;
    this.ctx.accept(
      "NS336",
      r.via !== undefined ? (r.viaSpan ?? r.span) : (r.devSpan ?? r.span),
      { gw, family },
      {
        related: holder ? [{ span: holder.span, message: `${ipText(holder.value!)} is \`${gw}:${holder.dev}\`'s address here` }] : undefined,
        hint:
          `${where}, and \`${gw}\` drops it: add ${inNs(gw, `sysctl ${forwardKey(family)} = 1`)}` +
          (gw === HOST ? " (nsnet turns it on in the host only for `proxyarp`, `nat` and `portmap`; a sandbox starts with it off)" : ""),
      },
    );
  }

  /** NS339: the namespaces the gateway delivers to on its other links need a way back. */
  private returnPath(hop: Hop, holder: CheckedAddress): void {
    const src = hop.source?.value;
    if (!src || hop.r.ns === holder.ns) return;
    const srcNet = subnetText(src);
    const key = `${holder.ns}\0${holder.dev}\0${srcNet}\0${hop.r.dst}`;
    if (this.returnsChecked.has(key)) return;
    this.returnsChecked.add(key);
    const dst = hop.r.dst === "default" ? null : parsePrefixed(hop.r.dst);
    for (const out of this.view.interfacesOf(holder.ns)) {
      if (out.name === holder.dev || this.masquerades(holder.ns, out.name, holder.dev, src)) continue;
      const seg = this.view.segmentOf(holder.ns, out.name);
      if (this.view.open(seg) || this.view.pending(seg)) continue;
      for (const b of this.ctx.addressesBySegment.get(seg) ?? []) {
        const v = b.value;
        if (!v || v.family !== src.family || isLinkLocal6(v) || b.ns === holder.ns || b.ns === hop.r.ns || b.ns === HOST) continue;
        if (dst && !containsAddress(dst, v.family, v.addr)) continue;
        if (this.view.routesTo(b.ns, src)) continue;
        const once = `${b.ns}\0${srcNet}`;
        if (this.noReturn.has(once)) continue;
        this.noReturn.add(once);
        const back = (this.ctx.addressesByNs.get(holder.ns) ?? []).find(
          (a) => a.dev === out.name && a.value?.family === v.family && containsAddress(a.value, v.family, v.addr),
        );
        this.ctx.accept(
          "NS339",
          b.span,
          { ns: b.ns, subnet: srcNet },
          {
            related: [{ span: hop.r.viaSpan ?? hop.r.span, message: `\`${hop.r.ns}\` reaches \`${b.ns}\` through \`${holder.ns}\` here` }],
            hint: back
              ? `replies to \`${hop.r.ns}\` go nowhere: add ${inNs(b.ns, `route ${srcNet} via ${ipText(back.value!)}`)} (or a default route via ${ipText(back.value!)})`
              : `replies to \`${hop.r.ns}\` go nowhere: give \`${b.ns}\` a route to ${srcNet} through \`${holder.ns}\``,
          },
        );
      }
    }
  }

  /** A `nat` in the router rewrites what leaves by `out` from `inDev` or from `src`. */
  private masquerades(ns: string, out: string, inDev: string, src: NonNullable<CheckedAddress["value"]>): boolean {
    return this.ctx.topo.nats.some(
      (n) =>
        n.ns === ns &&
        n.outDev.name === out &&
        (n.source.kind === "interfaces"
          ? patternMatches(n.source.pattern, inDev)
          : (() => {
              const s = parsePrefixed(n.source.cidr);
              return s !== null && s.family === src.family && containsAddress(s, src.family, src.addr);
            })()),
    );
  }

  /** NS334: `route … dev IF` with no gateway over a veth, IPv4: ARP for every destination. */
  private devRoute(r: Route): void {
    if (r.dev === undefined || routeFamily(r) !== 4) return;
    const d = this.ctx.device(r.ns, r.dev);
    if (!d || !d.up || d.kind !== "veth" || d.master !== undefined) return;
    const seg = this.view.segmentOf(r.ns, r.dev);
    if (this.view.open(seg) || this.view.pending(seg)) return;
    const others = this.view.l3On(seg).filter((x) => !(x.ns === r.ns && x.name === r.dev));
    if (others.length === 0) return;
    if (r.dst !== "default") {
      // destinations that are on the link answer for themselves
      const net = parsePrefixed(r.dst);
      if (
        !net ||
        net.addr !== networkAddress(net) ||
        (this.ctx.addressesBySegment.get(seg) ?? []).some((a) => a.value?.family === 4 && containsAddress(net, 4, a.value.addr))
      )
        return;
    }
    const answering = others.find((x) => this.view.proxyArps(x.ns, x.name));
    if (answering) {
      this.forwarding(answering.ns, answering.name, 4, r);
      return;
    }
    const far = others[0]!;
    const farAddr = (this.ctx.addressesBySegment.get(seg) ?? []).find((a) => a.ns === far.ns && a.dev === far.name && a.value?.family === 4);
    const proxy =
      // a key cannot name an interface with a dot in it (eth0.5): then `all`
      inNs(far.ns, `sysctl net.ipv4.conf.${far.name.includes(".") ? "all" : far.name}.proxy_arp = 1`) +
      (this.view.forwards(far.ns, 4) ? "" : ` with ${inNs(far.ns, `sysctl ${forwardKey(4)} = 1`)} (proxy ARP answers only where forwarding is on)`);
    const why = `\`${r.ns}\` asks by ARP for each destination on \`${r.dev}\`'s link, and \`${far.ns}:${far.name}\` answers only for its own addresses`;
    this.ctx.accept(
      "NS334",
      r.devSpan ?? r.span,
      { dst: r.dst, dev: r.dev },
      {
        hint: farAddr
          ? `${why}: route via it, \`route ${r.dst} via ${ipText(farAddr.value!)}\`, or turn on proxy ARP there, ${proxy}`
          : `${why}: turn on proxy ARP there, ${proxy}, as vagga's gateway does`,
      },
    );
  }
}

export function gateways(ctx: CheckContext): void {
  const checks = new GatewayChecks(ctx);
  for (const r of ctx.topo.routes) if (!ctx.unresolved.has(r.ns)) checks.route(r);
}
