import type { AddressedTopology } from "../model/topology.js";
import { buildGraph } from "./graph-model.js";
import { renderDot } from "./dot.js";
import { renderMermaid } from "./mermaid.js";
import { renderText } from "./text.js";

/** The topology drawn three ways; all read the same model (house rule 8). Pure. */
export function toDot(t: AddressedTopology): string {
  return renderDot(buildGraph(t));
}

export function toMermaid(t: AddressedTopology): string {
  return renderMermaid(buildGraph(t));
}

export function toText(t: AddressedTopology): string {
  return renderText(buildGraph(t));
}

export { buildGraph, type GraphModel, type GraphNode, type GraphEdge, type GraphCluster } from "./graph-model.js";
