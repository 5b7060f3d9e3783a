import { containsAddress, containsCidr } from "../../ipam/cidr.js";
import { parseIp } from "../../ipam/ip.js";
import { HOST, type Device, type Nat } from "../../model/topology.js";
import { parsePrefixed, subnetText } from "../cidr.js";
import type { CheckContext } from "../context.js";
import { routeFamily, routingOf } from "../routing.js";
import { patternMatches } from "./nat.js";

/**
 * A masquerade rule that never applies (issue 22): `nat from SRC to OUT` rewrites what
 * leaves by OUT, so
 * - NS342: a source that arrives on OUT itself (its subnet is OUT's, or the pattern names
 *   OUT) leaves by another interface;
 * - NS343: a source on the namespace's way out (its default route, the host's uplinks)
 *   masquerading toward an inside interface is the rule written backwards.
 */

/** The interfaces of ns the source of the rule arrives on. */
function sourceInterfaces(n: Nat, ctx: CheckContext, ifs: readonly Device[]): Device[] {
  if (n.source.kind === "interfaces") {
    const { pattern } = n.source;
    return ifs.filter((d) => patternMatches(pattern, d.name));
  }
  const s = parsePrefixed(n.source.cidr);
  if (!s) return [];
  const own = ctx.addressesByNs.get(n.ns) ?? [];
  return ifs.filter((d) => own.some((a) => a.dev === d.name && a.value?.family === s.family && a.value.prefix < 32 && containsCidr(a.value, s)));
}

/** Where the namespace's default route leaves (and, in the host, its uplinks): its outside. */
function outside(ns: string, ctx: CheckContext, ifs: readonly Device[]): Set<string> {
  const out = new Set<string>();
  for (const r of ctx.topo.routes) {
    if (r.ns !== ns || r.dst !== "default" || routeFamily(r) !== 4) continue;
    if (r.dev !== undefined) {
      out.add(r.dev);
      continue;
    }
    const via = r.via !== undefined ? parseIp(r.via) : null;
    if (!via) continue;
    const a = (ctx.addressesByNs.get(ns) ?? []).find((x) => x.value?.family === 4 && containsAddress(x.value, 4, via.addr));
    if (a) out.add(a.dev);
  }
  if (ns === HOST) for (const d of ifs) if (d.kind === "uplink") out.add(d.name);
  return out;
}

export function natDirection(ctx: CheckContext): void {
  const view = routingOf(ctx);
  for (const n of ctx.topo.nats) {
    if (n.outDev.ns !== n.ns || !ctx.device(n.ns, n.outDev.name)) continue;
    const ifs = view.interfacesOf(n.ns);
    const sources = sourceInterfaces(n, ctx, ifs);
    if (sources.length === 0) continue;
    const out = n.outDev.name;
    const source = n.source.kind === "interfaces" ? `\`${n.source.pattern}\`` : n.source.cidr;
    const ways = outside(n.ns, ctx, ifs);
    const wayOut = [...ways].find((w) => w !== out);
    if (sources.every((d) => d.name === out)) {
      const src = n.source.kind === "interfaces" ? n.source.pattern : n.source.cidr;
      ctx.accept(
        "NS342",
        n.outSpan,
        { source, out },
        {
          related: [{ span: n.sourceSpan, message: `${source} arrives on \`${out}\`` }],
          hint: wayOut
            ? `masquerade it where it leaves: \`nat from ${src} to ${wayOut}\``
            : `name the interface that traffic leaves \`${n.ns}\` by as the rule's out interface`,
        },
      );
      continue;
    }
    if (ways.has(out) || !sources.every((d) => ways.has(d.name))) continue;
    const inside = (ctx.addressesByNs.get(n.ns) ?? []).find((a) => a.dev === out && a.value?.family === 4 && a.value.prefix < 32);
    const fix =
      n.source.kind === "interfaces" ? `nat from ${out} to ${sources[0]!.name}` : `nat from ${inside ? subnetText(inside.value!) : out} to ${sources[0]!.name}`;
    ctx.accept("NS343", n.sourceSpan, { source, out, ns: n.ns }, { hint: `masquerade the inside on its way out: \`${fix}\`` });
  }
}
