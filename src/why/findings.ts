import { diag } from "../diagnostics/codes.js";
import type { Diagnostic, RelatedSite } from "../diagnostics/diagnostic.js";
import { networkAddress, parseCidr } from "../ipam/cidr.js";
import { noSpan, type Span } from "../model/span.js";
import { HOST } from "../model/topology.js";
import { segment, type Endpoint } from "./l2.js";
import { ipOf, localAddr, lookup } from "./lookup.js";
import type { Net } from "./net.js";
import type { Leg } from "./walk.js";

/**
 * A break in the path as data, then as a diagnostic: the code, the span of the line to
 * change (the statement that made the wrong thing, else the namespace's own statement, where
 * the missing thing goes), the message, and a hint that names the fix in nsnet's language.
 */
export type Finding = { place: string; leg: string; span?: Span | undefined } & (
  | { code: "NS601"; dst: string; src?: string | undefined }
  | { code: "NS602"; dev: string; gw: string; dst: string; nextHop: string; segment: Endpoint[]; owners: string[] }
  | { code: "NS603"; dev: string; dst: string; nextHop: string; segment: Endpoint[]; owners: string[] }
  | { code: "NS604"; key: string; value: string; proxyFor?: string }
  | { code: "NS605"; from: string; to: string }
  | { code: "NS606"; path: string }
  | { code: "NS607"; dev: string }
  | { code: "NS608"; family: string }
  | { code: "NS609"; gw: string }
  | { code: "NS610"; src: string; owner: string }
);

/** "inside `ns r1`", or the host block */
function inside(place: string): string {
  return place === HOST ? "in the `host < … >` block" : `inside \`ns ${place}\``;
}

function placeSpan(net: Net, place: string): Span {
  const own = net.placeSpans[place];
  if (own) return own;
  const anyLink = net.links.find((l) => l.place === place && l.span)?.span;
  return anyLink ?? Object.values(net.placeSpans)[0] ?? noSpan();
}

/** Addresses on the segment of place:dev that could be its gateway toward `dst`, best first. */
function gatewaysToward(net: Net, place: string, dst: string): { gw: string; owner: string }[] {
  const ip = ipOf(dst)!;
  const out: { gw: string; owner: string; score: number }[] = [];
  for (const l of net.links.filter((x) => x.place === place && x.up && x.kind !== "loopback")) {
    const mine = net.addrs.filter((a) => a.place === place && a.dev === l.name).map((a) => parseCidr(a.cidr));
    for (const e of segment(net, place, l.name).endpoints) {
      if (e.dropped) continue;
      for (const a of net.addrs.filter((x) => x.place === e.place && x.dev === e.dev)) {
        const gw = ipOf(a.cidr);
        if (!gw || gw.family !== ip.family) continue;
        const onLink = mine.some((c) => c && c.family === gw.family && c.prefix > 0 && networkAddress(c) === networkAddress({ ...c, addr: gw.addr }));
        if (!onLink) continue;
        const r = lookup(net, e.place, ip).choice;
        const score = localAddr(net, e.place, ip) ? 3 : r && r.dev !== e.dev ? 2 : 0;
        if (score) out.push({ gw: a.cidr.split("/")[0]!, owner: e.place, score });
      }
    }
  }
  return out.sort((a, b) => b.score - a.score);
}

