import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { Lexer, type ILexingResult, type TokenType } from "chevrotain";
import { describe, expect, it } from "vitest";
import { interpolationLexer, interpolationTokens, lexerConfig, mainLexer, mainTokens } from "../../src/syntax/tokens.js";

// Every token gives chevrotain the characters it can start with (start_chars_hint), so that
// building the lexers analyses no regular expression; a hint that missed a character would
// make the lexer skip that token there. The reference lexers get the same tokens without
// the hints on regular expressions, which chevrotain then analyses itself: the lexers nsnet
// uses must lex everything exactly as they do.
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

describe("the lexers' start-character hints", () => {
  const analysed = (tokens: TokenType[]) =>
    tokens.map((t) => {
      if (!(t.PATTERN instanceof RegExp)) return t;
      const { START_CHARS_HINT: _, ...rest } = t;
      return rest as TokenType;
    });
  const refMain = new Lexer(analysed(mainTokens), lexerConfig);
  const refInterpolation = new Lexer(analysed(interpolationTokens), lexerConfig);

  it("are what the reference lexers would have worked out (they are not the hints' copies)", () => {
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
