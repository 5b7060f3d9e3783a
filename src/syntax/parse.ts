import { EOF, tokenMatcher, type IToken } from "chevrotain";
import type { Script } from "../ast/nodes.js";
import { diag } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Span } from "../model/span.js";
import type { ScriptCstNode } from "./cst.js";
import { LineIndex } from "./lines.js";
import { describeToken } from "./messages.js";
import { parseRule } from "./parser.js";
import { Builder } from "./to-ast.js";
import { isStackOverflow, MAX_NESTING, MAX_TOKENS, tooDeep, type ParseLimits } from "./limits.js";
import { LAngle, mainLexer, Newline, RAngle, Semicolon, UnterminatedString } from "./tokens.js";

/** A `#` comment as written (text includes the `#`), for the formatter. */
export interface Comment {
  text: string;
  span: Span;
}

export interface ParseResult {
  script: Script;
  diagnostics: Diagnostic[];
  /** every `#` comment in source order */
  comments: Comment[];
}

/** Past this many, more syntax errors are noise: the first ones are what to fix. */
const MAX_DIAGNOSTICS = 50;

/**
 * Text → AST with spans, plus syntax diagnostics (NS1xx). Never throws on user input:
 * every problem is a diagnostic, and the tree holds whatever statements could be built.
 */
export function parse(text: string, file: string, limits: ParseLimits = {}): ParseResult {
  const lines = new LineIndex(text, file);
  const at = (start: number, end: number) => lines.span(start, end);
  const maxNesting = limits.maxNesting ?? MAX_NESTING;
  const refused = (d: Diagnostic): ParseResult => ({ script: { type: "Script", body: [], span: at(0, text.length) }, diagnostics: [d], comments: [] });
  // the scanners of strings in `${…}` in strings recurse: past what the stack holds, nothing is parsed
  const deepest = () => at(Math.max(0, text.indexOf("${")), Math.max(0, text.indexOf("${")) + 2);
  try {
    return parseLimited(text, lines, { maxNesting, maxTokens: limits.maxTokens ?? MAX_TOKENS }, refused);
  } catch (e) {
    if (!isStackOverflow(e)) throw e;
    return refused(diag("NS113", deepest(), { limit: maxNesting }, { hint: "write the nested part as `let`s, one level each" }));
  }
}

