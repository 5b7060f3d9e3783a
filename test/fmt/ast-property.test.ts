import { describe, it, expect } from "vitest";
import fc from "fast-check";
import type { Expr, Script, Statement, Template, TemplatePart } from "../../src/ast/nodes.js";
import { parse } from "../../src/syntax/parse.js";
import { format } from "../../src/fmt/format.js";
import { K } from "./build.js";
import { stripSpans } from "./strip.js";

// Random trees in the shape the parser builds (merged text parts, integer literals, …):
// printing one and parsing the text must give the same tree back. This is the printer's
// quoting and parenthesisation tested against the real lexer, character by character.

const nameArb = fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/);
const nastyChar = fc.constantFrom(..."ab Z09_-./=:,()[]+*%'~é✓", "\t", "\n", '"', "\\", "$", "{", "}", "#", ";", "<", ">", "|");
const textArb = fc.array(nastyChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join(""));

const interpExpr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.nat({ max: 999 }).map((value): Expr => ({ type: "Number", value, span: K })),
    nameArb.map((name): Expr => ({ type: "Var", name, span: K })),
    fc
      .record({ op: fc.constantFrom("+", "-", "*", "/", "%" as const), left: tie("e"), right: tie("e") })
      .map(({ op, left, right }): Expr => ({ type: "Binary", op: op as "+", left, right, span: K })),
    tie("e").map((operand): Expr => ({ type: "Unary", op: "-", operand, span: K })),
  ),
})).e;

function template(quoted: boolean, pieces: (string | Expr)[]): Template {
  const parts: TemplatePart[] = [];
  for (const p of pieces) {
    const last = parts[parts.length - 1];
    if (typeof p === "string") {
      if (last?.kind === "text") last.text += p;
      else parts.push({ kind: "text", text: p, span: K });
    } else parts.push({ kind: "expr", expr: p, span: K });
  }
  return { type: "Template", parts, quoted, span: K };
}

const templateArb = (quoted: boolean) =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: textArb }, { weight: 1, arbitrary: interpExpr }), { minLength: quoted ? 0 : 1, maxLength: 4 })
    .map((ps) => template(quoted, ps));

const stmtExpr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.nat({ max: 99999 }).map((value): Expr => ({ type: "Number", value, span: K })),
    nameArb.map((name): Expr => ({ type: "Var", name, span: K })),
    templateArb(true).map((value): Expr => ({ type: "String", value, span: K })),
    fc
      .record({ op: fc.constantFrom("+", "-", "*", "/", "%" as const), left: tie("e"), right: tie("e") })
      .map(({ op, left, right }): Expr => ({ type: "Binary", op: op as "+", left, right, span: K })),
    tie("e").map((operand): Expr => ({ type: "Unary", op: "-", operand, span: K })),
    fc.array(tie("e"), { maxLength: 3 }).map((items): Expr => ({ type: "List", items, span: K })),
  ),
})).e;

const statement: fc.Arbitrary<Statement> = fc.oneof(
  fc
    .record({ ns: nameArb, argv: fc.array(fc.oneof(templateArb(false), templateArb(true)), { minLength: 1, maxLength: 4 }) })
    .map(({ ns, argv }): Statement => ({ type: "Exec", keyword: K, ns: template(false, [ns]), argv, span: K })),
  fc
    .record({ name: nameArb, value: stmtExpr })
    .map(({ name, value }): Statement => ({ type: "Let", keyword: K, name: { type: "Ident", name, span: K }, value, span: K })),
);

const KEYWORDS = new Set(["ns", "host", "let", "in", "for", "def", "on", "up", "down", "to", "from", "not", "off"]);

describe("printer against the parser", () => {
  it("prints random trees that parse back to themselves", () => {
    fc.assert(
      fc.property(fc.array(statement, { minLength: 1, maxLength: 4 }), (body) => {
        // names the grammar reads as keywords in these positions are not what we test here
        fc.pre(body.every((s) => s.type !== "Let" || !KEYWORDS.has(s.name.name)));
        const script: Script = { type: "Script", body, span: K };
        const text = format(script);
        const back = parse(text, "gen.nsnet");
        expect(back.diagnostics).toEqual([]);
        expect(stripSpans(back.script)).toEqual(stripSpans(script));
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 500) },
    );
  });
});
