import type { AddressedTopology } from "../model/topology.js";
import { toDot } from "./graph.js";

/**
 * `graph --format svg`: the DOT picture laid out by Graphviz compiled to WebAssembly
 * (@viz-js/viz), in this process — no system Graphviz, nothing spawned. Loaded only when
 * asked for: the module carries a ~1.4 MB wasm image that other commands never pay for.
 */
export async function toSvg(t: AddressedTopology): Promise<string> {
  return renderSvg(toDot(t));
}

export async function renderSvg(dot: string): Promise<string> {
  const { instance } = await import("@viz-js/viz");
  const viz = await instance();
  const r = viz.render(dot, { format: "svg", engine: "dot" });
  if (r.status !== "success") {
    // our DOT is generated, so a failure here is a bug of ours: say what Graphviz said
    throw new Error(`graphviz could not lay out the picture: ${r.errors.map((e) => e.message).join("; ")}`);
  }
  return r.output;
}