function parseLimited(text: string, lines: LineIndex, limits: Required<ParseLimits>, refused: (d: Diagnostic) => ParseResult): ParseResult {
  const lexed = mainLexer.tokenize(text);
  const diagnostics: Diagnostic[] = [];
  const at = (start: number, end: number) => lines.span(start, end);
  const tokenAt = (t: IToken) => at(t.startOffset, t.startOffset + t.image.length);

  // too big or too deep: one diagnostic, and nothing parsed (that is where memory and stack go)
  if (lexed.tokens.length > limits.maxTokens) {
    const t = lexed.tokens[limits.maxTokens]!;
    return refused(
      diag(
        "NS114",
        tokenAt(t),
        { limit: limits.maxTokens.toLocaleString("en-US") },
        { hint: "split the file with `use`, or generate repeated statements with `for`" },
      ),
    );
  }
  const depthAt = new Map<IToken, number>();
  const deep = tooDeep(lexed.tokens, 0, limits.maxNesting, depthAt);
  if (deep) return refused(diag("NS113", tokenAt(deep), { limit: limits.maxNesting }, { hint: "write the nested part as `let`s, one level each" }));

  // lexer: runs of characters that start no token, one diagnostic per run
  let lastEnd = -1;
  for (const e of lexed.errors) {
    const prev = diagnostics[diagnostics.length - 1];
    if (prev && e.offset === lastEnd) {
      prev.span = at(prev.span.start.offset, e.offset + e.length);
    } else diagnostics.push(diag("NS109", at(e.offset, e.offset + e.length), { char: text.slice(e.offset, e.offset + 1) }));
    lastEnd = e.offset + e.length;
  }

  const tokens = lexed.tokens;
  for (const t of tokens) {
    if (tokenMatcher(t, UnterminatedString))
      diagnostics.push(diag("NS102", at(t.startOffset, t.startOffset + t.image.length), {}, { hint: 'close it with "' }));
  }

  // `<`/`>` matching on tokens alone (strings and comments are already out of the way)
  const open: IToken[] = [];
  const stray = new Set<IToken>();
  for (const t of tokens) {
    if (tokenMatcher(t, LAngle)) open.push(t);
    else if (tokenMatcher(t, RAngle) && !open.pop()) stray.add(t);
  }
  for (const t of stray) diagnostics.push(diag("NS108", at(t.startOffset, t.startOffset + 1), {}, { hint: 'in a command, quote it: ">"' }));
  for (const t of open)
    diagnostics.push(diag("NS103", at(t.startOffset, t.startOffset + 1), {}, { hint: "add '>' where the block ends (blocks may span lines)" }));

  const parsed = parseRule("script", tokens);
  const cst = parsed.cst as ScriptCstNode; // the rule's CST, as cst.ts describes it
  const parseErrors = parsed.errors;
  for (const e of parseErrors) {
    const t = e.token;
    const isEof = tokenMatcher(t, EOF) || !Number.isFinite(t.startOffset);
    if (isEof && open.length) continue; // the unclosed block says it better
    if (tokenMatcher(t, UnterminatedString) || stray.has(t)) continue;
    const start = isEof ? text.length : t.startOffset;
    const end = isEof ? text.length : t.startOffset + t.image.length;
    diagnostics.push(diag("NS101", at(start, end), { found: describeToken(isEof ? undefined : t), expected: e.message }));
  }

  const builder = new Builder(text, lines, { depthAt, maxNesting: limits.maxNesting });
  const body = builder.statements(cst);
  diagnostics.push(...builder.diagnostics);

  const comments: Comment[] = (lexed.groups.comments ?? []).map((t) => ({
    text: t.image,
    span: at(t.startOffset, t.startOffset + t.image.length),
  }));

  return {
    script: { type: "Script", body, span: at(0, text.length) },
    diagnostics: prune(diagnostics, tokens),
    comments,
  };
}

/**
 * One error per statement: after the first error of a statement, recovery tends to
 * produce echoes. Statements are delimited by newline, `;`, `<` and `>` tokens.
 */
function prune(diags: Diagnostic[], tokens: IToken[]): Diagnostic[] {
  const bounds: number[] = [];
  for (const t of tokens) {
    if ([Newline, Semicolon, LAngle, RAngle].some((type) => tokenMatcher(t, type))) bounds.push(t.startOffset);
  }
  const segment = (offset: number) => {
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (bounds[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const sorted = [...diags].sort((a, b) => a.span.start.offset - b.span.start.offset || a.code.localeCompare(b.code));
  const seen = new Set<number>();
  const out: Diagnostic[] = [];
  for (const d of sorted) {
    // block and string delimiters are reported where they are, whatever else is wrong
    if (d.code === "NS102" || d.code === "NS103" || d.code === "NS108") {
      out.push(d);
      continue;
    }
    const seg = segment(d.span.start.offset);
    if (seen.has(seg)) continue;
    seen.add(seg);
    out.push(d);
  }
  return out.slice(0, MAX_DIAGNOSTICS);
}

/**
 * True when the text stops in the middle of something: an open `<` block, an open
 * string, or a `\` continuation. The REPL shows its continuation prompt then.
 */
export function isIncomplete(text: string): boolean {
  const { tokens, groups } = mainLexer.tokenize(text);
  let depth = 0;
  let end = 0;
  for (const t of tokens) {
    if (tokenMatcher(t, UnterminatedString)) return true;
    if (tokenMatcher(t, LAngle)) depth++;
    else if (tokenMatcher(t, RAngle) && depth > 0) depth--;
    end = Math.max(end, t.startOffset + t.image.length);
  }
  for (const c of groups.comments ?? []) end = Math.max(end, c.startOffset + c.image.length);
  // a trailing `\` outside any string or comment is a line continuation
  const trailing = /\\[ \t]*(?:\r?\n|\r)?$/.exec(text);
  if (trailing && trailing.index >= end) return true;
  return depth > 0;
}
