import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import type { LiveLink, LiveState } from "../model/live.js";
import type { Span } from "../model/span.js";
import { HOST, devKey, type AddressedTopology, type Device, type DevRef } from "../model/topology.js";
import { ownerAlias } from "../model/state.js";
import { canonicalIp, parseIp } from "../ipam/ip.js";
import { canonicalCidr } from "../ipam/cidr.js";
import { ipText } from "./cidr.js";
import { buildContext } from "./context.js";

/**
 * The plan-time pass: the script against a snapshot of the kernel (docs/architecture.md §2 "live",
 * §4.3 ownership). Pure: the snapshot is read by src/exec, or faked in tests.
 */
export interface LiveCheckOptions {
  project: string;
  /** namespaces this project created (from its state file); namespaces carry no alias */
  ownedNamespaces?: string[];
  /** routes this project added (from its state file): routes carry no mark either */
  ownedRoutes?: { ns: string; dst: string }[];
}

/** Kinds of device the planner creates (and so must not find made by someone else). */
const CREATED = new Set<Device["kind"]>(["veth", "bridge", "macvlan", "ipvlan", "vlan"]);

export function checkLive(topo: AddressedTopology, live: LiveState, opts: LiveCheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const mark = ownerAlias(opts.project);
  const owned = new Set(opts.ownedNamespaces ?? []);
  const links = new Map<string, LiveLink>();
  for (const l of live.links) links.set(devKey(l.ns, l.name), l);
  const ours = (l: LiveLink | undefined) => l !== undefined && l.alias === mark;

  const liveNs = new Set(live.namespaces);
  const reportedNs = new Set<string>();
  for (const n of topo.namespaces) {
    if (!liveNs.has(n.name) || owned.has(n.name) || reportedNs.has(n.name)) continue;
    reportedNs.add(n.name);
    out.push(diag("NS501", n.nameSpan, { name: n.name }, { hint: "`down` will not delete it; remove it by hand or pick another name" }));
  }

  const declared = new Map<string, Device>();
  for (const d of topo.devices) if (!declared.has(devKey(d.ns, d.name))) declared.set(devKey(d.ns, d.name), d);

  const requireParent = (ref: DevRef, span: Span, use: string) => {
    const d = declared.get(devKey(ref.ns, ref.name));
    // A declared uplink is reported as such (NS503); a device the script creates will be there.
    if (d || links.has(devKey(ref.ns, ref.name))) return;
    out.push(diag("NS505", span, { name: ref.name, ns: ref.ns, use }, ref.ns === HOST ? { hint: "`ip link` on the host lists what exists" } : {}));
  };

  for (const d of topo.devices) {
    const here = links.get(devKey(d.ns, d.name));
    if (d.kind === "uplink") {
      if (!here) out.push(diag("NS503", d.nameSpan, { name: d.name }, { hint: "`ip link` on the host lists what exists" }));
      continue;
    }
    if (d.kind === "bridge" && d.existing) {
      if (!here)
        out.push(
          diag("NS507", d.nameSpan, { name: d.name }, { hint: "create it first (lxc-net does at boot), or drop `existing` to let nsnet create and own it" }),
        );
      else if (here.kind !== "bridge") out.push(diag("NS508", d.nameSpan, { name: d.name, kind: here.kind || "non-bridge" }));
      continue;
    }
    if (CREATED.has(d.kind) && here && !ours(here)) {
      const hint = here.alias
        ? `it is marked \`${here.alias}\``
        : d.kind === "bridge" && here.kind === "bridge"
          ? `to attach to it as it is (never created or deleted by nsnet), write \`bridge ${d.name} existing\``
          : "it has no nsnet mark; rename ours or remove it by hand";
      out.push(diag("NS502", d.nameSpan, { name: d.name, ns: d.ns }, { hint }));
    }
    if (d.kind === "macvlan" || d.kind === "ipvlan" || d.kind === "vlan") requireParent(d.parent, d.parentSpan, `parent of ${d.kind} ${d.name}`);
    if (d.kind === "moved" && !here) requireParent(d.from, d.fromSpan, `to move into ${d.ns}`);
  }

  // Addresses: index live ones by value, then one lookup per address of the script.
  const ctx = buildContext(topo, []);
  const liveByIp = new Map<string, { ns: string; dev: string }[]>();
  for (const a of live.addrs) {
    const slash = a.cidr.indexOf("/");
    const key = ipKey(slash < 0 ? a.cidr : a.cidr.slice(0, slash));
    if (key === null) continue;
    const list = liveByIp.get(key);
    if (list) list.push(a);
    else liveByIp.set(key, [a]);
  }
  for (const a of ctx.addresses) {
    if (!a.value) continue;
    const hits = liveByIp.get(`${a.value.family}|${a.value.addr}`) ?? [];
    const clash = hits.find((l) => (l.ns === HOST || l.ns === a.ns) && !(l.ns === a.ns && l.dev === a.dev) && !ours(links.get(devKey(l.ns, l.dev))));
    if (!clash) continue;
    out.push(
      diag(
        "NS504",
        a.span,
        { addr: ipText(a.value), where: `${clash.ns}:${clash.dev}` },
        {
          hint: "pick another address, or remove it from that device first",
        },
      ),
    );
  }
  out.push(...hostRouteClashes(topo, live, opts));
  return out;
}

