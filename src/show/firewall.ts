import type { LiveFirewall } from "../model/firewall.js";
import type { LiveLink, LiveState } from "../model/live.js";
import { HOST } from "../model/topology.js";
import { parseIp } from "../ipam/ip.js";
import type { Selection } from "./select.js";

/**
 * nsnet's nft tables (read as structured rules, model/firewall.ts) back into statements:
 * - a masquerade rule in a place's table → `nat from IIF to OIF` in that place (IIF's
 *   trailing `*` written `+`, NixOS style);
 * - the host's DNAT → `portmap PROTO HOSTPORT to NS:PORT`, NS being the shown namespace
 *   whose first IPv4 address is the target (the planner's choice of target);
 * - the drop rules of one forwarding place → `partition A B | C`: each distinct input set
 *   is a group, each interface the far end of a member's veth; written only when the rules
 *   are exactly every ordered pair of groups (what one `partition` makes).
 * Rules of the host's table that wire nothing shown are left out, as the rest of the host is.
 */
export interface FirewallStatements {
  /** place → `nat …` lines for that place's body (HOST: the top level) */
  nat: Map<string, string[]>;
  /** top-level `portmap …` and `partition …` lines, and comments for what is not expressible */
  top: string[];
  /** places whose ip_forward the printed statements imply */
  forwarding: Set<string>;
  /** host devices a printed statement uses (a nat's output device) */
  hostDevices: Set<string>;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*$/, ".*")}$`);

export function firewallStatements(live: LiveState, sel: Selection, tables: readonly LiveFirewall[], writable: (name: string) => boolean): FirewallStatements {
  const res: FirewallStatements = { nat: new Map(), top: [], forwarding: new Set(), hostDevices: new Set() };
  const inPlace = (ns: string) => ns === HOST || sel.shown.includes(ns);
  const seenPartition = new Set<string>();
  for (const t of tables) {
    if (!inPlace(t.ns)) continue;
    const drops: { iif: string[]; oif: string[] }[] = [];
    for (const r of t.rules) {
      if (r.kind === "masquerade") {
        const iif = r.iif.replace(/\*$/, "+");
        if (t.ns === HOST && ![...sel.hostOurs].some((n) => glob(r.iif).test(n))) continue;
        if (!writable(r.iif.replace(/\*$/, "")) || !writable(r.oif)) {
          res.top.push(`# nat in ${t.ns}: iifname ${JSON.stringify(r.iif)} oifname ${JSON.stringify(r.oif)} (not expressible)`);
          continue;
        }
        const lines = res.nat.get(t.ns) ?? [];
        const line = `nat from ${iif} to ${r.oif}`;
        if (!lines.includes(line)) lines.push(line);
        res.nat.set(t.ns, lines);
        res.forwarding.add(t.ns);
        if (t.ns === HOST && !sel.hostOurs.has(r.oif)) res.hostDevices.add(r.oif);
      } else if (r.kind === "masquerade-subnet") {
        if (!writable(r.oif)) continue;
        const lines = res.nat.get(t.ns) ?? [];
        const line = `nat from ${r.saddr} to ${r.oif}`;
        if (!lines.includes(line)) lines.push(line);
        res.nat.set(t.ns, lines);
        res.forwarding.add(t.ns);
        if (t.ns === HOST && !sel.hostOurs.has(r.oif)) res.hostDevices.add(r.oif);
      } else if (r.kind === "dnat") {
        if (t.ns !== HOST) continue;
        const target = sel.shown.find((ns) => holds(live, ns, r.addr));
        if (!target) continue;
        const line = `portmap ${r.proto} ${r.dport} to ${target}:${r.port}`;
        if (!res.top.includes(line)) res.top.push(line);
        res.forwarding.add(HOST);
      } else if (r.kind === "drop") {
        if (t.family === "inet") drops.push(r);
      } else {
        res.top.push(`# ${t.ns === HOST ? "host" : `ns ${t.ns}`}: a rule of table ${t.table} (${r.chain}) that nsnet does not write (not expressible)`);
      }
    }
    if (drops.length === 0) continue;
    const line = partitionLine(live, sel, t.ns, drops);
    if (line && !seenPartition.has(line)) {
      seenPartition.add(line);
      res.top.push(line);
    }
  }
  return res;
}

function partitionLine(live: LiveState, sel: Selection, hub: string, drops: { iif: string[]; oif: string[] }[]): string | undefined {
  const key = (names: string[]) => [...names].sort().join(" ");
  const groups: string[][] = [];
  const index = new Map<string, number>();
  for (const d of drops) {
    for (const names of [d.iif, d.oif]) {
      if (!index.has(key(names))) {
        index.set(key(names), groups.length);
        groups.push(names);
      }
    }
  }
  // exactly every ordered pair of distinct groups, once
  const pairs = new Set(drops.map((d) => `${index.get(key(d.iif))}>${index.get(key(d.oif))}`));
  const k = groups.length;
  if (pairs.size !== drops.length || drops.length !== k * (k - 1) || drops.some((d) => key(d.iif) === key(d.oif))) {
    return `# ${hub === HOST ? "host" : `ns ${hub}`}: drop rules that are not one partition (not expressible)`;
  }
  const hubLinks = new Map(live.links.filter((l) => l.ns === hub).map((l) => [l.name, l]));
  const members: string[][] = [];
  for (const names of groups) {
    const nss: string[] = [];
    for (const n of names) {
      const l: LiveLink | undefined = hubLinks.get(n);
      const far = l?.kind === "veth" ? sel.pairs.peerOf(l) : undefined;
      if (!far || far.ns === hub || far.ns === HOST)
        return `# ${hub === HOST ? "host" : `ns ${hub}`}: a partition whose member behind ${n} is not a namespace shown (not expressible)`;
      if (!sel.shown.includes(far.ns)) return undefined;
      if (!nss.includes(far.ns)) nss.push(far.ns);
    }
    members.push(nss);
  }
  return `partition ${members.map((g) => g.join(" ")).join(" | ")}`;
}

/** Whether the namespace has the address (the planner targets a namespace's first IPv4 address). */
function holds(live: LiveState, ns: string, addr: string): boolean {
  return live.addrs.some((x) => x.ns === ns && x.cidr.split("/")[0] === addr && parseIp(addr)?.family === 4);
}
