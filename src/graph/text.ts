import { HOST } from "../model/topology.js";
import { describeNode, partitionGroupOf, type GraphModel } from "./graph-model.js";

/**
 * The terminal picture: one block per namespace, one aligned line per interface —
 *   eth0  1.1.128.3/20  ── host:lxc1_veth0  [L2 #1]
 * then the namespace's routes and proxies, a legend of the shared L2 segments, and each
 * partition in effect with a dashed cut between its groups (namespaces say their group).
 */
export function renderText(g: GraphModel): string {
  const out: string[] = [];
  for (const c of g.clusters) {
    if (out.length) out.push("");
    const grp = partitionGroupOf(g, c.ns);
    out.push((c.ns === HOST ? "host" : `ns ${c.ns}`) + (grp ? `  [partition #${grp.p.n} ${grp.p.groups[grp.group]!.label}]` : ""));
    const rows = c.nodes.map((n) => [n.name, n.addrs.join(", ") || "-", describeNode(n, g).join(", "), n.segment ? `[L2 #${n.segment}]` : ""]);
    const width = (i: number) => Math.max(0, ...rows.map((r) => r[i]!.length));
    const w = [width(0), width(1), width(2)];
    for (const r of rows) {
      out.push(`  ${r[0]!.padEnd(w[0]!)}  ${r[1]!.padEnd(w[1]!)}  ${r[2]!.padEnd(w[2]!)}  ${r[3]}`.trimEnd());
    }
    if (!c.nodes.length) out.push("  (no interfaces)");
    for (const note of c.notes) out.push(`  · ${note}`);
  }
  if (g.segments.length) {
    out.push("", "L2 segments");
    for (const s of g.segments) out.push(`  #${s.n}  ${s.members.join(", ")}`);
  }
  for (const p of g.partitions) {
    out.push("", `partition #${p.n}  (${p.at}; dropped in ${p.hub === HOST ? "the host" : `ns ${p.hub}`})`);
    const width = Math.max(...p.groups.map((x) => x.label.length));
    p.groups.forEach((x, i) => {
      if (i > 0) out.push(`  ${"┄".repeat(6)} cut: no traffic across ${"┄".repeat(6)}`);
      out.push(`  ${x.label.padEnd(width)}  ${x.namespaces.join(", ")}`);
    });
  }
  return out.join("\n") + "\n";
}
