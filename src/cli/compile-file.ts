import { parse } from "../syntax/parse.js";
import { makeFsLoader, readScriptFile } from "../expand/fs-loader.js";
import { compileText, type CompileOptions, type CompiledWithAllocations } from "../engine/compile.js";
import { FileError } from "./exit-codes.js";

/** The edge around compileText: reads FILE and every file it `use`s (recording their text
 *  so diagnostics in a used file show its source line too). */
export function compileFile(file: string, opts: Omit<CompileOptions, "load"> = {}): CompiledWithAllocations {
  let text: string;
  try {
    text = readScriptFile(file);
  } catch (e) {
    throw new FileError(file, e);
  }
  return compileWithFsLoader(text, file, opts);
}

export function compileWithFsLoader(text: string, file: string, opts: Omit<CompileOptions, "load"> = {}): CompiledWithAllocations {
  const used = new Map<string, string>();
  const load = makeFsLoader((t, f) => {
    used.set(f, t);
    return parse(t, f);
  });
  const c = compileText(text, file, { ...opts, load });
  for (const [f, t] of used) c.sources.set(f, t);
  return c;
}
