import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { HOST, type AddressedTopology, type Partition, type VethDevice } from "../model/topology.js";
import { parseIp } from "../ipam/ip.js";
import { planDiag } from "./codes.js";
import { draft, type Draft } from "./draft.js";
import { tableName } from "./nft-table.js";
import type { Dnat, Drop, Masquerade } from "./effect.js";
import type { InverseContext } from "./inverse.js";

/**
 * Firewall rulesets: one `nft` effect per namespace, holding the whole table of this
 * project, so applying is atomic and re-applying replaces it (render.ts writes the text).
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

export { tableName };

/** `ve-+` / `ve-*` → `ve-*`; null when the wildcard is not trailing or a character is odd. */
export function nftIfPattern(pattern: string): string | null {
  const m = /^([A-Za-z0-9_.@-]*)([+*]?)$/.exec(pattern);
  if (!m || (m[1] === "" && m[2] === "")) return null;
  return m[1] + (m[2] ? "*" : "");
}

/** The namespace forwarding between a partition's members, and each member's interfaces there. */
function partitionRules(t: AddressedTopology, p: Partition, diags: Diagnostic[]): { ns: string; rules: Drop[] } | null {
  if (!p.groups) return null;
  const members = p.groups.flat();
  const legs = (ns: string) => t.devices.filter((d): d is VethDevice => d.kind === "veth" && d.ns === ns && d.peer.ns !== ns);
  const hubs = new Set(members.flatMap((m) => legs(m.name).map((v) => v.peer.ns)));
  const hub = hubs.size === 1 ? [...hubs][0]! : p.scope;
  const ifaces = (group: { name: string }[]) =>
    group.flatMap((m) =>
      legs(m.name)
        .filter((v) => v.peer.ns === hub)
        .map((v) => v.peer.name),
    );
  for (const m of members)
    if (ifaces([m]).length === 0) {
      diags.push(planDiag("NS594", m.span, { ns: m.name, via: hub }));
      return null;
    }
  const rules: Drop[] = [];
  for (const [i, g] of p.groups.entries()) for (const [j, h] of p.groups.entries()) if (i !== j) rules.push({ iif: ifaces(g), oif: ifaces(h) });
  return { ns: hub, rules };
}

export function firewallOps(t: AddressedTopology, project: string, inv: InverseContext): { ops: Draft[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const name = tableName(project);
  type Rules = { masquerade: Masquerade[]; dnat: Dnat[]; drop: Drop[]; span: Draft["span"] };
  const byNs = new Map<string, Rules>();
  const at = (ns: string, span: Draft["span"]) => {
    let x = byNs.get(ns);
    if (!x) byNs.set(ns, (x = { masquerade: [], dnat: [], drop: [], span }));
    return x;
  };
  for (const n of t.nats) {
    let match: { iif: string } | { saddr: string };
    if (n.source.kind === "subnet") match = { saddr: n.source.cidr };
    else {
      const pat = nftIfPattern(n.source.pattern);
      if (pat === null) {
        diagnostics.push(planDiag("NS595", n.sourceSpan, { pattern: n.source.pattern }));
        continue;
      }
      match = { iif: pat };
    }
    at(n.ns, n.span).masquerade.push({ ...match, oif: n.outDev.name });
  }
  for (const m of t.portmaps) {
    const addr = t.resolved.find((a) => a.ns === m.ns && parseIp(a.cidr.split("/")[0]!)?.family === 4);
    if (!addr) {
      diagnostics.push(planDiag("NS593", m.nsSpan, { ns: m.ns }));
      continue;
    }
    at(HOST, m.span).dnat.push({ proto: m.proto, port: m.hostPort, to: addr.cidr.split("/")[0]!, toPort: m.port });
  }
  // the last partition statement of a scope wins (`partition off` heals)
  const lastByScope = new Map<string, Partition>();
  for (const p of t.partitions) lastByScope.set(p.scope, p);
  for (const p of lastByScope.values()) {
    const r = partitionRules(t, p, diagnostics);
    if (r) at(r.ns, p.span).drop.push(...r.rules);
  }

  const ops: Draft[] = [];
  const order = [HOST, ...t.namespaces.map((n) => n.name).filter((n) => n !== HOST)];
  for (const ns of order) {
    const x = byNs.get(ns);
    if (!x) continue;
    const what = [x.masquerade.length && "nat", x.dnat.length && "portmap", x.drop.length && "partition"].filter(Boolean).join(", ");
    const effect = { k: "nft" as const, ns, table: name, masquerade: x.masquerade, dnat: x.dnat, drop: x.drop };
    ops.push(draft("firewall", effect, `firewall table ${name} in ${ns} (${what})`, inv, x.span ? { span: x.span } : {}));
  }
  return { ops, diagnostics };
}
