import type * as A from "../ast/nodes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Span } from "../model/span.js";
import type { Handler, Value } from "../model/topology.js";
import { validateIfPattern } from "../model/names.js";
import { evalExpr, evalTemplate, kindOf, plural } from "./evaluate.js";
import { HOST } from "../model/topology.js";
import type { Body, Expansion } from "./expansion.js";
import { placementProblem } from "./placement.js";
import { Scope } from "./scope.js";
import { integer } from "./values.js";

/** The statements that bind names and run blocks: let, def and its calls, for, use, on. */

export function letStmt(x: Expansion, s: A.LetStmt, _body: Body, scope: Scope): void {
  const v = evalExpr(s.value, scope, x.report);
  if (v !== undefined) scope.setVar(s.name.name, v);
}

export function def(_x: Expansion, s: A.DefStmt, _body: Body, scope: Scope): void {
  scope.setDef(s.name.name, { def: s, closure: scope });
}

export function call(x: Expansion, s: A.CallStmt, body: Body, scope: Scope): void {
  const name = s.callee.name;
  const binding = scope.lookupDef(name);
  if (!binding) {
    const suggestions = didYouMean(name, scope.defNames());
    x.report(
      "NS202",
      s.callee.span,
      { name },
      {
        suggestions,
        hint: suggestions.length ? undefined : "define it with `def NAME(…) < … >` or bring it in with `use`",
      },
    );
    return;
  }
  const { def, closure } = binding;
  if (def.params.length !== s.args.length) {
    x.report(
      "NS203",
      s.span,
      { name, expected: plural(def.params.length, "argument"), given: s.args.length },
      {
        related: [{ span: def.name.span, message: `\`${name}\` is defined here with (${def.params.map((p) => p.name).join(", ")})` }],
      },
    );
    return;
  }
  if (x.depth >= x.maxDepth) {
    x.report("NS204", s.span, { limit: x.maxDepth, name }, { related: [{ span: def.name.span, message: `\`${name}\` is defined here` }] });
    return;
  }
  const inner = closure.child();
  for (let i = 0; i < def.params.length; i++) {
    const v = evalExpr(s.args[i]!, scope, x.report);
    if (v === undefined) return;
    inner.setVar(def.params[i]!.name, v);
  }
  x.depth++;
  x.context.push({ span: s.span, message: `in this call of \`${name}\`` });
  try {
    x.runBlock(def.body, body, inner);
  } finally {
    x.context.pop();
    x.depth--;
  }
}

export function forLoop(x: Expansion, s: A.ForStmt, body: Body, scope: Scope): void {
  let items: Value[];
  if (s.iter.kind === "range") {
    const from = integer(x, s.iter.from, scope, { what: "a loop bound" });
    const to = integer(x, s.iter.to, scope, { what: "a loop bound" });
    if (from === undefined || to === undefined) return;
    const count = Math.max(0, to - from + 1);
    if (!takeIterations(x, count, s.iter.span)) return;
    items = [];
    for (let i = from; i <= to; i++) items.push(i);
  } else {
    const v = evalExpr(s.iter.list, scope, x.report);
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      x.report("NS208", s.iter.list.span, { detail: `\`for … in\` needs a list or a range A..B, got ${kindOf(v)}` });
      return;
    }
    if (!takeIterations(x, v.length, s.iter.span)) return;
    items = v;
  }
  const name = s.variable.name;
  for (const item of items) {
    const inner = scope.child();
    inner.setVar(name, item);
    x.context.push({ span: s.variable.span, message: `when ${name} = ${Array.isArray(item) ? "[…]" : String(item)}` });
    try {
      x.runBlock(s.body, body, inner);
    } finally {
      x.context.pop();
    }
  }
}

/** All loops of one expansion share one budget, so nested loops cannot multiply past it. */
function takeIterations(x: Expansion, count: number, span: Span): boolean {
  if (x.iterations + count > x.maxIterations) {
    x.report(
      "NS205",
      span,
      { limit: x.maxIterations.toLocaleString("en-US") },
      {
        hint: `this loop alone would run ${count.toLocaleString("en-US")} times`,
      },
    );
    return false;
  }
  x.iterations += count;
  return true;
}

/** A used file runs once per expansion; later `use`s of it import the same definitions. */
export function use(x: Expansion, s: A.UseStmt, _body: Body, scope: Scope): void {
  const path = evalTemplate(s.path, scope, x.report);
  if (path === undefined) return;
  if (!x.opts.load) {
    x.report("NS206", s.path.span, { path, reason: "no file loader is available here" });
    return;
  }
  const from = s.span.file || x.opts.file;
  const loaded = x.opts.load(path, from);
  if ("error" in loaded) {
    x.report("NS206", s.path.span, { path, reason: loaded.reason ?? "file not found" }, { hint: loaded.error });
    return;
  }
  for (const d of loaded.diagnostics ?? []) x.diags.push(d);
  const cached = x.modules.get(loaded.file);
  if (cached === "loading") return; // a cycle: the file is being read further up; its defs arrive there
  if (cached) {
    scope.importFrom(cached);
    return;
  }
  const moduleScope = new Scope();
  x.modules.set(loaded.file, "loading");
  x.runBlock(loaded.script.body, { kind: "module", ns: HOST, file: loaded.file }, moduleScope);
  x.modules.set(loaded.file, moduleScope);
  scope.importFrom(moduleScope);
}

/** `on add|remove`: the body is kept unexpanded, with the scope it was written in. */
export function handler(x: Expansion, s: A.OnStmt, _body: Body, scope: Scope): void {
  const pattern = evalTemplate(s.pattern, scope, x.report);
  if (pattern === undefined) return;
  const reason = validateIfPattern(pattern, { glob: true });
  if (reason) {
    x.report("NS210", s.pattern.span, { name: pattern, reason });
    return;
  }
  // Statements a handler can never run are reported now, not at the first udev event.
  for (const st of s.body) {
    const problem = placementProblem(st, "handler");
    if (problem) x.report("NS212", "keyword" in st ? st.keyword : st.span, { what: problem.what, where: problem.where }, { hint: problem.hint });
  }
  const h: Handler = { action: s.action, pattern, patternSpan: s.pattern.span, body: s.body, scope: scope.flattenVars(), closure: scope, span: s.span };
  x.topo.handlers.push(h);
}
