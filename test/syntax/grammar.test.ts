import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parser } from "../../src/syntax/parser.js";

const ebnf = readFileSync(join(import.meta.dirname, "../../grammar/nsnet.ebnf"), "utf8");
// rule definitions are `name = …` at the start of a line, outside (* comments *)
const defined = [...ebnf.replace(/\(\*[\s\S]*?\*\)/g, "").matchAll(/^([a-z][A-Za-z]*)\s*=/gm)].map((m) => m[1]!);
const parserRules = parser.getGAstProductions();

describe("grammar/nsnet.ebnf", () => {
  it("names exactly the parser's rules, each once", () => {
    expect(new Set(defined).size).toBe(defined.length);
    expect([...defined].sort()).toEqual([...Object.keys(parserRules)].sort());
  });
});
