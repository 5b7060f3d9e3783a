import { HOST } from "../model/topology.js";
import type { GraphEdge, GraphModel, GraphNode } from "./graph-model.js";
import { segmentColor } from "./palette.js";

/**
 * Graphviz: a cluster per namespace, a box per interface labelled with its name and
 * addresses; veth wires solid, bridge ports dashed, parents dotted; every node and edge
 * of one shared L2 segment in that segment's colour.
 */
export function renderDot(g: GraphModel): string {
  const out = ["graph nsnet {", "  rankdir=LR;", '  node [shape=box, fontname="monospace", fontsize=10];', '  edge [fontname="monospace", fontsize=9];'];
  g.clusters.forEach((c, i) => {
    out.push(`  subgraph cluster_${i} {`);
    out.push(`    label=${quote(c.ns === HOST ? "host" : `ns ${c.ns}`)};`);
    if (c.ns === HOST) out.push("    style=filled; fillcolor=\"#f4f4f4\";");
    for (const n of c.nodes) out.push(`    ${quote(n.key)} [${nodeAttrs(n).join(", ")}];`);
    if (c.notes.length) out.push(`    ${quote(`${c.ns}\0notes`)} [shape=note, label=${quote(c.notes.join("\n"))}];`);
    out.push("  }");
  });
  for (const e of g.edges) out.push(`  ${quote(e.from)} -- ${quote(e.to)} [${edgeAttrs(e).join(", ")}];`);
  out.push("}");
  return out.join("\n") + "\n";
}

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
