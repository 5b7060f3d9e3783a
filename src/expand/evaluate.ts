import type { Expr, Template } from "../ast/nodes.js";
import type { Value } from "../model/topology.js";
import type { Reporter } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { parseAddressText } from "./address-text.js";
import type { Scope } from "./scope.js";

/** Where evaluation reports problems; the expander adds call/loop context and dedupes. */
export type Report = Reporter;

/** Built-in functions callable in expressions (defs are statements, not functions). */
const builtins: Record<string, { arity: number; fn: (args: Value[]) => Value | string }> = {
  len: { arity: 1, fn: ([v]) => (Array.isArray(v) ? v.length : typeof v === "string" ? v.length : "len() needs a list or text") },
};

export function kindOf(v: Value): string {
  return Array.isArray(v) ? "a list" : typeof v === "number" ? "a number" : "text";
}

/**
 * Expressions evaluate to Value (number | string | list) or undefined when a diagnostic has
 * been reported; callers skip the statement then, so one mistake gives one message.
 * Numbers are integers in practice (they end up in names, addresses and ports), so `/` is
 * integer division rounding toward −∞ and `%` is always non-negative for a positive divisor.
 */
export function evalExpr(e: Expr, scope: Scope, report: Report): Value | undefined {
  switch (e.type) {
    case "Number":
      return e.value;
    case "String":
      return evalTemplate(e.value, scope, report);
    case "Address": {
      const text = evalTemplate(e.value, scope, report);
      if (text === undefined) return undefined;
      const parsed = parseAddressText(text);
      if (!parsed.ok) {
        report("NS209", e.value.span, { text, what: text.includes("/") ? "CIDR" : "address" }, { hint: parsed.reason });
        return undefined;
      }
      return text;
    }
    case "Var": {
      const v = scope.lookupVar(e.name);
      if (v === undefined) {
        const suggestions = didYouMean(e.name, scope.varNames());
        report(
          "NS201",
          e.span,
          { name: e.name },
          {
            suggestions,
            hint: suggestions.length ? undefined : "bind it first with `let NAME = …`",
          },
        );
      }
      return v;
    }
    case "List": {
      const out: Value[] = [];
      for (const item of e.items) {
        const v = evalExpr(item, scope, report);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case "Unary": {
      const v = evalExpr(e.operand, scope, report);
      if (v === undefined) return undefined;
      if (typeof v !== "number") {
        report("NS208", e.span, { detail: `unary \`-\` needs a number, got ${kindOf(v)}` });
        return undefined;
      }
      return -v;
    }
    case "Binary": {
      const l = evalExpr(e.left, scope, report);
      const r = evalExpr(e.right, scope, report);
      if (l === undefined || r === undefined) return undefined;
      if (typeof l !== "number" || typeof r !== "number") {
        const hint = typeof l === "string" && typeof r === "string" && e.op === "+" ? 'join text with a template: "${a}${b}"' : undefined;
        report("NS208", e.span, { detail: `\`${e.op}\` needs two numbers, got ${kindOf(l)} and ${kindOf(r)}` }, { hint });
        return undefined;
      }
      switch (e.op) {
        case "+":
          return l + r;
        case "-":
          return l - r;
        case "*":
          return l * r;
        case "/":
        case "%":
          if (r === 0) {
            report("NS207", e.right.span);
            return undefined;
          }
          return e.op === "/" ? Math.floor(l / r) : ((l % r) + r) % r;
      }
      return undefined;
    }
    case "Call": {
      const b = builtins[e.callee.name];
      if (!b) {
        const suggestions = didYouMean(e.callee.name, Object.keys(builtins));
        report(
          "NS219",
          e.callee.span,
          { name: e.callee.name },
          {
            suggestions,
            hint: `built-in functions: ${Object.keys(builtins).join(", ")}; a def is called as a statement of its own`,
          },
        );
        return undefined;
      }
      if (e.args.length !== b.arity) {
        report("NS203", e.span, { name: e.callee.name, expected: plural(b.arity, "argument"), given: e.args.length });
        return undefined;
      }
      const args: Value[] = [];
      for (const a of e.args) {
        const v = evalExpr(a, scope, report);
        if (v === undefined) return undefined;
        args.push(v);
      }
      const out = b.fn(args);
      if (typeof out === "string") {
        report("NS208", e.span, { detail: out });
        return undefined;
      }
      return out;
    }
    case "Member":
      report(
        "NS220",
        e.span,
        { expr: `${e.object.name}.${e.property.name}` },
        {
          hint: `write \`addr auto from ${e.object.name}\` to take an address from a pool`,
        },
      );
      return undefined;
  }
}

/** Interpolate a template into text. Lists cannot become text (except as command words). */
export function evalTemplate(t: Template, scope: Scope, report: Report): string | undefined {
  if (t.parts.length === 1 && t.parts[0]!.kind === "text") return t.parts[0]!.text;
  let out = "";
  for (const part of t.parts) {
    if (part.kind === "text") {
      out += part.text;
      continue;
    }
    const v = evalExpr(part.expr, scope, report);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) {
      report(
        "NS208",
        part.span,
        { detail: "a list cannot be put into text" },
        {
          hint: "loop over it with `for x in $list < … >`",
        },
      );
      return undefined;
    }
    out += String(v);
  }
  return out;
}

/** A command word: a word that is exactly `$list` splices the list in as several arguments. */
export function evalWords(t: Template, scope: Scope, report: Report): string[] | undefined {
  if (!t.quoted && t.parts.length === 1 && t.parts[0]!.kind === "expr") {
    const v = evalExpr(t.parts[0]!.expr, scope, report);
    if (v === undefined) return undefined;
    if (Array.isArray(v)) {
      const out: string[] = [];
      for (const item of v) {
        if (Array.isArray(item)) {
          report("NS208", t.span, { detail: "a nested list cannot be a command argument" });
          return undefined;
        }
        out.push(String(item));
      }
      return out;
    }
    return [String(v)];
  }
  const s = evalTemplate(t, scope, report);
  return s === undefined ? undefined : [s];
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