function noRouteHint(net: Net, f: Extract<Finding, { code: "NS601" }>, legs: Leg[], related: RelatedSite[]): { hint: string; span?: Span } {
  const gws = gatewaysToward(net, f.place, f.dst);
  let route: string;
  if (net.simulated[f.place]) route = `'${f.place}' is ${net.simulated[f.place]} and knows only its own subnet`;
  else if (gws[0])
    route = `add \`route default via ${gws[0].gw}\` ${inside(f.place)} (${gws[0].owner} is on its link${gws[0].owner === f.place ? "" : " and knows the way"})`;
  else route = `add a route to ${f.dst} ${inside(f.place)}`;
  // The reply to a source the other side does not know (a private network): masquerading
  // the request where it leaves the last router is the other fix — and when that router has
  // a nat that did not match, the nat is the line to change.
  const there = legs[0];
  const last = legs.length === 2 && there ? [...there.hops].reverse().find((h) => h.in !== undefined && h.out !== undefined && h.place !== f.place) : undefined;
  if (!last) return { hint: route };
  const masquerade = `\`nat from ${last.in} to ${last.out}\` ${inside(last.place)}`;
  const nats = net.nats.filter((x) => x.place === last.place && x.span);
  if (!nats.length) return { hint: `${route}; or masquerade it where it leaves ${last.place}: ${masquerade}` };
  const n = nats[0]!;
  const what = n.iif ? `what comes in ${n.iif.replace(/\*$/, "+")}` : `what comes from ${n.saddr}`;
  related.push({ span: placeSpan(net, f.place), message: `or, instead, give '${f.place}' a route back (${route.replace(/^add /, "")})` });
  return {
    hint: `this nat masquerades ${what} leaving ${n.oif}, but the request came in ${last.in} and left ${last.out}, so it went out unmasqueraded; write ${masquerade}`,
    span: n.span,
  };
}

function segmentText(net: Net, seg: Endpoint[], family: number): string {
  const shown = (cidr: string) => {
    const ip = ipOf(cidr);
    return ip !== null && ip.family === family && !(family === 6 && ip.addr >> 118n === 0x3fan);
  };
  const held = seg.flatMap((e) => net.addrs.filter((a) => a.place === e.place && a.dev === e.dev && shown(a.cidr)).map((a) => `${a.cidr} (${e.place})`));
  return held.length ? held.join(", ") : "no address";
}

/** The host's uplink whose subnet (the host's own address on it) holds one of `ips`: where
 *  `proxyarp` publishes a namespace's address. */
function uplinkFor(net: Net, ips: readonly ReturnType<typeof ipOf>[]): string | undefined {
  for (const l of net.links) {
    if (l.place !== HOST || l.kind !== "uplink") continue;
    for (const a of net.addrs.filter((x) => x.place === HOST && x.dev === l.name)) {
      const c = parseCidr(a.cidr);
      if (c && ips.some((ip) => ip && ip.family === c.family && networkAddress(c) === networkAddress({ ...c, addr: ip.addr }))) return l.name;
    }
  }
  return undefined;
}

/** A routed veth's namespace: a veth whose other end is in the host, and not the uplink
 *  itself (the sandbox's LAN is wired to the host that way). */
const vethToHost = (net: Net, place: string): boolean =>
  net.links.some((l) => l.place === place && l.peer?.place === HOST && net.links.find((h) => h.place === HOST && h.name === l.peer!.name)?.kind !== "uplink");

function onLinkHint(net: Net, f: Extract<Finding, { code: "NS603" }>): { hint: string; span?: Span } {
  const ip = ipOf(f.nextHop)!;
  // routed veth (docs/architecture.md §9): an address of the uplink's subnet held by a
  // namespace behind a veth is reached through the host once it is published — whoever asks
  // for it (the LAN, the host, another container); and such a namespace reaches the LAN
  // once the host answers for the LAN on its veth, which the same line does
  const hostWay = lookup(net, HOST, ip).choice?.dev;
  const routedTo = (o: string) => net.links.some((l) => l.place === o && l.peer?.place === HOST && l.peer.name === hostWay);
  const owner = f.owners.find((o) => o !== HOST && o !== f.place && vethToHost(net, o) && !routedTo(o));
  const toOwner = owner && uplinkFor(net, [ip]);
  if (owner && toOwner) {
    return {
      hint: `publish ${f.nextHop} on the LAN: \`proxyarp on ${toOwner}\` ${inside(owner)} (the host then answers ARP for it and routes it down ${owner}'s veth)`,
      span: placeSpan(net, owner),
    };
  }
  const mine = net.addrs.filter((a) => a.place === f.place).map((a) => ipOf(a.cidr));
  const fromHere = f.place !== HOST && vethToHost(net, f.place) && f.segment.some((e) => e.place === HOST) ? uplinkFor(net, mine) : undefined;
  if (fromHere) {
    return {
      hint: `add \`proxyarp on ${fromHere}\` ${inside(f.place)} (the host then answers ARP on the other end of ${f.dev} and forwards to the LAN)`,
      span: placeSpan(net, f.place),
    };
  }
  // someone on the link routes the address elsewhere: it could answer for it by proxy ARP
  for (const e of f.segment) {
    const r = lookup(net, e.place, ip).choice;
    if (!r || r.dev === e.dev || localAddr(net, e.place, ip)) continue;
    return {
      hint: `${e.place} routes ${f.nextHop} through ${r.dev}; let it answer for it on ${e.dev}: \`sysctl net.ipv4.conf.${e.dev}.proxy_arp = 1\` ${inside(e.place)} (or \`neigh proxy ${f.nextHop} on ${e.dev}\`)`,
      span: placeSpan(net, e.place),
    };
  }
  const where = f.owners.length ? ` (${f.nextHop} is on ${f.owners.join(", ")}, not on this link)` : "";
  return { hint: `the link of ${f.dev} holds ${segmentText(net, f.segment, ip.family)}${where}; route ${f.dst} through a router on it instead` };
}

