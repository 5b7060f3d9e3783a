import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Lexer, type ILexingResult, type TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { interpolationLexer, interpolationTokens, lexerConfig, mainLexer, mainTokens } from "../../src/syntax/tokens.js";

// nsnet lexes with TokenScanner (src/syntax/lexer.ts): chevrotain's lexing loop over the
// token types, trusting each type's start characters (start_chars_hint) and line_breaks
// instead of building chevrotain's Lexer. The reference lexers are chevrotain's own, given
// the same token types without the hints on regular expressions, which chevrotain then
// analyses itself: so a wrong hint, or a scanner that differs from chevrotain's loop in
// a token, a field, a group, a line or column, or an error and its recovery, shows here.
const show = (r: ILexingResult): string =>
  JSON.stringify({ tokens: r.tokens, groups: r.groups, errors: r.errors }, (k, v) => (k === "tokenType" ? (v as TokenType).name : v));

const repo = join(import.meta.dirname, "../..");
const scripts = (dir: string): string[] =>
  readdirSync(join(repo, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".nsnet"))
    .map((f) => readFileSync(join(repo, dir, f), "utf8"));

// every printable ASCII character, the line ends, and a few the lexer has no token for
const ALPHABET = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), "\t", "\r", "\n", "é", "€", "\u00a0", "\u0000"];
const texts = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 });

describe("nsnet's lexers (TokenScanner and the start-character hints)", () => {
  const analysed = (tokens: TokenType[]) =>
    tokens.map((t) => {
      if (!(t.PATTERN instanceof RegExp)) return t;
      const { START_CHARS_HINT: _, ...rest } = t;
      return rest as TokenType;
    });
  const refMain = new Lexer(analysed(mainTokens), lexerConfig);
  const refInterpolation = new Lexer(analysed(interpolationTokens), lexerConfig);

  it("are compared with lexers that work the hints out themselves (not the hints' copies)", () => {
    expect(mainTokens.filter((t) => t.PATTERN instanceof RegExp).every((t) => t.START_CHARS_HINT !== undefined)).toBe(true);
    expect(analysed(mainTokens).filter((t) => t.START_CHARS_HINT !== undefined).length).toBeLessThan(mainTokens.length);
  });

  it("lex every example, stdlib and fixture script as the reference lexer does", () => {
    const corpus = [...scripts("examples"), ...scripts("stdlib"), ...scripts("test/fixtures")];
    expect(corpus.length).toBeGreaterThan(50);
    for (const t of corpus) expect(show(mainLexer.tokenize(t))).toBe(show(refMain.tokenize(t)));
  });

  it("lex any text as the reference lexers do (main and ${…} lexers)", () => {
    fc.assert(
      fc.property(texts, (t) => {
        expect(show(mainLexer.tokenize(t))).toBe(show(refMain.tokenize(t)));
        expect(show(interpolationLexer().tokenize(t))).toBe(show(refInterpolation.tokenize(t)));
      }),
      { numRuns: 3000 },
    );
  });
});
