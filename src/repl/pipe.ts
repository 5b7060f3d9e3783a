import { createInterface } from "node:readline";
import type { ReplCore } from "./core.js";
import { LineAssembler } from "./input.js";

/** The name diagnostics give piped input. */
export const STDIN = "<stdin>";

/**
 * `nsnet repl < file`, `echo … | nsnet repl`: no prompts, statement by statement, results
 * printed as they come. Every line counts (comments and blank lines too), so diagnostics
 * say `<stdin>:LINE:COL` of the stream. Resolves to the exit status (see outcome.ts).
 */
export async function runPiped(core: ReplCore, isIncomplete: (t: string) => boolean, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const assembler = new LineAssembler(isIncomplete);
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  const seen: string[] = [];
  let joined = { upTo: 0, text: "" };
  // the stream so far, for excerpts (joined again only when asked and grown)
  const source = () => {
    if (joined.upTo !== seen.length) joined = { upTo: seen.length, text: seen.join("\n") };
    return joined.text;
  };
  let start = 1;
  for await (const line of lines) {
    if (!assembler.pending) start = seen.length + 1;
    seen.push(line);
    const piece = assembler.push(line);
    if (piece === null) continue;
    await core.handle(piece, { file: STDIN, line: start, source });
    if (core.exitRequested) {
      lines.close();
      break;
    }
  }
  const rest = assembler.flush();
  if (rest !== null && !core.exitRequested) {
    // An unterminated block: let the engine say where it was left open.
    await core.handle(rest, { file: STDIN, line: start, source });
  }
  return core.exitStatus;
}