export function findingAt(net: Net, f: Finding, legs: Leg[]): Diagnostic {
  const related: RelatedSite[] = [];
  const at = (s: Span | undefined) => s ?? placeSpan(net, f.place);
  const extra = (hint: string, span?: Span) => ({ span: at(span), hint });
  let d: { span: Span; hint: string };
  switch (f.code) {
    case "NS601": {
      const h = noRouteHint(net, f, legs, related);
      d = extra(h.hint, h.span ?? (net.simulated[f.place] ? undefined : f.span));
      return diag("NS601", d.span, { leg: f.leg, ns: f.place, dst: f.dst }, { hint: d.hint, related });
    }
    case "NS602": {
      const gws = gatewaysToward(net, f.place, f.dst);
      const fix = gws[0] ? `; write \`via ${gws[0].gw}\` (${gws[0].owner})` : "";
      d = extra(`the link of ${f.dev} holds ${segmentText(net, f.segment, ipOf(f.gw)?.family ?? 4)}${fix}`, f.span);
      return diag("NS602", d.span, { leg: f.leg, ns: f.place, dst: f.dst, gw: f.gw, dev: f.dev }, { hint: d.hint });
    }
    case "NS603": {
      const h = onLinkHint(net, f);
      d = extra(h.hint, h.span);
      return diag("NS603", d.span, { leg: f.leg, ns: f.place, dev: f.dev, dst: f.nextHop }, { hint: d.hint });
    }
    case "NS604": {
      const why = f.proxyFor ? ` (it would answer ARP for ${f.proxyFor} by proxy, which needs forwarding)` : "";
      d = extra(`add \`sysctl net.ipv4.ip_forward = 1\` ${inside(f.place)}${why}`, f.span);
      return diag("NS604", d.span, { leg: f.leg, ns: f.place, key: f.key, value: f.value }, { hint: d.hint });
    }
    case "NS605":
      d = extra("the partition separates them: `partition off` heals it, or put both in one group", f.span);
      return diag("NS605", d.span, { leg: f.leg, ns: f.place, from: f.from, to: f.to }, { hint: d.hint });
    case "NS606":
      d = extra(`the routes along ${f.path} send it back; one of them needs another gateway`, f.span);
      return diag("NS606", d.span, { leg: f.leg, path: f.path }, { hint: d.hint });
    case "NS607":
      d = extra(`bring it up: drop \`down ${f.dev}\`, or write \`up ${f.dev}\` ${inside(f.place)}`, f.span);
      return diag("NS607", d.span, { leg: f.leg, ns: f.place, dev: f.dev }, { hint: d.hint });
    case "NS608":
      d = extra(`give '${f.place}' an ${f.family} address (\`addr …\` ${inside(f.place)})`, f.span);
      return diag("NS608", d.span, { leg: f.leg, ns: f.place, family: f.family }, { hint: d.hint });
    case "NS609":
      d = extra("the gateway must be another namespace's address on that link", f.span);
      return diag("NS609", d.span, { leg: f.leg, ns: f.place, gw: f.gw }, { hint: d.hint });
    case "NS610":
      d = extra(`two namespaces hold ${f.src}: give one of them another address`, f.span);
      return diag("NS610", d.span, { leg: f.leg, ns: f.place, src: f.src, owner: f.owner }, { hint: d.hint });
  }
}
