import { describe, it, expect } from "vitest";
import { complete, type CompletionContext } from "../../src/repl/completion.js";
import { DOT_COMMANDS } from "../../src/repl/commands.js";
import { parser } from "../../src/syntax/parser.js";
import { keywordTokens, STATEMENT_KEYWORDS } from "../../src/syntax/tokens.js";

const ctx: CompletionContext = {
  namespaces: ["h1", "h2", "nat-gw"],
  bridges: [
    ["host", "br0"],
    ["host", "lan0"],
    ["h1", "inner"],
  ],
  interfaces: [
    ["h1", "eth0"],
    ["host", "h1_veth0"],
    ["host", "eth0"],
    ["host", "br0"],
    ["host", "lan0"],
  ],
  pools: ["lab"],
  listDir: (dir) => (dir === "" ? ["lab.nsnet", "lib/", ".hidden"] : dir === "lib/" ? ["a.nsnet"] : []),
};

describe("complete", () => {
  it("a statement's first word: statement keywords (and `NS:`, ping, exec at the start of a line)", () => {
    expect(complete("na", ctx)).toEqual([["nat", "nat-gw:"], "na"]);
    expect(complete("ns x < veth; na", ctx)).toEqual([["nat"], "na"]);
    // `add` is a keyword, but no statement starts with it
    expect(complete("ns h1 < veth to br0; ad", ctx)).toEqual([["addr"], "ad"]);
    expect(complete("h", ctx)[0]).toEqual(["h1:", "h2:", "host"]);
    expect(complete("pi", ctx)[0]).toEqual(["ping", "pingall"]);
  });

  it("`veth to` offers bridges, never the pool of the same prefix", () => {
    expect(complete("veth to la", ctx)).toEqual([["lan0"], "la"]);
    expect(complete("ns h3 < veth to ", ctx)[0]).toEqual(["br0", "h1:inner", "lan0"]);
  });

  it("`ns ` offers the namespaces known to the session or the kernel, nothing else", () => {
    expect(complete("ns ", ctx)[0]).toEqual(["h1", "h2", "nat-gw"]);
    expect(complete("ns h", ctx)[0]).toEqual(["h1", "h2"]);
  });

  it("other slots take their own kind of name", () => {
    expect(complete("ns a < addr auto from l", ctx)).toEqual([["lab"], "l"]);
    expect(complete("nat from ve-+ to ", ctx)[0]).toEqual([
      "br0",
      "eth0",
      "h1:eth0",
      "h1_veth0",
      "host:br0",
      "host:eth0",
      "host:h1_veth0",
      "host:lan0",
      "lan0",
    ]);
    expect(complete("expect h1 reaches ", ctx)[0]).toEqual(["h1", "h2", "nat-gw"]);
    expect(complete("run in ", ctx)[0]).toEqual(["h1", "h2", "nat-gw"]);
    expect(complete("ping h1 ", ctx)[0]).toEqual(["h1", "h2", "nat-gw"]);
    expect(complete("h1: ping ", ctx)[0]).toEqual(["h1", "h2", "nat-gw"]);
    expect(complete("portmap tcp 8080 to ", ctx)[0]).toEqual(["h1:", "h2:", "nat-gw:"]);
  });

  it("elsewhere: the keywords the grammar allows next", () => {
    expect(complete("ns h1 < veth ", ctx)[0]).toEqual(expect.arrayContaining(["as", "pair", "peer", "to"]));
    expect(complete("ns h1 < veth ", ctx)[0]).not.toContain("ns");
    expect(complete("expect h1 ", ctx)[0]).toEqual(["not", "reaches", "sees"]);
    expect(complete("route default ", ctx)[0]).toEqual(expect.arrayContaining(["via"]));
  });

  it("nothing inside a string or a comment", () => {
    expect(complete('run in h1 echo "n', ctx)[0]).toEqual([]);
    expect(complete("ns h1 # n", ctx)[0]).toEqual([]);
  });

  it("completes dot-commands from the command table, .quit included", () => {
    expect(complete(".s", ctx)).toEqual([[".save", ".show"], ".s"]);
    expect(complete(".q", ctx)).toEqual([[".quit"], ".q"]);
    expect(complete(".", ctx)[0]).toHaveLength(DOT_COMMANDS.length + 1);
  });

  it("completes file paths after .save, .load and use", () => {
    expect(complete(".load l", ctx)).toEqual([["lab.nsnet", "lib/"], "l"]);
    expect(complete(".save lib/", ctx)).toEqual([["lib/a.nsnet"], "lib/"]);
    expect(complete('use "li', ctx)).toEqual([["lib/"], "li"]);
    expect(complete(".load .", ctx)[0]).toEqual([".hidden"]);
  });
});

describe("one list of keywords", () => {
  it("the statement keywords are the first tokens of the parser's statements", () => {
    const wordOf = new Map([...keywordTokens].map(([w, t]) => [t, w]));
    const starts = parser.computeContentAssist("statement", []).flatMap((s) => wordOf.get(s.nextTokenType) ?? []);
    expect([...new Set(starts)].sort()).toEqual([...STATEMENT_KEYWORDS].sort());
  });
});
