import type { Statement } from "../ast/nodes.js";
import { compileParsed, type CompileOptions, type CompiledWithAllocations } from "../engine/compile.js";
import { makeFsLoader } from "../expand/fs-loader.js";
import { format } from "../fmt/format.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { noSpan } from "../model/span.js";
import { parse, type ParseResult } from "../syntax/parse.js";

/**
 * One piece of a REPL session: a complete input, and where its text came from, so that
 * diagnostics point at the file and line the user can find it in (`lab.nsnet:2:16` for a
 * loaded file, `<stdin>:7:1` for piped input, `<input 3>:1:17` for what was typed).
 */
export interface SourcePiece {
  text: string;
  /** the file the text came from, or `<stdin>`, or `<input N>` */
  file: string;
  /** 1-based line and column in that file where `text` starts */
  line: number;
  column: number;
}

/** The name of the session as a whole (the project's state records it as the script). */
export const SESSION_FILE = "<repl>";

// A piece never changes once made, and re-parsing every earlier piece at each new
// statement would make a long session quadratic.
const parsed = new WeakMap<SourcePiece, ParseResult>();

function parsePiece(p: SourcePiece): ParseResult {
  let r = parsed.get(p);
  if (!r) {
    // Blank lines and spaces in front put every position where it is in the piece's file
    // (the lexer skips them), so spans need no shifting afterwards.
    r = parse("\n".repeat(p.line - 1) + " ".repeat(p.column - 1) + p.text, p.file);
    parsed.set(p, r);
  }
  return r;
}

/**
 * The session's pieces compiled together, as one script whose statements keep the
 * positions of their own files; `use` is resolved from the file a piece came from.
 */
export function compileSession(pieces: readonly SourcePiece[], opts: Omit<CompileOptions, "load"> = {}): CompiledWithAllocations {
  const body: Statement[] = [];
  const diagnostics: Diagnostic[] = [];
  // The pieces' own texts are the caller's to show (it knows whole files and streams).
  const sources = new Map<string, string>();
  for (const p of pieces) {
    const r = parsePiece(p);
    body.push(...r.script.body);
    diagnostics.push(...r.diagnostics);
  }
  const used = new Map<string, string>();
  const load = makeFsLoader((t, f) => {
    used.set(f, t);
    return parse(t, f);
  });
  const script = { type: "Script" as const, body, span: noSpan(SESSION_FILE) };
  const c = compileParsed({ script, diagnostics }, SESSION_FILE, sources, { ...opts, load });
  for (const [f, t] of used) if (!c.sources.has(f)) c.sources.set(f, t);
  return c;
}

/** How many top-level statements a text holds (`.save` reports it). */
export function countStatements(text: string, file: string): number {
  return parse(text, file).script.body.length;
}

/** The canonical layout of `nsnet fmt` (a text with syntax errors is left as it is: formatting
 *  a recovered tree would lose text). */
export function formatScript(text: string, file: string): { output: string; diagnostics: Diagnostic[] } {
  const p = parse(text, file);
  return { output: hasErrors(p.diagnostics) ? text : format(p.script, p.comments), diagnostics: p.diagnostics };
}
