import type { LiveState } from "../model/live.js";
import { isNsnetAlias, ownerAlias } from "../model/state.js";
import { isForeignDevice, type AddressedTopology } from "../model/topology.js";
import type { Op } from "../plan/op.js";

/**
 * Live states compared as sets of facts ("link lxc1 eth0 veth …"): what rollback promises
 * is that the facts after equal the facts before. Kernel-chosen details that a recreated
 * object never keeps (ifindex, MAC address, route protocol) are not facts, nor are IPv6
 * link-local addresses and their fe80::/64 routes: the kernel derives them from the MAC
 * address, some time after the link comes up.
 */
export function liveFacts(live: LiveState, places?: ReadonlySet<string>): Set<string> {
  const inScope = (ns: string) => !places || places.has(ns);
  const facts = new Set<string>();
  for (const n of live.namespaces) if (!places || places.has(n)) facts.add(`netns ${n}`);
  for (const l of live.links) {
    if (!inScope(l.ns)) continue;
    facts.add(`link ${l.ns} ${l.name} kind=${l.kind} alias=${l.alias ?? ""} master=${l.master ?? ""} ${l.up ? "up" : "down"}`);
  }
  for (const a of live.addrs) if (inScope(a.ns) && !isLinkLocal6(a.cidr)) facts.add(`addr ${a.ns} ${a.dev} ${a.cidr}`);
  for (const r of live.routes) {
    if (inScope(r.ns) && !(r.family === 6 && r.dst === "fe80::/64")) facts.add(`route ${r.ns} -${r.family} ${r.dst} via=${r.via ?? ""} dev=${r.dev ?? ""}`);
  }
  for (const p of live.proxies) if (inScope(p.ns)) facts.add(`proxy ${p.ns} ${p.addr} dev=${p.dev}`);
  for (const [ns, kv] of Object.entries(live.sysctls)) {
    if (!inScope(ns)) continue;
    for (const [k, v] of Object.entries(kv)) facts.add(`sysctl ${ns} ${k}=${v}`);
  }
  return facts;
}

const isLinkLocal6 = (cidr: string): boolean => /^fe[89ab][0-9a-f]?:/i.test(cidr);

export interface LiveDiff {
  /** facts of `before` that `after` lacks */
  missing: string[];
  /** facts of `after` that `before` lacks */
  extra: string[];
}

/** `places`: HOST and the namespaces a transaction touched (others are not compared). */
export function diffLive(before: LiveState, after: LiveState, places?: ReadonlySet<string>): LiveDiff {
  const a = liveFacts(before, places);
  const b = liveFacts(after, places);
  // a sysctl only counts when both snapshots read it (a namespace that no longer exists has none)
  const missing = [...a].filter((f) => !b.has(f) && !(f.startsWith("sysctl ") && !hasSysctl(after, f)));
  const extra = [...b].filter((f) => !a.has(f) && !(f.startsWith("sysctl ") && !hasSysctl(before, f)));
  return { missing: missing.sort(), extra: extra.sort() };
}

function hasSysctl(live: LiveState, fact: string): boolean {
  const [, ns, kv] = fact.split(" ", 3) as [string, string, string];
  const key = kv.slice(0, kv.indexOf("="));
  return live.sysctls[ns]?.[key] !== undefined;
}

export function isSameLive(d: LiveDiff): boolean {
  return d.missing.length === 0 && d.extra.length === 0;
}

export function describeDiff(d: LiveDiff): string[] {
  return [...d.missing.map((f) => `missing: ${f}`), ...d.extra.map((f) => `unexpected: ${f}`)];
}

/**
 * The state without what other nsnet projects own (links aliased `nsnet:<other>` and the
 * addresses, routes and proxies on them): a rollback is checked against its own world
 * while another project may be applying in parallel.
 */
export function withoutForeign(live: LiveState, project: string): LiveState {
  const foreign = new Set(live.links.filter((l) => isNsnetAlias(l.alias) && l.alias !== ownerAlias(project)).map((l) => `${l.ns}\0${l.name}`));
  if (foreign.size === 0) return live;
  const onForeign = (ns: string, dev?: string) => dev !== undefined && foreign.has(`${ns}\0${dev}`);
  return {
    ...live,
    links: live.links.filter((l) => !foreign.has(`${l.ns}\0${l.name}`) && !onForeign(l.ns, l.master)),
    addrs: live.addrs.filter((a) => !onForeign(a.ns, a.dev)),
    routes: live.routes.filter((r) => !onForeign(r.ns, r.dev)),
    proxies: live.proxies.filter((p) => !onForeign(p.ns, p.dev)),
  };
}

/**
 * After an apply: every link of the script whose admin state (`up`/`down DEV`, up unless
 * the script says down) the kernel shows otherwise, among the links read back — whether or
 * not an op of this run was about it (those the ops' own expectations check are left to
 * them). Links nsnet would create but someone else's look-alike holds are not ours to judge.
 */
export function linkStateMismatches(desired: AddressedTopology, live: LiveState, project: string, ops: readonly Op[] = []): string[] {
  const touched = new Set(ops.flatMap((o) => (o.effect.k === "updown" ? [`${o.effect.ns}\0${o.effect.dev}`] : [])));
  const byName = new Map(live.links.map((l) => [`${l.ns}\0${l.name}`, l]));
  const out: string[] = [];
  for (const d of desired.devices) {
    const k = `${d.ns}\0${d.name}`;
    const l = byName.get(k);
    if (!l || touched.has(k) || l.up === d.up) continue;
    if (!isForeignDevice(d) && d.kind !== "moved" && l.alias !== ownerAlias(project)) continue;
    out.push(`expected: ${d.name} ${d.up ? "up" : "down"} in ${d.ns} (the kernel shows it ${l.up ? "up" : "down"})`);
  }
  return out;
}
