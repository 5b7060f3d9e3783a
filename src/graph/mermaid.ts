import { HOST } from "../model/topology.js";
import { partitionGroupOf, type GraphCluster, type GraphModel } from "./graph-model.js";
import { PARTITION_COLOR, segmentColor } from "./palette.js";

/**
 * Mermaid flowchart (renders in GitHub markdown): a subgraph per namespace, nodes with
 * generated ids (interface names may hold characters Mermaid ids cannot), labels quoted.
 * A partition wraps each group in a dashed subgraph, with a labelled dotted cut between
 * neighbouring groups.
 */
export function renderMermaid(g: GraphModel): string {
  const ids = new Map<string, string>();
  const id = (key: string) => ids.get(key) ?? "";
  const out = ["flowchart LR"];
  const styles: string[] = [];
  const index = new Map(g.clusters.map((c, i) => [c, i]));
  const emitted = new Set<GraphCluster>();
  const cluster = (c: GraphCluster, indent: string) => {
    emitted.add(c);
    const ci = index.get(c)!;
    out.push(`${indent}subgraph ns${ci}[${label(c.ns === HOST ? "host" : `ns ${c.ns}`)}]`);
    for (const n of c.nodes) {
      const nid = `n${ids.size}`;
      ids.set(n.key, nid);
      const text = label([n.name, ...n.addrs].join("<br/>"));
      out.push(`${indent}  ${nid}${n.kind === "bridge" ? `{{${text}}}` : n.kind === "uplink" ? `[[${text}]]` : `[${text}]`}`);
      const colour = segmentColor(n.segment);
      if (colour) styles.push(`  style ${nid} stroke:${colour},stroke-width:2px`);
      else if (n.kind === "referenced") styles.push(`  style ${nid} stroke-dasharray: 4 4`);
    }
    if (c.notes.length) out.push(`${indent}  ns${ci}notes>${label(c.notes.join("<br/>"))}]`);
    out.push(`${indent}end`);
  };
  const drawnGroups = new Set<string>();
  for (const c of g.clusters) {
    if (emitted.has(c)) continue;
    const grp = partitionGroupOf(g, c.ns);
    if (!grp) {
      cluster(c, "  ");
      continue;
    }
    const { p, group } = grp;
    const gid = groupId(p.n, group);
    drawnGroups.add(gid);
    out.push(`  subgraph ${gid}[${label(`partition #${p.n}: ${p.groups[group]!.label}`)}]`);
    for (const m of g.clusters) {
      const mg = partitionGroupOf(g, m.ns);
      if (!emitted.has(m) && mg?.p === p && mg.group === group) cluster(m, "    ");
    }
    out.push("  end");
    styles.push(`  style ${gid} stroke:${PARTITION_COLOR},stroke-width:2px,stroke-dasharray: 6 4,color:${PARTITION_COLOR}`);
  }
  let links = 0;
  for (const e of g.edges) {
    const arrow = e.kind === "veth" ? "---" : e.kind === "port" ? "-.-" : "-.->";
    out.push(`  ${id(e.from)} ${arrow}${e.label ? `|${label(e.label)}|` : ""} ${id(e.to)}`);
    const colour = segmentColor(e.segment);
    if (colour) styles.push(`  linkStyle ${links} stroke:${colour},stroke-width:2px`);
    links++;
  }
  for (const p of g.partitions) {
    for (let i = 1; i < p.groups.length; i++) {
      const [a, b] = [groupId(p.n, i - 1), groupId(p.n, i)];
      if (!drawnGroups.has(a) || !drawnGroups.has(b)) continue;
      out.push(`  ${a} -.-|${label(`cut: partition #${p.n}: no traffic ${p.groups[i - 1]!.label}–${p.groups[i]!.label}`)}| ${b}`);
      styles.push(`  linkStyle ${links} stroke:${PARTITION_COLOR},stroke-width:2px`);
      links++;
    }
  }
  return [...out, ...styles].join("\n") + "\n";
}

const groupId = (n: number, group: number) => `partition${n}g${group}`;

/** Mermaid's quoted label; `"` is written as the entity Mermaid understands. */
function label(s: string): string {
  return `"${s.replace(/"/g, "#quot;")}"`;
}
