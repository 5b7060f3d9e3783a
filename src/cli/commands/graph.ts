import type { Invocation } from "../cli.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { printDiagnostics } from "../output.js";
import { toDot, toMermaid, toText } from "../../graph/graph.js";

const RENDER = { text: toText, dot: toDot, mermaid: toMermaid } as const;

/** `nsnet graph FILE [--format text|dot|mermaid]`: the script's topology as a picture; no kernel access. */
export async function runGraph(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const format = (inv.flags.format as string | undefined) ?? "text";
  if (format === "svg") {
    // nsnet never spawns outside src/exec, and graphviz is not a dependency: pipe the DOT instead.
    process.stderr.write("nsnet graph: svg needs graphviz's dot; use --format dot (e.g. `nsnet graph FILE --format dot | dot -Tsvg`)\n");
    return EXIT.usage;
  }
  if (!(format in RENDER)) throw new UsageError(`unknown --format ${format} (text, dot or mermaid)`);
  const compiled = compileFile(file);
  printDiagnostics(compiled.diagnostics, compiled.sources, { ...inv.global, json: false });
  if (!compiled.ok || !compiled.addressed) return EXIT.checkErrors;
  process.stdout.write(RENDER[format as keyof typeof RENDER](compiled.addressed));
  return EXIT.ok;
}
