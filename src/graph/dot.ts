import { HOST } from "../model/topology.js";
import { partitionGroupOf, type GraphCluster, type GraphEdge, type GraphModel, type GraphNode } from "./graph-model.js";
import { PARTITION_COLOR, segmentColor } from "./palette.js";

/**
 * Graphviz: a cluster per namespace, a box per interface labelled with its name and
 * addresses; veth wires solid, bridge ports dashed, parents dotted; every node and edge
 * of one shared L2 segment in that segment's colour. A partition wraps each of its groups
 * in a dashed cluster and draws a dashed, labelled cut between neighbouring groups.
 */
export function renderDot(g: GraphModel): string {
  const head = ["graph nsnet {", "  rankdir=LR;"];
  if (g.partitions.length) head.push("  compound=true;");
  const out = [...head, '  node [shape=box, fontname="Courier", fontsize=10];', '  edge [fontname="Courier", fontsize=9];'];
  const index = new Map(g.clusters.map((c, i) => [c, i]));
  const emitted = new Set<GraphCluster>();
  const cluster = (c: GraphCluster, indent: string) => {
    emitted.add(c);
    out.push(`${indent}subgraph cluster_${index.get(c)} {`);
    out.push(`${indent}  label=${quote(c.ns === HOST ? "host" : `ns ${c.ns}`)};`);
    if (c.ns === HOST) out.push(`${indent}  style=filled; fillcolor="#f4f4f4";`);
    for (const n of c.nodes) out.push(`${indent}  ${quote(n.key)} [${nodeAttrs(n).join(", ")}];`);
    if (c.notes.length) out.push(`${indent}  ${quote(`${c.ns}\0notes`)} [shape=note, label=${quote(c.notes.join("\n"))}];`);
    out.push(`${indent}}`);
  };
  for (const c of g.clusters) {
    if (emitted.has(c)) continue;
    const grp = partitionGroupOf(g, c.ns);
    if (!grp) {
      cluster(c, "  ");
      continue;
    }
    // the whole group at the place of its first namespace
    const { p, group } = grp;
    const label = p.groups[group]!.label;
    out.push(`  subgraph ${groupId(p.n, group)} {`);
    out.push(`    label=${quote(`partition #${p.n}: ${label}`)}; style=dashed; color=${quote(PARTITION_COLOR)}; fontcolor=${quote(PARTITION_COLOR)};`);
    out.push(`    ${quote(anchor(p.n, group))} [shape=point, style=invis];`);
    for (const m of g.clusters) {
      const mg = partitionGroupOf(g, m.ns);
      if (!emitted.has(m) && mg?.p === p && mg.group === group) cluster(m, "    ");
    }
    out.push("  }");
  }
  for (const e of g.edges) out.push(`  ${quote(e.from)} -- ${quote(e.to)} [${edgeAttrs(e).join(", ")}];`);
  for (const p of g.partitions) {
    for (let i = 1; i < p.groups.length; i++) {
      const drawn = (k: number) => g.clusters.some((c) => partitionGroupOf(g, c.ns)?.p === p && partitionGroupOf(g, c.ns)?.group === k);
      if (!drawn(i - 1) || !drawn(i)) continue;
      const text = `cut: partition #${p.n}: no traffic ${p.groups[i - 1]!.label}–${p.groups[i]!.label}`;
      out.push(
        `  ${quote(anchor(p.n, i - 1))} -- ${quote(anchor(p.n, i))} [ltail=${groupId(p.n, i - 1)}, lhead=${groupId(p.n, i)}, style=dashed, penwidth=2, color=${quote(PARTITION_COLOR)}, fontcolor=${quote(PARTITION_COLOR)}, fontsize=11, label=${quote(text)}];`,
      );
    }
  }
  out.push("}");
  return out.join("\n") + "\n";
}

const groupId = (n: number, group: number) => `cluster_partition${n}_${group}`;
const anchor = (n: number, group: number) => `partition${n}\0${group}`;

function nodeAttrs(n: GraphNode): string[] {
  const a = [`label=${quote([n.name, ...n.addrs].join("\n"))}`];
  if (n.kind === "bridge") a.push("shape=hexagon");
  if (n.kind === "uplink") a.push("peripheries=2", "style=bold");
  if (n.kind === "referenced") a.push("style=dashed");
  if (!n.up) a.push("fontcolor=gray");
  const colour = segmentColor(n.segment);
  if (colour) a.push(`color=${quote(colour)}`, `tooltip=${quote(`L2 segment #${n.segment}`)}`);
  return a;
}

function edgeAttrs(e: GraphEdge): string[] {
  const a: string[] = [];
  if (e.label) a.push(`label=${quote(e.label)}`);
  if (e.kind === "port") a.push("style=dashed");
  if (e.kind === "parent") a.push("style=dotted");
  if (e.kind === "moved") a.push("style=dotted", "arrowhead=normal", "dir=forward");
  const colour = segmentColor(e.segment);
  if (colour) a.push(`color=${quote(colour)}`);
  return a;
}

/** A DOT string: quotes and backslashes escaped, newlines as `\n` line breaks, NUL dropped. */
function quote(s: string): string {
  return `"${s.replace(/\0/g, "#").replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}
