import { createInterface } from "node:readline";
import type { ReplCore } from "./core.js";
import { LineAssembler } from "./input.js";

/**
 * `nsnet repl < file`, `echo … | nsnet repl`: no prompts, statement by statement, results
 * printed as they come. Resolves to the number of pieces that failed.
 */
export async function runPiped(core: ReplCore, isIncomplete: (t: string) => boolean, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const assembler = new LineAssembler(isIncomplete);
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  for await (const line of lines) {
    const piece = assembler.push(line);
    if (piece === null) continue;
    await core.handle(piece);
    if (core.exitRequested) {
      lines.close();
      break;
    }
  }
  const rest = assembler.flush();
  if (rest !== null && !core.exitRequested) {
    // An unterminated block: let the engine say where it was left open.
    await core.handle(rest);
  }
  return core.failures;
}
