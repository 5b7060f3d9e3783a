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
  const { body, diagnostics } = sessionStatements(pieces);
  // The pieces' own texts are the caller's to show (it knows whole files and streams).
  const sources = new Map<string, string>();
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

/** `ns NAME` written as one literal word (no `$i`): the only kind an input can amend */
function literalNs(st: Statement): string | undefined {
  if (st.type !== "Ns" || st.name.parts.length !== 1) return undefined;
  const part = st.name.parts[0]!;
  return part.kind === "text" ? part.text : undefined;
}

/**
 * The session's statements in order, where a top-level `ns NAME < … >` of a later input,
 * for a namespace an earlier input declared, amends that one: its body is appended to the
 * earlier block (a copy — the cached parse of the earlier piece stays as it was, so `.undo`
 * of the amendment compiles the block as before). Within one input a second `ns NAME` is
 * still NS307. `amended[i]` names the namespaces piece i amended.
 */
export function sessionStatements(pieces: readonly SourcePiece[]): { body: Statement[]; diagnostics: Diagnostic[]; amended: string[][] } {
  const body: Statement[] = [];
  const diagnostics: Diagnostic[] = [];
  const amended: string[][] = [];
  const declared = new Map<string, number>(); // name → index in body
  for (const p of pieces) {
    const r = parsePiece(p);
    diagnostics.push(...r.diagnostics);
    const mine: string[] = [];
    const here = new Map<string, number>();
    for (const st of r.script.body) {
      const name = literalNs(st);
      const at = name === undefined ? undefined : declared.get(name);
      if (name !== undefined && at !== undefined && !here.has(name)) {
        const earlier = body[at] as Extract<Statement, { type: "Ns" }>;
        const added = (st as Extract<Statement, { type: "Ns" }>).body ?? [];
        body[at] = { ...earlier, body: [...(earlier.body ?? []), ...added] };
        mine.push(name);
        continue;
      }
      if (name !== undefined && !declared.has(name)) here.set(name, body.length);
      body.push(st);
    }
    for (const [n, i] of here) declared.set(n, i);
    amended.push(mine);
  }
  return { body, diagnostics, amended };
}

/** The session as one canonical script when an input amended an earlier block (the blocks
 *  merged, so it loads again without NS307); undefined when none did. Comments are not kept
 *  in that case: the formatter places them by position, and the pieces' positions interleave. */
export function amendedScript(pieces: readonly SourcePiece[]): string | undefined {
  const s = sessionStatements(pieces);
  if (!s.amended.some((a) => a.length) || hasErrors(s.diagnostics)) return undefined;
  return format({ type: "Script", body: s.body, span: noSpan(SESSION_FILE) });
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
