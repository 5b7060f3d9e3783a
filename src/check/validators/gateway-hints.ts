import { containsAddress, firstUsable, lastUsable } from "../../ipam/cidr.js";
import { bitsOf, parseIp, type IpAddress } from "../../ipam/ip.js";
import type { RelatedSite } from "../../diagnostics/diagnostic.js";
import type { Route } from "../../model/topology.js";
import { ipText } from "../cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";
import { routingOf } from "../routing.js";

/**
 * What NS316 (a gateway outside every connected subnet) suggests, so that doing it works:
 * a bare `onlink` is refused by the kernel ("Nexthop device required for onlink"), and
 * `dev eth0 onlink` toward a gateway nobody has only applies by accident. So, by what the
 * script says is on the namespace's links:
 * - the gateway is an address on one of them: give this end an address in its subnet
 *   (a free one, spelled out);
 * - it is an address of another link: the gateway must be on this one; the same router's
 *   address here (or the neighbours there) are the suggestions;
 * - it is nowhere in the script and a link leads out of it (an uplink): an address in the
 *   gateway's subnet, or `dev IF onlink` naming that link;
 * - nowhere, and the links are all known: the neighbours' addresses are the suggestions.
 */
export interface GatewayAdvice {
  hint: string;
  suggestions?: string[];
  related?: RelatedSite[];
}

/** The first host address of the subnet that no interface in the script has and no route names as its gateway. */
export function freeAddress(ctx: CheckContext, net: NonNullable<CheckedAddress["value"]>): string | null {
  if (net.prefix >= bitsOf(net.family) - 1) return null;
  const used = new Set(ctx.addresses.filter((a) => a.value?.family === net.family).map((a) => a.value!.addr));
  for (const r of ctx.topo.routes) {
    const gw = r.via !== undefined ? parseIp(r.via) : null;
    if (gw?.family === net.family) used.add(gw.addr);
  }
  const last = lastUsable(net);
  for (let a = firstUsable(net), n = 0; a <= last && n < 65_536; a++, n++) {
    if (!used.has(a)) return `${ipText({ family: net.family, addr: a })}/${net.prefix}`;
  }
  return null;
}

export function gatewayAdvice(r: Route, via: IpAddress, ctx: CheckContext, connected: string): GatewayAdvice {
  const view = routingOf(ctx);
  const ifs = r.dev !== undefined ? [r.dev] : view.interfacesOf(r.ns).map((d) => d.name);
  const links = ifs.map((dev) => ({ dev, segment: view.segmentOf(r.ns, dev) }));
  const own = (a: CheckedAddress) => a.ns === r.ns;

  for (const { dev, segment } of links) {
    const holder = view.holderOn(segment, via);
    if (!holder || own(holder)) continue;
    const related = [{ span: holder.span, message: `${r.via} is \`${holder.ns}:${holder.dev}\`'s address, on the link of \`${dev}\`` }];
    const free = freeAddress(ctx, holder.value!);
    if (free)
      return { related, hint: `${connected}${r.via} is on the link of \`${dev}\`: give \`${dev}\` an address in its subnet, \`addr ${free} on ${dev}\`` };
    return { related, hint: `${connected}${r.via} is on the link of \`${dev}\`: say so, \`route ${r.dst} via ${r.via} dev ${dev} onlink\`` };
  }

  // addresses of the neighbours on this namespace's links, inside its own subnets: gateways that work
  const mine = (ctx.addressesByNs.get(r.ns) ?? []).filter((a) => a.value?.family === via.family);
  const neighbours: CheckedAddress[] = [];
  for (const { segment } of links)
    for (const a of ctx.addressesBySegment.get(segment) ?? [])
      if (
        !own(a) &&
        a.value?.family === via.family &&
        mine.some((m) => containsAddress(m.value!, via.family, a.value!.addr)) &&
        !mine.some((m) => m.value!.addr === a.value!.addr)
      )
        neighbours.push(a);
  const elsewhere = view.holders(via).find((a) => !own(a));
  // the same router's address on this side first; a plain host is no gateway, so those that
  // forward are suggested when there are any
  const routers = neighbours.filter((a) => a.ns === elsewhere?.ns || view.forwards(a.ns, via.family));
  const picked = (routers.length ? routers : neighbours).sort((x, y) => Number(y.ns === elsewhere?.ns) - Number(x.ns === elsewhere?.ns));
  const suggestions = [...new Set(picked.map((a) => ipText(a.value!)))].slice(0, 3);
  const on = picked
    .slice(0, 3)
    .map((a) => `${ipText(a.value!)} (\`${a.ns}:${a.dev}\`)`)
    .join(", ");
  if (elsewhere) {
    const related = [{ span: elsewhere.span, message: `${r.via} is \`${elsewhere.ns}:${elsewhere.dev}\`'s, on another link` }];
    if (suggestions.length) return { related, suggestions, hint: `${connected}a gateway must be on a link of \`${r.ns}\`; on its links: ${on}` };
  } else {
    const open = links.find((l) => view.open(l.segment) || view.pending(l.segment));
    if (open || links.length === 0) {
      const dev = open?.dev ?? (ifs.length === 1 ? ifs[0]! : "IF");
      return {
        hint: `${connected}give \`${dev}\` an address in ${r.via}'s subnet, or if ${r.via} answers on the link of \`${dev}\`, say so: \`route ${r.dst} via ${r.via} dev ${dev} onlink\``,
      };
    }
    if (suggestions.length) return { suggestions, hint: `${connected}nothing on the links of \`${r.ns}\` has ${r.via}; on them: ${on}` };
  }
  // nobody there yet: the other end of the first link takes an address of this side's subnet
  for (const { dev, segment } of links) {
    const far = view.l3On(segment).find((d) => d.ns !== r.ns);
    const net = mine.find((m) => m.dev === dev && m.value!.prefix < bitsOf(via.family) - 1)?.value;
    const free = net ? freeAddress(ctx, net) : null;
    if (!far || !free) continue;
    const target = far.ns === r.ns ? far.name : `${far.ns}:${far.name}`;
    const what = elsewhere ? `${r.via} is not on a link of \`${r.ns}\`` : `nothing on the links of \`${r.ns}\` has ${r.via}`;
    return {
      ...(elsewhere ? { related: [{ span: elsewhere.span, message: `${r.via} is \`${elsewhere.ns}:${elsewhere.dev}\`'s, on another link` }] } : {}),
      hint: `${connected}${what}: give the other end of \`${dev}\` an address and route via it, \`addr ${free} on ${target}\` and \`route ${r.dst} via ${free.split("/")[0]}\``,
    };
  }
  return { hint: `${connected}nothing on the links of \`${r.ns}\` has ${r.via}: give it to the router's interface on one of them` };
}
