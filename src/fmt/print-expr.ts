import type { Expr, IfRef, Template, TemplatePart } from "../ast/nodes.js";

/**
 * Canonical text of expressions and templates. Pure; no knowledge of layout.
 *
 * Expressions are written in one of two places, and the lexer reads them differently:
 * - at statement level (`let x = $a + 1`, call arguments): words are split by spaces, a
 *   variable is `$a`, a bare word is text, and `p.next` would be one word;
 * - inside `${…}`: a small expression language where `a` is the variable and spaces are
 *   optional — printed compactly, `${i+1}`, as the README's language section writes it.
 * Either way the fewest parentheses that parse back to the same tree: `+ -` bind looser
 * than `* / %`, both are left-associative, unary minus binds tightest.
 */

const PREC: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "%": 2 };
const UNARY_PREC = 3;
const ATOM_PREC = 4;

function precOf(e: Expr): number {
  if (e.type === "Binary") return PREC[e.op]!;
  if (e.type === "Unary") return UNARY_PREC;
  return ATOM_PREC;
}

/** `$name` is enough when the name is a plain identifier and nothing glues onto it. */
const SIMPLE_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NAME_CONTINUES = /^[A-Za-z0-9_]/;

/** An expression at statement level (a `let` value, a call argument, a port, a status). */
export function printExpr(e: Expr): string {
  return expr(e, false);
}

function expr(e: Expr, interp: boolean): string {
  switch (e.type) {
    case "Number":
      return String(e.value);
    case "String":
      return printTemplate(e.value);
    case "Address":
      return printTemplate(e.value);
    case "Var":
      if (interp) return e.name;
      return SIMPLE_VAR.test(e.name) ? `$${e.name}` : `\${${e.name}}`;
    case "Binary": {
      const p = PREC[e.op]!;
      const left = expr(e.left, interp);
      const right = expr(e.right, interp);
      // Left-associative: the right operand needs parentheses at equal precedence too.
      const l = precOf(e.left) < p ? `(${left})` : left;
      const r = precOf(e.right) <= p ? `(${right})` : right;
      return interp ? `${l}${e.op}${r}` : `${l} ${e.op} ${r}`;
    }
    case "Unary": {
      const inner = expr(e.operand, interp);
      if (e.operand.type === "Number") return `-${inner}`;
      if (precOf(e.operand) <= UNARY_PREC) return `-(${inner})`;
      // at statement level `-$x` would be one word (text), so the minus stands apart
      return interp ? `-${inner}` : `- ${inner}`;
    }
    case "List":
      return `[${e.items.map((i) => expr(i, interp)).join(", ")}]`;
    case "Call":
      return `${e.callee.name}(${e.args.map((a) => expr(a, interp)).join(", ")})`;
    case "Member":
      // at statement level `p.next` would read as one word, so it is interpolated
      return interp ? `${e.object.name}.${e.property.name}` : `\${${e.object.name}.${e.property.name}}`;
  }
}

/** One interpolation inside a word or string, given the text that follows it. */
export function printInterpolation(e: Expr, nextText: string): string {
  if (e.type === "Var" && SIMPLE_VAR.test(e.name) && !NAME_CONTINUES.test(nextText)) return `$${e.name}`;
  return `\${${expr(e, true)}}`;
}

/**
 * What a bare word cannot hold: characters that end it, a `$` that would interpolate, and
 * a character outside printable ASCII where a token starts (the word's start, or just
 * after a punctuation token such as `(` or `=` that splits the word).
 */
const UNSAFE_IN_WORD = /[\s#;<>|"\\]|\$(?=[{A-Za-z_])|(?:^|[()[\],=]|\.\.)[^!-~]/;

function unsafeAt(parts: TemplatePart[]): boolean {
  return parts.some((p) => p.kind === "text" && UNSAFE_IN_WORD.test(p.text));
}

/**
 * A template as source text: quoted templates are re-escaped, interpolations come back
 * as `$name` where that is unambiguous and `${expr}` otherwise.
 */
export function printTemplate(t: Template): string {
  const parts = mergeText(t.parts);
  if (t.quoted) return `"${pieces(parts, escapeQuoted)}"`;
  if (parts.length === 0) return '""';
  if (!unsafeAt(parts)) return pieces(parts, (s) => s);
  return `"${pieces(parts, escapeQuoted)}"`;
}

/**
 * A command argument. The parser joins tokens written without space between them into
 * one unquoted argument (`--dir="/srv/a b"`), so a piece of text no bare word can hold is
 * written as an adjacent quoted string, and the argument stays one unquoted template.
 */
export function printArg(t: Template): string {
  const parts = mergeText(t.parts);
  if (t.quoted || !unsafeAt(parts)) return printTemplate(t);
  let out = "";
  parts.forEach((p, i) => {
    if (p.kind === "expr") {
      const next = parts[i + 1];
      out += printInterpolation(p.expr, next?.kind === "text" ? next.text : "");
      return;
    }
    const cut = p.text.search(UNSAFE_IN_WORD);
    if (cut < 0) out += p.text;
    else out += p.text.slice(0, cut) + `"${escapeQuoted(p.text.slice(cut))}"`;
  });
  // a lone quoted string would read back as a quoted argument: glue an empty one on
  if (parts.length === 1 && out.startsWith('"')) out = `""${out}`;
  return out;
}

function pieces(parts: TemplatePart[], text: (s: string) => string): string {
  let out = "";
  parts.forEach((p, i) => {
    if (p.kind === "text") out += text(p.text);
    else {
      const next = parts[i + 1];
      out += printInterpolation(p.expr, next?.kind === "text" ? next.text : "");
    }
  });
  return out;
}

function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") out[out.length - 1] = { ...last, text: last.text + p.text };
    else if (!(p.kind === "text" && p.text === "")) out.push(p);
  }
  return out;
}

/** Inside "…": the escapes the lexer understands, so the text reads back byte for byte. */
export function escapeQuoted(text: string): string {
  return text.replace(/[\\"$\n\t\r]/g, (c) => {
    switch (c) {
      case "\n":
        return "\\n";
      case "\t":
        return "\\t";
      case "\r":
        return "\\r";
      default:
        return `\\${c}`;
    }
  });
}

export function printIfRef(r: IfRef): string {
  return r.ns ? `${printTemplate(r.ns)}:${printTemplate(r.name)}` : printTemplate(r.name);
}
