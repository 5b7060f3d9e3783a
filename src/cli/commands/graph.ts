import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { printDiagnostics } from "../output.js";
import { toDot, toMermaid, toText } from "../../graph/graph.js";
import type { AddressedTopology } from "../../model/topology.js";

const RENDER = { text: toText, dot: toDot, mermaid: toMermaid, svg: async (t: AddressedTopology) => (await import("../../graph/svg.js")).toSvg(t) } as const;

/** `nsnet graph FILE [--format text|dot|mermaid|svg]`: the script's topology as a picture; no kernel access. */
export async function runGraph(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const format = (inv.flags.format as string | undefined) ?? "text";
  if (!(format in RENDER)) throw new UsageError(`unknown --format ${format} (text, dot, mermaid or svg)`);
  const compiled = compileFile(file);
  printDiagnostics(compiled.diagnostics, compiled.sources, { ...inv.global, json: false });
  if (!compiled.ok || !compiled.addressed) return EXIT.checkErrors;
  process.stdout.write(await RENDER[format as keyof typeof RENDER](compiled.addressed));
  return EXIT.ok;
}
