import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { HOST, type AddressedTopology, type Partition, type VethDevice } from "../model/topology.js";
import { parseIp } from "../ipam/ip.js";
import { planDiag } from "./codes.js";
import type { Draft } from "./derive.js";

/**
 * Firewall rulesets: one `nft -f -` text per namespace, holding the whole table of this
 * project, so applying is atomic and re-applying replaces it (`table` + `delete table` +
 * the table: creating an empty table first makes the delete valid when none exists).
 * - `nat from PAT to IF` → inet postrouting: `iifname "PAT" oifname "IF" masquerade`
 *   (the input interface is known in postrouting for forwarded packets); `nat from CIDR
 *   to IF` → `ip saddr CIDR oifname "IF" masquerade` (`ip6 saddr` for IPv6);
 * - `portmap P HOSTPORT to NS:PORT` → host prerouting + output DNAT to NS's first IPv4
 *   address (output so the host itself can use the mapped port);
 * - `partition G | G …` → drops between the groups where their traffic is forwarded: the one
 *   namespace holding the other ends of every member's veths (a bridge namespace, a router,
 *   or the host). Rules go in the inet forward hook (routed traffic) and in a bridge-family
 *   forward hook (traffic switched by a bridge, which the inet hooks do not see).
 */

export const tableName = (project: string): string => `nsnet_${project.replace(/[^A-Za-z0-9_]/g, "_")}`;

/** `ve-+` / `ve-*` → `ve-*`; null when the wildcard is not trailing or a character is odd. */
export function nftIfPattern(pattern: string): string | null {
  const m = /^([A-Za-z0-9_.@-]*)([+*]?)$/.exec(pattern);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  return m[1] + (m[2] ? "*" : "");
}

interface Chain {
  name: string;
  header: string;
  rules: string[];
}

function table(family: "inet" | "bridge", name: string, chains: Chain[]): string {
  const body = chains
    .filter((c) => c.rules.length > 0)
    .map((c) => `\tchain ${c.name} {\n\t\t${c.header}\n${c.rules.map((r) => `\t\t${r}\n`).join("")}\t}\n`)
    .join("");
  return `table ${family} ${name} {\n}\ndelete table ${family} ${name}\ntable ${family} ${name} {\n${body}}\n`;
}

const set = (names: string[]): string => (names.length === 1 ? `"${names[0]}"` : `{ ${names.map((n) => `"${n}"`).join(", ")} }`);

/** The namespace forwarding between a partition's members, and each member's interfaces there. */
function partitionRules(t: AddressedTopology, p: Partition, diags: Diagnostic[]): { ns: string; rules: string[] } | null {
  if (!p.groups) return null;
  const members = p.groups.flat();
  const legs = (ns: string) => t.devices.filter((d): d is VethDevice => d.kind === "veth" && d.ns === ns && d.peer.ns !== ns);
  const hubs = new Set(members.flatMap((m) => legs(m.name).map((v) => v.peer.ns)));
  const hub = hubs.size === 1 ? [...hubs][0]! : p.scope;
  const ifaces = (group: { name: string }[]) => group.flatMap((m) => legs(m.name).filter((v) => v.peer.ns === hub).map((v) => v.peer.name));
  for (const m of members)
    if (ifaces([m]).length === 0) {
      diags.push(planDiag("NS594", m.span, { ns: m.name, via: hub }));
      return null;
    }
  const rules: string[] = [];
  for (const [i, g] of p.groups.entries())
    for (const [j, h] of p.groups.entries()) if (i !== j) rules.push(`iifname ${set(ifaces(g))} oifname ${set(ifaces(h))} drop`);
  return { ns: hub, rules };
}

export function firewallOps(t: AddressedTopology, project: string): { ops: Draft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const name = tableName(project);
  type Tables = { post: string[]; pre: string[]; out: string[]; fwd: string[]; span: Draft["span"] };
  const byNs = new Map<string, Tables>();
  const at = (ns: string, span: Draft["span"]) => {
    let x = byNs.get(ns);
    if (!x) byNs.set(ns, (x = { post: [], pre: [], out: [], fwd: [], span }));
    return x;
  };
  for (const n of t.nats) {
    let match: string;
    if (n.source.kind === "subnet") match = `${parseIp(n.source.cidr.split("/")[0]!)?.family === 6 ? "ip6" : "ip"} saddr ${n.source.cidr}`;
    else {
      const pat = nftIfPattern(n.source.pattern);
      if (pat === null) {
        diagnostics.push(planDiag("NS595", n.sourceSpan, { pattern: n.source.pattern }));
        continue;
      }
      match = `iifname "${pat}"`;
    }
    at(n.ns, n.span).post.push(`${match} oifname "${n.outDev.name}" masquerade`);
  }
  for (const m of t.portmaps) {
    const addr = t.resolved.find((a) => a.ns === m.ns && parseIp(a.cidr.split("/")[0]!)?.family === 4);
    if (!addr) {
      diagnostics.push(planDiag("NS593", m.nsSpan, { ns: m.ns }));
      continue;
    }
    const rule = `fib daddr type local ${m.proto} dport ${m.hostPort} dnat ip to ${addr.cidr.split("/")[0]}:${m.port}`;
    const x = at(HOST, m.span);
    x.pre.push(rule);
    x.out.push(rule);
  }
  // the last partition statement of a scope wins (`partition off` heals)
  const lastByScope = new Map<string, Partition>();
  for (const p of t.partitions) lastByScope.set(p.scope, p);
  for (const p of lastByScope.values()) {
    const r = partitionRules(t, p, diagnostics);
    if (r) at(r.ns, p.span).fwd.push(...r.rules);
  }

  const ops: Draft[] = [];
  const order = [HOST, ...t.namespaces.map((n) => n.name).filter((n) => n !== HOST)];
  for (const ns of order) {
    const x = byNs.get(ns);
    if (!x) continue;
    let text = table("inet", name, [
      { name: "prerouting", header: "type nat hook prerouting priority dstnat; policy accept;", rules: x.pre },
      { name: "output", header: "type nat hook output priority -100; policy accept;", rules: x.out },
      { name: "postrouting", header: "type nat hook postrouting priority srcnat; policy accept;", rules: x.post },
      { name: "forward", header: "type filter hook forward priority filter; policy accept;", rules: x.fwd },
    ]);
    let inverse = `delete table inet ${name}\n`;
    if (x.fwd.length > 0) {
      text += table("bridge", name, [{ name: "forward", header: "type filter hook forward priority filter; policy accept;", rules: x.fwd }]);
      inverse += `delete table bridge ${name}\n`;
    }
    const what = [x.post.length && "nat", x.pre.length && "portmap", x.fwd.length && "partition"].filter(Boolean).join(", ");
    const d: Draft = { tool: "nft", ns, text, phase: "firewall", summary: `firewall table ${name} in ${ns} (${what})`, inverse: { tool: "nft", ns, text: inverse } };
    if (x.span) d.span = x.span;
    ops.push(d);
  }
  return { ops, diagnostics };
}
