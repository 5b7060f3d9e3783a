import type { Expr, IfRef, Template, TemplatePart } from "../ast/nodes.js";

/**
 * Canonical text of expressions and templates. Pure; no knowledge of layout.
 *
 * Expressions get the fewest parentheses that parse back to the same tree:
 * `+ -` bind looser than `* / %`, both are left-associative, unary minus binds tightest.
 */

const PREC: Record<string, number> = { "+": 1, "-": 1, "*": 2, "/": 2, "%": 2 };
const UNARY_PREC = 3;
const ATOM_PREC = 4;

function precOf(e: Expr): number {
  if (e.type === "Binary") return PREC[e.op]!;
  if (e.type === "Unary") return UNARY_PREC;
  return ATOM_PREC;
}

export function printExpr(e: Expr): string {
  switch (e.type) {
    case "Number":
      return numberText(e.value);
    case "String":
      return printTemplate({ ...e.value, quoted: true });
    case "Address":
      return printTemplate({ ...e.value, quoted: false });
    case "Var":
      return e.name;
    case "Binary": {
      const p = PREC[e.op]!;
      const left = printExpr(e.left);
      const right = printExpr(e.right);
      // Left-associative: the right operand needs parentheses at equal precedence too.
      const l = precOf(e.left) < p ? `(${left})` : left;
      const r = precOf(e.right) <= p ? `(${right})` : right;
      return `${l} ${e.op} ${r}`;
    }
    case "Unary": {
      const inner = printExpr(e.operand);
      // `--x` would read as one odd token; a negative literal under minus is kept apart too.
      const needs = precOf(e.operand) < UNARY_PREC || e.operand.type === "Unary" || inner.startsWith("-");
      return needs ? `-(${inner})` : `-${inner}`;
    }
    case "List":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "Call":
      return `${e.callee.name}(${e.args.map(printExpr).join(", ")})`;
    case "Member":
      return `${e.object.name}.${e.property.name}`;
  }
}

function numberText(n: number): string {
  return String(n);
}

/** Characters that would glue onto a `$name` and change which variable is meant. */
const NAME_CONTINUES = /^[A-Za-z0-9_.-]/;
const SIMPLE_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A template as source text. Interpolations come back as `$name` where that is
 * unambiguous and `${expr}` otherwise; quoted templates are re-escaped.
 */
export function printTemplate(t: Template): string {
  const parts = mergeText(t.parts);
  let out = "";
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part.kind === "text") {
      out += t.quoted ? escapeQuoted(part.text) : part.text;
      continue;
    }
    const next = parts[i + 1];
    const nextText = next?.kind === "text" ? next.text : "";
    const e = part.expr;
    if (e.type === "Var" && SIMPLE_VAR.test(e.name) && !NAME_CONTINUES.test(nextText)) {
      out += `$${e.name}`;
    } else {
      out += `\${${printExpr(e)}}`;
    }
  }
  if (t.quoted) return `"${out}"`;
  return out;
}

function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === "text" && last?.kind === "text") {
      out[out.length - 1] = { ...last, text: last.text + p.text };
    } else if (!(p.kind === "text" && p.text === "")) {
      out.push(p);
    }
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
