import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generateCstDts, Lexer } from "chevrotain";
import { interpolationTokens, lexerConfig, mainTokens } from "../../src/syntax/tokens.js";
import { NsnetParser, parser } from "../../src/syntax/parser.js";
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
