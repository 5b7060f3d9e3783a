import { describe, it, expect } from "vitest";
import { complete, type CompletionContext } from "../../src/repl/completion.js";

const ctx: CompletionContext = {
  namespaces: ["h1", "h2", "nat-gw"],
  interfaces: [["h1", "eth0"], ["host", "h1_veth0"]],
  pools: ["lan"],
  listDir: (dir) => (dir === "" ? ["lab.nsnet", "lib/", ".hidden"] : dir === "lib/" ? ["a.nsnet"] : []),
};

describe("complete", () => {
  it("completes keywords and session names", () => {
    expect(complete("na", ctx)).toEqual([["nat", "nat-gw", "nat-gw:"], "na"]);
    expect(complete("ns x < veth; na", ctx)).toEqual([["nat", "nat-gw"], "na"]);
    expect(complete("ns h1 < veth to br0; ad", ctx)).toEqual([["add", "addr"], "ad"]);
    expect(complete("addr auto from l", ctx)[0]).toContain("lan");
    expect(complete("nat from ve-+ to host:h", ctx)[0]).toEqual(["host:h1_veth0"]);
  });

  it("offers `NS:` only at the start of a line", () => {
    expect(complete("h", ctx)[0]).toEqual(expect.arrayContaining(["h1:", "h2:", "host", "h1", "h1_veth0"]));
    expect(complete("ping h", ctx)[0]).not.toContain("h1:");
  });

  it("completes dot-commands", () => {
    expect(complete(".s", ctx)).toEqual([[".save", ".show"], ".s"]);
    expect(complete(".pl", ctx)).toEqual([[".plan"], ".pl"]);
  });

  it("completes file paths after .save, .load and use", () => {
    expect(complete(".load l", ctx)).toEqual([["lab.nsnet", "lib/"], "l"]);
    expect(complete(".save lib/", ctx)).toEqual([["lib/a.nsnet"], "lib/"]);
    expect(complete('use "li', ctx)).toEqual([["lib/"], "li"]);
    expect(complete(".load .", ctx)[0]).toEqual([".hidden"]);
  });
});