/**
 * Host routes whose destination someone else already routes: `route add` would fail with
 * "File exists" halfway through an apply (and was rolled back). Reported at plan time, at
 * the destination, instead. A route the same as the live one is no clash (the plan adds
 * nothing); one this project added before is its own to replace.
 */
function hostRouteClashes(topo: AddressedTopology, live: LiveState, opts: LiveCheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const owned = new Set((opts.ownedRoutes ?? []).filter((r) => r.ns === HOST).map((r) => routeDst(r.dst)));
  for (const r of topo.routes) {
    if (r.ns !== HOST) continue;
    const dst = routeDst(r.dst);
    const family = familyOf(r);
    if (owned.has(dst)) continue;
    const clash = live.routes.find((l) => l.ns === HOST && l.family === family && routeDst(l.dst) === dst);
    if (!clash) continue;
    const gw = (via: string | undefined) => (via === undefined ? "" : (canonicalIp(via) ?? via));
    if (gw(r.via) === gw(clash.via) && (r.dev === undefined || r.dev === clash.dev)) continue;
    // `boot` is what `ip route add` gives a route by default: no news, left unsaid
    const existing = [
      clash.via !== undefined ? `via ${clash.via}` : "",
      clash.dev !== undefined ? `dev ${clash.dev}` : "",
      clash.proto && !["boot", "static"].includes(clash.proto) ? `proto ${clash.proto}` : "",
    ]
      .filter(Boolean)
      .join(" ");
    out.push(
      diag(
        "NS506",
        r.dstSpan,
        { dst: r.dst, existing },
        {
          hint: `keep the host's route (leave this one out), or remove it first: ip ${family === 6 ? "-6 " : ""}route del ${r.dst}${clash.via ? ` via ${clash.via}` : ""}`,
        },
      ),
    );
  }
  return out;
}

/** A route destination compared canonically: `default`, or the network in CIDR form. */
function routeDst(dst: string): string {
  if (dst === "default") return dst;
  return canonicalCidr(dst.includes("/") ? dst : `${dst}/${dst.includes(":") ? 128 : 32}`) ?? dst;
}

function familyOf(r: { dst: string; via?: string }): 4 | 6 {
  const probe = r.dst !== "default" ? r.dst : (r.via ?? "");
  return probe.includes(":") ? 6 : 4;
}

function ipKey(text: string): string | null {
  const ip = parseIp(text);
  return ip === null ? null : `${ip.family}|${ip.addr}`;
}
