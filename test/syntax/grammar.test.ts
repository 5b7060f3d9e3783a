import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { generateCstDts, Lexer, type CstNode, type IToken } from "chevrotain";
import { interpolationTokens, lexerConfig, mainLexer, mainTokens } from "../../src/syntax/tokens.js";
import { NsnetParser, parser, parseRule } from "../../src/syntax/parser.js";
import { expectGolden } from "../golden.js";

const CST_HEADER = `// Generated from the parser by chevrotain's generateCstDts (test/syntax/grammar.test.ts keeps
// it current: UPDATE_GOLDEN=1 regenerates it). The CST → AST builder reads the tree through
// these types, so a renamed label or rule is a compile error there, not a silent undefined.
`;

const ebnf = readFileSync(join(import.meta.dirname, "../../grammar/nsnet.ebnf"), "utf8");
// rule definitions are `name = …` at the start of a line, outside (* comments *)
const defined = [...ebnf.replace(/\(\*[\s\S]*?\*\)/g, "").matchAll(/^([a-z][A-Za-z]*)\s*=/gm)].map((m) => m[1]!);
const parserRules = parser.getGAstProductions();

describe("the grammar passes chevrotain's own checks", () => {
  // the parser nsnet uses skips them at start-up; this one runs them all
  it("builds with validations on (ambiguities, left recursion, unreachable alternatives)", () => {
    expect(() => new NsnetParser({ validate: true })).not.toThrow();
  });
  it("its tokens pass the lexer's checks", () => {
    for (const tokens of [mainTokens, interpolationTokens]) {
      const lexer = new Lexer(tokens, { ...lexerConfig, skipValidations: false });
      expect(lexer.lexerDefinitionErrors).toEqual([]);
    }
  });
});

describe("the parsers nsnet builds for speed: lookahead on first use (lazy-lookahead.ts), recovery only after an error (parseRule)", () => {
  const repo = join(import.meta.dirname, "../..");
  const scripts = (dir: string): string[] =>
    readdirSync(join(repo, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".nsnet"))
      .map((f) => readFileSync(join(repo, dir, f), "utf8"));
  const corpus = [...scripts("examples"), ...scripts("stdlib"), ...scripts("test/fixtures")];
  // every script whole and cut at a few points, so that error recovery runs too
  const texts = corpus.flatMap((t) => [t, ...[0.2, 0.5, 0.8].map((f) => t.slice(0, Math.floor(t.length * f)))]);
  const show = (v: unknown): string =>
    JSON.stringify(v, (k, x) => (k === "tokenType" ? (x as { name: string }).name : k === "context" || k === "resyncedTokens" ? undefined : x));
  const run = (p: NsnetParser, text: string) => {
    p.input = mainLexer.tokenize(text).tokens;
    const cst: CstNode = p.script();
    return show({ cst, errors: p.errors.map((e) => ({ name: e.name, message: e.message, token: e.token as IToken })) });
  };

  it("parses without recovery as with it wherever the text has no error; with errors, parseRule recovers", () => {
    const recovering = new NsnetParser({ validate: false });
    let clean = 0;
    for (const t of texts) {
      const tokens = mainLexer.tokenize(t).tokens;
      const r = parseRule("script", tokens);
      const expected = run(recovering, t);
      expect(show({ cst: r.cst, errors: r.errors.map((e) => ({ name: e.name, message: e.message, token: e.token })) })).toBe(expected);
      if (r.errors.length === 0) clean++;
    }
    // both kinds were there
    expect(clean).toBeGreaterThan(50);
    expect(clean).toBeLessThan(texts.length - 50);
  });

  it("decides as chevrotain's eager lookahead on every example, stdlib and fixture script, whole and cut short", () => {
    expect(texts.length).toBeGreaterThan(200);
    const eager = new NsnetParser({ validate: false, eagerLookahead: true });
    const lazy = new NsnetParser({ validate: false });
    for (const t of texts) expect(run(lazy, t)).toBe(run(eager, t));
  });
});

describe("grammar/nsnet.ebnf", () => {
  it("names exactly the parser's rules, each once", () => {
    expect(new Set(defined).size).toBe(defined.length);
    expect([...defined].sort()).toEqual([...Object.keys(parserRules)].sort());
  });
});

describe("src/syntax/cst.ts", () => {
  it("is the CST types chevrotain generates from the parser (UPDATE_GOLDEN=1 regenerates it)", () => {
    const generated = generateCstDts(parserRules, { includeVisitorInterface: false });
    expectGolden(join(import.meta.dirname, "../../src/syntax/cst.ts"), CST_HEADER + generated);
  });
});
