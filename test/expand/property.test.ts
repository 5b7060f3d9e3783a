import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { expand } from "../../src/expand/expand.js";
import type * as A from "../../src/ast/nodes.js";
import type { Span } from "../../src/model/span.js";

/**
 * Random small programs of let/for/ns (with veth/addr inside), built over a synthetic source
 * of N lines: every node gets a span on some line of it. Laws: expansion never throws, and
 * every diagnostic (and related site) lies inside the source.
 */
const LINES = 40;
const WIDTH = 80;
const span = (line: number, col: number): Span => ({
  file: "p.nsnet",
  start: { offset: (line - 1) * (WIDTH + 1) + col - 1, line, column: col },
  end: { offset: (line - 1) * (WIDTH + 1) + col, line, column: col + 1 },
});
const arbSpan = fc.record({ line: fc.integer({ min: 1, max: LINES }), col: fc.integer({ min: 1, max: WIDTH - 1 }) }).map(({ line, col }) => span(line, col));
const names = fc.constantFrom("i", "j", "n", "x", "count");

const arbExpr: fc.Arbitrary<A.Expr> = fc.letrec<{ e: A.Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ type: fc.constant("Number" as const), value: fc.integer({ min: -5, max: 300 }), span: arbSpan }),
    fc.record({ type: fc.constant("Var" as const), name: names, span: arbSpan }),
    fc.record({ type: fc.constant("Binary" as const), op: fc.constantFrom("+", "-", "*", "/", "%" as const), left: tie("e"), right: tie("e"), span: arbSpan }),
    fc.record({ type: fc.constant("List" as const), items: fc.array(tie("e"), { maxLength: 3 }), span: arbSpan }),
  ),
})).e;

const arbTemplate: fc.Arbitrary<A.Template> = fc
  .record({
    prefix: fc.constantFrom("c", "198.51.100.", "x", "", "averyverylongname"),
    expr: fc.option(arbExpr),
    suffix: fc.constantFrom("", "/24", "_a"),
    span: arbSpan,
  })
  .map(({ prefix, expr, suffix, span }) => ({
    type: "Template" as const,
    quoted: false,
    span,
    parts: [
      { kind: "text" as const, text: prefix, span },
      ...(expr ? [{ kind: "expr" as const, expr, span: expr.span }] : []),
      { kind: "text" as const, text: suffix, span },
    ],
  }));

const arbInner: fc.Arbitrary<A.Statement> = fc.oneof(
  fc.record({ type: fc.constant("Veth" as const), keyword: arbSpan, pair: fc.boolean(), span: arbSpan }),
  fc.record({ type: fc.constant("Addr" as const), keyword: arbSpan, value: arbTemplate.map((cidr) => ({ kind: "static" as const, cidr })), span: arbSpan }),
);

const arbStmt: fc.Arbitrary<A.Statement> = fc.letrec<{ s: A.Statement }>((tie) => ({
  s: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({
      type: fc.constant("Let" as const),
      keyword: arbSpan,
      name: fc.record({ type: fc.constant("Ident" as const), name: names, span: arbSpan }),
      value: arbExpr,
      span: arbSpan,
    }),
    fc.record({
      type: fc.constant("Ns" as const),
      keyword: arbSpan,
      name: arbTemplate,
      body: fc.array(fc.oneof(arbInner, tie("s")), { maxLength: 3 }),
      span: arbSpan,
    }),
    fc.record({
      type: fc.constant("For" as const),
      keyword: arbSpan,
      variable: fc.record({ type: fc.constant("Ident" as const), name: names, span: arbSpan }),
      iter: fc.oneof(
        fc.record({ kind: fc.constant("range" as const), from: arbExpr, to: arbExpr, span: arbSpan }),
        fc.record({ kind: fc.constant("list" as const), list: arbExpr, span: arbSpan }),
      ),
      body: fc.array(tie("s"), { maxLength: 3 }),
      span: arbSpan,
    }),
    arbInner,
  ),
})).s;

const inside = (s: Span) =>
  s.file === "p.nsnet" &&
  s.start.line >= 1 &&
  s.start.line <= LINES &&
  s.start.column >= 1 &&
  s.end.offset >= s.start.offset &&
  s.end.offset <= LINES * (WIDTH + 1);

describe("expansion properties", () => {
  it("random let/for/ns programs never throw and every diagnostic lies inside the source", () => {
    fc.assert(
      fc.property(fc.array(arbStmt, { maxLength: 6 }), (body) => {
        const script: A.Script = { type: "Script", body, span: span(1, 1) };
        const { diagnostics } = expand(script, { file: "p.nsnet", limits: { maxIterations: 2000 } });
        for (const d of diagnostics) {
          expect(inside(d.span)).toBe(true);
          for (const r of d.related ?? []) expect(inside(r.span)).toBe(true);
          expect(d.code).toMatch(/^NS2\d\d$/);
        }
      }),
      { numRuns: 400 },
    );
  });
});

// Speed is scripts/bench's business (bench-check.mjs); here only the result of a large expansion.
describe("large scripts", () => {
  it("expands a 10,000-namespace script completely", () => {
    const sp = span(1, 1);
    const tpl = (...parts: (string | A.Expr)[]): A.Template => ({
      type: "Template",
      quoted: false,
      span: sp,
      parts: parts.map((p) => (typeof p === "string" ? { kind: "text" as const, text: p, span: sp } : { kind: "expr" as const, expr: p, span: sp })),
    });
    const i: A.Expr = { type: "Var", name: "i", span: sp };
    const num = (value: number): A.Expr => ({ type: "Number", value, span: sp });
    const div = (l: A.Expr, r: number): A.Expr => ({ type: "Binary", op: "/", left: l, right: num(r), span: sp });
    const mod = (l: A.Expr, r: number): A.Expr => ({ type: "Binary", op: "%", left: l, right: num(r), span: sp });
    const script: A.Script = {
      type: "Script",
      span: sp,
      body: [
        { type: "Uplink", keyword: sp, name: tpl("eth0"), span: sp },
        {
          type: "For",
          keyword: sp,
          variable: { type: "Ident", name: "i", span: sp },
          iter: { kind: "range", from: num(1), to: num(10_000), span: sp },
          span: sp,
          body: [
            {
              type: "Ns",
              keyword: sp,
              name: tpl("c", i),
              span: sp,
              body: [
                { type: "Veth", keyword: sp, pair: true, span: sp },
                { type: "Addr", keyword: sp, value: { kind: "static", cidr: tpl("10.", div(i, 256), ".", mod(i, 256), ".2/16") }, span: sp },
                { type: "LinkState", keyword: sp, state: "up", dev: { type: "IfRef", name: tpl("eth0"), span: sp }, span: sp },
                { type: "ProxyArp", keyword: sp, on: { type: "IfRef", name: tpl("eth0"), span: sp }, span: sp },
              ],
            },
          ],
        },
      ],
    };
    const { topology, diagnostics } = expand(script, { file: "big.nsnet" });
    expect(diagnostics).toEqual([]);
    expect(topology.namespaces).toHaveLength(10_000);
    expect(topology.devices).toHaveLength(20_001);
  });
});
