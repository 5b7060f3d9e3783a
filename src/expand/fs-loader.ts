/**
 * Edge module: resolves and reads the files named by `use` for the pure expander.
 * `use "stdlib/NAME"` is the repository's stdlib/NAME.nsnet (found relative to this module:
 * dist/expand/ or src/expand/ → ../../stdlib); any other path is relative to the using file.
 */
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Script } from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LoadResult } from "./expand.js";

export type ParseFn = (text: string, file: string) => { script: Script; diagnostics: Diagnostic[] };

export const STDLIB_DIR = fileURLToPath(new URL("../../stdlib/", import.meta.url));

export function resolveUsePath(path: string, fromFile: string, stdlibDir = STDLIB_DIR): string {
  if (path.startsWith("stdlib/")) {
    const rest = path.slice("stdlib/".length);
    return resolve(stdlibDir, rest.endsWith(".nsnet") ? rest : `${rest}.nsnet`);
  }
  if (isAbsolute(path)) return path;
  // A script read from stdin or typed at the REPL has no directory of its own: use the cwd.
  const base = fromFile.startsWith("<") ? process.cwd() : dirname(resolve(fromFile));
  return resolve(base, path);
}

export function makeFsLoader(parse: ParseFn, opts: { stdlibDir?: string } = {}): (path: string, fromFile: string) => LoadResult {
  return (path, fromFile) => {
    const file = resolveUsePath(path, fromFile, opts.stdlibDir);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { error: code === "ENOENT" ? `looked for ${file}` : `cannot read ${file}: ${(e as Error).message}` };
    }
    const { script, diagnostics } = parse(text, file);
    return { script, file, diagnostics };
  };
}
