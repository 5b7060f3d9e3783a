// Small AST builders for tests that must not depend on the parser.
import type { Expr, IfRef, Script, Statement, Template, TemplatePart } from "../../src/ast/nodes.js";
import type { Span } from "../../src/model/span.js";

/** A span on `line` (1-based); offsets grow with the line so ordering works. */
export function at(line: number, col = 1, len = 1): Span {
  const offset = line * 1000 + col;
  return { file: "t.nsnet", start: { offset, line, column: col }, end: { offset: offset + len, line, column: col + len } };
}
export function across(from: Span, to: Span): Span {
  return { file: from.file, start: from.start, end: to.end };
}

const S = at(1);

export function tpl(...pieces: (string | Expr)[]): Template {
  const parts: TemplatePart[] = pieces.map((p) => (typeof p === "string" ? { kind: "text", text: p, span: S } : { kind: "expr", expr: p, span: S }));
  return { type: "Template", parts, quoted: false, span: S };
}
export function q(...pieces: (string | Expr)[]): Template {
  return { ...tpl(...pieces), quoted: true };
}
export function v(name: string): Expr {
  return { type: "Var", name, span: S };
}
export function n(value: number): Expr {
  return { type: "Number", value, span: S };
}
export function bin(op: "+" | "-" | "*" | "/" | "%", left: Expr, right: Expr): Expr {
  return { type: "Binary", op, left, right, span: S };
}
export function neg(operand: Expr): Expr {
  return { type: "Unary", op: "-", operand, span: S };
}
export function ifr(name: string, ns?: string): IfRef {
  return { type: "IfRef", name: tpl(name), ...(ns ? { ns: tpl(ns) } : {}), span: S };
}
export function id(name: string) {
  return { type: "Ident" as const, name, span: S };
}

/** Give a statement a span from line `a` to line `b`. */
export function lines<T extends Statement>(s: T, a: number, b = a): T {
  return { ...s, span: across(at(a), at(b, 50)) };
}

export function script(...body: Statement[]): Script {
  return { type: "Script", body, span: S };
}

export const K = S;
