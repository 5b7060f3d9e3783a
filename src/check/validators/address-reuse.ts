import { broadcastAddress, containsAddress, networkAddress } from "../../ipam/cidr.js";
import { bitsOf } from "../../ipam/ip.js";
import { HOST } from "../../model/topology.js";
import { ipText, isLinkLocal6, subnetText } from "../cidr.js";
import type { CheckContext, CheckedAddress } from "../context.js";
import { routingOf } from "../routing.js";
import { freeAddress } from "./gateway-hints.js";

/**
 * Addresses that check clean one by one but not together (issue 22):
 * - NS340: one link carrying two prefixes of one range (/24 and /25 on a bridge): each side
 *   takes part of the other's range for off-link;
 * - NS341: one address in two namespaces on different links (one link is NS312), the host
 *   included — except behind a `nat`, where private ranges may repeat (vagga's guests).
 */

interface Subnet {
  lo: bigint;
  hi: bigint;
  text: string;
  first: CheckedAddress;
  count: number;
}

const where = (a: CheckedAddress) => (a.ns === HOST ? `the host's \`${a.dev}\`` : `\`${a.ns}:${a.dev}\``);

export function linkPrefixes(ctx: CheckContext): void {
  for (const list of ctx.addressesBySegment.values()) {
    if (list.length < 2) continue;
    for (const family of [4, 6] as const) {
      // one prefix on the link: subnets are then equal or apart, never nested (the usual case, no text made)
      let prefix = -1;
      let mixed = false;
      for (const a of list) {
        const v = a.value;
        if (!v || v.family !== family || v.prefix >= bitsOf(family) - 1 || isLinkLocal6(v)) continue;
        if (prefix === -1) prefix = v.prefix;
        else if (v.prefix !== prefix) mixed = true;
      }
      if (!mixed) continue;
      const byText = new Map<string, Subnet>();
      for (const a of list) {
        const v = a.value;
        if (!v || v.family !== family || v.prefix >= bitsOf(family) - 1 || isLinkLocal6(v)) continue;
        const text = subnetText(v);
        const s = byText.get(text);
        if (s) s.count++;
        else byText.set(text, { lo: networkAddress(v), hi: broadcastAddress(v), text, first: a, count: 1 });
      }
      if (byText.size < 2) continue;
      // sweep by start, widest first: a subnet overlapping the widest open one nests in it
      const subnets = [...byText.values()].sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : x.hi > y.hi ? -1 : x.hi < y.hi ? 1 : 0));
      let widest = subnets[0]!;
      for (const s of subnets.slice(1)) {
        if (s.lo <= widest.hi) report(ctx, widest, s);
        if (s.hi > widest.hi) widest = s;
      }
    }
  }
}

/** Said at the subnet fewer addresses use (the narrower on a tie), suggesting the other prefix. */
function report(ctx: CheckContext, wide: Subnet, narrow: Subnet): void {
  const [odd, other] = narrow.count > wide.count ? [wide, narrow] : [narrow, wide];
  const v = odd.first.value!;
  const fits = containsAddress(other.first.value!, v.family, v.addr);
  const better = `${ipText(v)}/${other.first.value!.prefix}`;
  ctx.accept(
    "NS340",
    odd.first.span,
    { subnet: odd.text, other: other.text },
    {
      related: [{ span: other.first.span, message: `${other.text} is on this link too, on ${where(other.first)}` }],
      suggestions: fits ? [better] : undefined,
      hint: `give every address on one link the same prefix${fits ? ` (/${other.first.value!.prefix}, as ${other.count === 1 ? "the other address there has" : `${other.count} addresses there have`})` : ""}`,
    },
  );
}

export function addressReuse(ctx: CheckContext): void {
  const first = new Map<number | string, CheckedAddress>();
  let reach: Reach | undefined;
  // the routing view is built only when two addresses meet (most scripts have none)
  let view: ReturnType<typeof routingOf> | undefined;
  for (const a of ctx.addresses) {
    const v = a.value;
    if (!v || a.dev === "lo" || isLinkLocal6(v)) continue;
    // an IPv4 address keyed as a number (no text made per address)
    const key = v.family === 4 ? Number(v.addr) : v.addr.toString(16);
    const seen = first.get(key);
    if (!seen) {
      first.set(key, a);
      continue;
    }
    view ??= routingOf(ctx);
    if (view.natHidden(a)) continue;
    if (view.natHidden(seen)) {
      first.set(key, a);
      continue;
    }
    if (seen.ns === a.ns || view.segmentOf(seen.ns, seen.dev) === view.segmentOf(a.ns, a.dev)) continue; // one namespace's choice; one link is NS312
    reach ??= reachOf(ctx);
    if (!reach.meet(view.segmentOf(seen.ns, seen.dev), view.segmentOf(a.ns, a.dev), v.family)) continue;
    const free = freeAddress(ctx, v);
    ctx.accept(
      "NS341",
      a.span,
      { addr: ipText(v), other: seen.ns === HOST ? `the host's (on \`${seen.dev}\`)` : `\`${seen.ns}\`'s (on \`${seen.dev}\`)` },
      {
        related: [{ span: seen.span, message: `${ipText(v)} is on ${where(seen)} here` }],
        suggestions: free ? [free] : undefined,
        hint: "give one of them another address: traffic for it reaches only one (if one side is hidden behind a `nat`, masquerade it with `nat from …`)",
      },
    );
  }
}

interface Reach {
  /** some namespace reaches both links: one forwarding path joins them, or it has interfaces on both sides */
  meet(a: string, b: string, family: 4 | 6): boolean;
}

/**
 * Which links see each other: namespaces that forward join their links into one routed
 * area; a namespace that does not still sees every area it has an interface in. Two links
 * meet when they are in one area or some namespace sees both (isolated copies, like vagga's
 * commands without a forwarding gateway, do not).
 */
function reachOf(ctx: CheckContext): Reach {
  const view = routingOf(ctx);
  const byFamily = new Map<4 | 6, { area: (s: string) => string; seers: Map<string, Set<string>> }>();
  const build = (family: 4 | 6) => {
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let r = k;
      while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
      parent.set(k, r);
      return r;
    };
    const names = [...new Set([...ctx.namespaces.keys(), HOST])];
    for (const ns of names) {
      if (!view.forwards(ns, family)) continue;
      const segs = view.interfacesOf(ns).map((d) => find(view.segmentOf(ns, d.name)));
      for (const s of segs.slice(1)) if (find(s) !== find(segs[0]!)) parent.set(find(s), find(segs[0]!));
    }
    // per area, the namespaces that see it
    const seers = new Map<string, Set<string>>();
    for (const ns of names)
      for (const d of view.interfacesOf(ns)) {
        const area = find(view.segmentOf(ns, d.name));
        let set = seers.get(area);
        if (!set) seers.set(area, (set = new Set()));
        set.add(ns);
      }
    return { area: find, seers };
  };
  return {
    meet(a, b, family) {
      let f = byFamily.get(family);
      if (!f) byFamily.set(family, (f = build(family)));
      const [x, y] = [f.area(a), f.area(b)];
      if (x === y) return true;
      const [small, large] = [f.seers.get(x) ?? new Set<string>(), f.seers.get(y) ?? new Set<string>()].sort((p, q) => p.size - q.size);
      for (const ns of small!) if (large!.has(ns)) return true;
      return false;
    },
  };
}
