import type { LiveAddr, LiveLink, LiveNeighProxy, LiveState } from "../model/live.js";
import { byNs, groupOf, grouping } from "../model/group.js";
import { opKey, ownerAlias } from "../model/state.js";
import { HOST } from "../model/topology.js";
import { canonicalCidr } from "../ipam/cidr.js";
import { canonicalIp } from "../ipam/ip.js";
import type { Op, OpStep } from "./op.js";
import { devicesTouched, type Effect, type LinkEffect } from "./effect.js";
import { render } from "./render.js";
import type { Draft } from "./draft.js";

/**
 * The diff: which ops are already in effect in the live state, and which remembered ops
 * must be undone. Only reads LiveState; never the kernel.
 */

const key = (ns: string, name: string) => `${ns}\0${name}`;

// live facts asked about per op, grouped once per snapshot (src/model/group.ts)
const linksByName = grouping<LiveLink>((l) => key(l.ns, l.name));
const addrsByDev = grouping<LiveAddr>((a) => key(a.ns, a.dev));
const proxiesByDev = grouping<LiveNeighProxy>((p) => key(p.ns, p.dev));

export function findLink(live: LiveState, ns: string, name: string): LiveLink | undefined {
  return groupOf(linksByName, live.links, key(ns, name))[0];
}

const cidrEq = (a: string, b: string) => (canonicalCidr(a) ?? a) === (canonicalCidr(b) ?? b);
const ipEq = (a?: string, b?: string) => (a === undefined || b === undefined ? a === b : (canonicalIp(a) ?? a) === (canonicalIp(b) ?? b));
function dstEq(op: string, live: string): boolean {
  if (op === "default" || live === "default") return op === live;
  const withLen = (s: string) => (s.includes("/") ? s : `${s}/${s.includes(":") ? 128 : 32}`);
  return cidrEq(withLen(op), withLen(live));
}

function linkMatches(l: LiveLink, e: LinkEffect, project: string): boolean {
  if (l.alias !== ownerAlias(project) || l.kind !== e.kind) return false;
  if ("mode" in e && l.mode !== undefined && l.mode !== e.mode) return false;
  if (e.kind === "vlan" && l.vlanId !== undefined && l.vlanId !== e.vlanId) return false;
  return true;
}

/** Whether the live state already shows an effect. nft rulesets and services are not in
 *  LiveState: for them the caller trusts the project state. */
export function effectPresent(e: Effect, live: LiveState, project: string): boolean {
  const link = (ns: string, name: string) => findLink(live, ns, name);
  switch (e.k) {
    case "netns":
      return live.namespaces.includes(e.name);
    case "netns-del":
      return !live.namespaces.includes(e.name);
    case "link": {
      const l = link(e.ns, e.name);
      if (!l || !linkMatches(l, e, project)) return false;
      if (e.kind !== "veth") return true;
      const p = link(e.peer.ns, e.peer.name);
      return p !== undefined && p.alias === ownerAlias(project) && p.kind === "veth";
    }
    case "link-del":
      return link(e.ns, e.name) === undefined;
    case "move":
      return link(e.ns, e.name) !== undefined && link(e.fromNs, e.from) === undefined;
    case "alias":
      return link(e.ns, e.dev)?.alias === e.alias;
    case "master":
      return link(e.ns, e.dev) !== undefined && (link(e.ns, e.dev)!.master ?? null) === e.master;
    case "updown":
      return link(e.ns, e.dev)?.up === e.up;
    case "hairpin":
      // a reader that does not report hairpin leaves it to the project's record (plan.ts)
      return link(e.ns, e.dev)?.hairpin === e.on;
    case "mtu":
      return link(e.ns, e.dev)?.mtu === e.mtu;
    case "hwaddr":
      return link(e.ns, e.dev)?.mac?.toLowerCase() === e.mac;
    case "addr":
      return groupOf(addrsByDev, live.addrs, key(e.ns, e.dev)).some((a) => cidrEq(a.cidr, e.cidr)) === e.add;
    case "route":
      return groupOf(byNs, live.routes, e.ns).some((r) => dstEq(e.dst, r.dst) && ipEq(e.via, r.via) && (e.dev === undefined || r.dev === e.dev)) === e.add;
    case "proxy":
      return groupOf(proxiesByDev, live.proxies, key(e.ns, e.dev)).some((p) => ipEq(p.addr, e.addr)) === e.add;
    case "sysctl":
      return live.sysctls[e.ns]?.[e.key] === e.value;
    default:
      return false;
  }
}

