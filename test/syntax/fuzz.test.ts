import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "../../src/syntax/parse.js";
import { LineIndex } from "../../src/syntax/lines.js";
import type { Span } from "../../src/model/span.js";

const dir = join(import.meta.dirname, "../fixtures/syntax/valid");
const seeds = readdirSync(dir).map((f) => readFileSync(join(dir, f), "utf8"));
const PIECES = [
  "<",
  ">",
  ";",
  "\n",
  '"',
  "${",
  "}",
  "$",
  "\\",
  "\\\n",
  "#",
  ":",
  "..",
  "/",
  "(",
  ")",
  "[",
  "]",
  ",",
  "=",
  "|",
  "ns",
  "veth",
  "to",
  "addr",
  "10.0.0.1/24",
  "2001:db8::1",
  "${i+1}",
  "-",
  "*",
  " ",
];

type Mutation = { kind: "delete" | "insert" | "duplicate" | "swap"; at: number; len: number; piece: number };
const mutation = fc.record({
  kind: fc.constantFrom("delete", "insert", "duplicate", "swap"),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 12 }),
  piece: fc.nat(PIECES.length - 1),
}) as fc.Arbitrary<Mutation>;

function mutate(src: string, ms: Mutation[]): string {
  let s = src;
  for (const m of ms) {
    const at = s.length ? m.at % (s.length + 1) : 0;
    const end = Math.min(s.length, at + m.len);
    if (m.kind === "delete") s = s.slice(0, at) + s.slice(end);
    else if (m.kind === "insert") s = s.slice(0, at) + PIECES[m.piece] + s.slice(at);
    else if (m.kind === "duplicate") s = s.slice(0, end) + s.slice(at, end) + s.slice(end);
    else {
      // swap this token-ish chunk with the next one
      const next = Math.min(s.length, end + m.len);
      s = s.slice(0, at) + s.slice(end, next) + s.slice(at, end) + s.slice(next);
    }
  }
  return s;
}

function checkSpan(text: string, lines: LineIndex, span: Span): void {
  expect(span.start.offset).toBeGreaterThanOrEqual(0);
  expect(span.end.offset).toBeLessThanOrEqual(text.length);
  expect(span.start.offset).toBeLessThanOrEqual(span.end.offset);
  expect(span.start).toEqual(lines.position(span.start.offset));
  expect(span.end).toEqual(lines.position(span.end.offset));
}

describe("grammar fuzz", () => {
  it("mutated valid scripts never throw; every diagnostic span is inside the text and consistent", () => {
    fc.assert(
      fc.property(fc.nat(seeds.length - 1), fc.array(mutation, { minLength: 1, maxLength: 6 }), (i, ms) => {
        const text = mutate(seeds[i]!, ms);
        const r = parse(text, "fuzz.nsnet");
        const lines = new LineIndex(text, "fuzz.nsnet");
        for (const d of r.diagnostics) {
          expect(d.code).toMatch(/^NS1\d\d$/);
          checkSpan(text, lines, d.span);
        }
        for (const c of r.comments) checkSpan(text, lines, c.span);
        expect(r.diagnostics.length).toBeLessThanOrEqual(50);
      }),
      { numRuns: 1500 },
    );
  });

  it("random printable text never throws", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...PIECES, "a", "1", "\t", "é", "\r", "{", "'"), maxLength: 80 }), (text) => {
        const r = parse(text, "r.nsnet");
        const lines = new LineIndex(text, "r.nsnet");
        for (const d of r.diagnostics) checkSpan(text, lines, d.span);
      }),
      { numRuns: 1500 },
    );
  });
});
