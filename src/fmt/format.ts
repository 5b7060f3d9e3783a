import type { Script, Statement } from "../ast/nodes.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { parse } from "../syntax/parse.js";
import { attachComments, bodyOf, commentText, hasComments, type Attachment, type SourceComment } from "./comments.js";
import { printHead } from "./print-stmt.js";

export type { SourceComment } from "./comments.js";

/** The widest one-line block, indentation included (a trailing comment does not count). */
export const MAX_WIDTH = 100;
/** The most statements a block may hold and still be printed on one line. */
export const MAX_INLINE = 3;
const INDENT = "  ";

/**
 * The canonical layout of a script. The rule for blocks, in full:
 *
 *   A block is printed on one line — `ns lxc1 < veth pair; addr 1.1.128.3/20 >` — when it
 *   holds 1 to 3 statements, none of which has a block of its own, no comment sits
 *   anywhere inside it, and the line fits in 100 columns. Otherwise `<` ends the head's
 *   line, each statement gets its own line indented two spaces deeper, and `>` stands
 *   alone at the head's indentation. An empty block is `< >`.
 *
 * The rule reads only the tree and its comments, never the original layout, so the
 * output is a fixed point: formatting it again changes nothing. Blank lines between
 * statements (and comments) are kept, each run collapsed to one; a single statement too
 * long for 100 columns is left long rather than broken with `\`.
 */
export function format(script: Script, comments: readonly SourceComment[] = []): string {
  const a = attachComments(script.body, comments);
  const out: string[] = [];
  printBody(script.body, a, 0, out);
  return out.length ? out.join("\n") + "\n" : "";
}

function printBody(body: Statement[], a: Attachment, depth: number, out: string[]): void {
  const indent = INDENT.repeat(depth);
  let prevEnd: number | undefined;
  const gapBefore = (startLine: number, endLine: number) => {
    if (prevEnd !== undefined && startLine > prevEnd + 1) out.push("");
    prevEnd = endLine;
  };
  for (const s of body) {
    for (const c of a.leading.get(s) ?? []) {
      gapBefore(c.span.start.line, c.span.end.line);
      out.push(indent + commentText(c));
    }
    const trailing = a.trailing.get(s);
    gapBefore(s.span.start.line, Math.max(s.span.end.line, trailing?.span.end.line ?? 0));
    printStatement(s, a, depth, out);
  }
  for (const c of a.dangling.get(body) ?? []) {
    gapBefore(c.span.start.line, c.span.end.line);
    out.push(indent + commentText(c));
  }
}

function printStatement(s: Statement, a: Attachment, depth: number, out: string[]): void {
  const indent = INDENT.repeat(depth);
  const head = printHead(s);
  const trailing = a.trailing.get(s);
  const suffix = trailing ? `  ${commentText(trailing)}` : "";
  const body = bodyOf(s);

  if (body === undefined) {
    out.push(indent + head + suffix);
    return;
  }
  if (!hasComments(a, s, body)) {
    if (body.length === 0) {
      out.push(`${indent}${head} < >${suffix}`);
      return;
    }
    const inline = inlineBlock(indent, head, body);
    if (inline !== undefined) {
      out.push(inline + suffix);
      return;
    }
  }
  const header = a.header.get(s);
  out.push(`${indent}${head} <${header ? `  ${commentText(header)}` : ""}`);
  printBody(body, a, depth + 1, out);
  out.push(`${indent}>${suffix}`);
}

function inlineBlock(indent: string, head: string, body: Statement[]): string | undefined {
  if (body.length > MAX_INLINE) return undefined;
  if (body.some((s) => bodyOf(s) !== undefined)) return undefined;
  const line = `${indent}${head} < ${body.map(printHead).join("; ")} >`;
  return line.length <= MAX_WIDTH ? line : undefined;
}

/**
 * Text in, canonical text out. Text with syntax errors is returned unchanged, with the
 * diagnostics: a formatter must never drop what it could not read.
 */
export function formatSource(text: string, file: string): { output: string; diagnostics: Diagnostic[] } {
  const { script, diagnostics, comments } = parse(text, file);
  if (hasErrors(diagnostics)) return { output: text, diagnostics };
  return { output: format(script, comments), diagnostics };
}