/** Links nsnet would create whose name is taken by a link that is not this project's: the
 *  live checker reports them; the plan leaves them and everything on them alone. */
export function foreignDevices(ops: readonly Draft[], live: LiveState, project: string): Set<string> {
  const out = new Set<string>();
  for (const op of ops) {
    const e = op.effect;
    if (e.k !== "link") continue;
    for (const end of linkEnds(e)) {
      const l = findLink(live, end.ns, end.name);
      if (l && l.alias !== ownerAlias(project)) out.add(key(end.ns, end.name));
    }
  }
  return out;
}

/** The links a link effect creates: the link, and a veth's far end. */
export function linkEnds(e: LinkEffect): { ns: string; name: string }[] {
  return [{ ns: e.ns, name: e.name }, ...(e.kind === "veth" ? [e.peer] : [])];
}

/** Whether the effect creates or touches one of the devices (ns\0name). */
export function touches(e: Effect, devs: ReadonlySet<string>): boolean {
  if (e.k === "link") return linkEnds(e).some((x) => devs.has(key(x.ns, x.name)));
  return "ns" in e && devicesTouched(e).some((d) => devs.has(key(e.ns, d)));
}

/**
 * The undo of remembered ops, in the order given (callers pass them newest first). Undoes
 * whose effect vanishes with another undo are dropped: everything inside a namespace being
 * deleted (services excepted — a process outlives its addresses), and, for a link being
 * deleted (with its veth peer and the macvlans on it), its addresses, routes, proxy entries
 * and device sysctls. Namespaces are deleted last.
 * Returns the undo ops (not numbered) and the devices that go away.
 */
export function undoOps(applied: readonly Op[], live: LiveState, project: string): { ops: Draft[]; gone: Set<string> } {
  const candidates = applied.filter((op) => op.inverse !== null && stillThere(op, live, project));
  const removedNs = new Set<string>();
  for (const op of candidates) if (op.effect.k === "netns") removedNs.add(op.effect.name);
  // a link goes with its namespace, with its veth peer's namespace, or with its parent
  const gone = new Set<string>();
  const subsumedLinks = new Set<Op>();
  for (const op of candidates) {
    const e = op.effect;
    if (e.k !== "link") continue;
    const ends = linkEnds(e);
    for (const x of ends) gone.add(key(x.ns, x.name));
    const parentGoes = "parent" in e && (removedNs.has(e.at) || isParentDeleted({ ns: e.at, name: e.parent }, candidates, op));
    if (parentGoes || ends.some((x) => removedNs.has(x.ns))) subsumedLinks.add(op);
  }
  const out: Draft[] = [];
  const last: Draft[] = [];
  for (const op of candidates) {
    const e = op.effect;
    const inv = op.inverse!;
    const step = render(inv);
    const inRemovedNs = removedNs.has(step.ns) && e.k !== "service" && e.k !== "netns" && e.k !== "move";
    if (inRemovedNs) continue;
    if (e.k === "link") {
      if (subsumedLinks.has(op)) continue;
    } else if (e.k !== "netns" && touches(e, gone)) continue;
    const d: Draft = { ...step, phase: op.phase, summary: `undo: ${op.summary}`, effect: inv, inverse: e };
    if (op.span) d.span = op.span;
    (e.k === "netns" ? last : out).push(d);
  }
  return { ops: [...out, ...last], gone };
}

function isParentDeleted(parent: { ns: string; name: string }, candidates: readonly Op[], self: Op): boolean {
  return candidates.some((op) => op !== self && op.effect.k === "link" && linkEnds(op.effect).some((x) => x.ns === parent.ns && x.name === parent.name));
}

/** Whether a remembered op's effect is still in the live state (so undoing it means something). */
function stillThere(op: Op, live: LiveState, project: string): boolean {
  if (op.effect.k === "hairpin") {
    // a reader that does not report hairpin: undo while the port is there
    const l = findLink(live, op.effect.ns, op.effect.dev);
    return l !== undefined && l.hairpin !== !op.effect.on;
  }
  if (op.tool === "nft" || op.tool === "service") {
    // not visible in LiveState; a namespace that is gone took its table with it
    return op.ns === HOST || live.namespaces.includes(op.ns);
  }
  return effectPresent(op.effect, live, project);
}

export function keysOf(ops: readonly OpStep[]): Set<string> {
  return new Set(ops.map((o) => opKey(o)));
}
