import { HOST } from "../model/topology.js";
import type { GraphModel } from "./graph-model.js";
import { segmentColor } from "./palette.js";

/**
 * Mermaid flowchart (renders in GitHub markdown): a subgraph per namespace, nodes with
 * generated ids (interface names may hold characters Mermaid ids cannot), labels quoted.
 */
export function renderMermaid(g: GraphModel): string {
  const ids = new Map<string, string>();
  const id = (key: string) => ids.get(key) ?? "";
  const out = ["flowchart LR"];
  const styles: string[] = [];
  g.clusters.forEach((c, ci) => {
    out.push(`  subgraph ns${ci}[${label(c.ns === HOST ? "host" : `ns ${c.ns}`)}]`);
    for (const n of c.nodes) {
      const nid = `n${ids.size}`;
      ids.set(n.key, nid);
      const text = label([n.name, ...n.addrs].join("<br/>"));
      out.push(`    ${nid}${n.kind === "bridge" ? `{{${text}}}` : n.kind === "uplink" ? `[[${text}]]` : `[${text}]`}`);
      const colour = segmentColor(n.segment);
      if (colour) styles.push(`  style ${nid} stroke:${colour},stroke-width:2px`);
      else if (n.kind === "referenced") styles.push(`  style ${nid} stroke-dasharray: 4 4`);
    }
    if (c.notes.length) out.push(`    ns${ci}notes>${label(c.notes.join("<br/>"))}]`);
    out.push("  end");
  });
  g.edges.forEach((e, i) => {
    const arrow = e.kind === "veth" ? "---" : e.kind === "port" ? "-.-" : "-.->";
    out.push(`  ${id(e.from)} ${arrow}${e.label ? `|${label(e.label)}|` : ""} ${id(e.to)}`);
    const colour = segmentColor(e.segment);
    if (colour) styles.push(`  linkStyle ${i} stroke:${colour},stroke-width:2px`);
  });
  return [...out, ...styles].join("\n") + "\n";
}

/** Mermaid's quoted label; `"` is written as the entity Mermaid understands. */
function label(s: string): string {
  return `"${s.replace(/"/g, "#quot;")}"`;
}
