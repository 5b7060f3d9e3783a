import { describe, expect, it } from "vitest";
import { didYouMean, editDistance, maxEdits } from "../../src/diagnostics/suggest.js";
import { compileText } from "../../src/engine/compile.js";
import { renderDiagnostics } from "../../src/diagnostics/render.js";

describe("restricted Damerau–Levenshtein distance", () => {
  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("alpah", "alpha")).toBe(1);
    expect(editDistance("ab", "ba")).toBe(1);
    expect(editDistance("ca", "abc")).toBe(3); // restricted: no edit of a swapped pair
  });
  it("is Levenshtein otherwise", () => {
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("veth", "veth")).toBe(0);
    expect(editDistance("vet", "veth")).toBe(1);
  });
});

describe("did you mean (Elm's thresholds)", () => {
  it("suggests alpha for alpah", () => {
    expect(didYouMean("alpah", ["alpha", "beta"])).toEqual(["alpha"]);
  });
  it("allows 1 edit below 3 characters, 2 from 3 on", () => {
    expect(maxEdits("ns")).toBe(1);
    expect(maxEdits("net")).toBe(2);
    expect(didYouMean("nx", ["ns", "xy"])).toEqual(["ns"]);
    expect(didYouMean("brdge", ["bridge", "fridge0"])).toEqual(["bridge"]);
    expect(didYouMean("zzzz", ["bridge"])).toEqual([]);
  });
  it("ranks by distance, then the longer shared beginning, then alphabetically; ignores case", () => {
    expect(didYouMean("vet", ["let", "veth", "def"])).toEqual(["veth", "let"]);
    expect(didYouMean("BR0", ["br1", "br0x"])).toEqual(["br0x", "br1"]);
    expect(didYouMean("Lan", ["lan"])).toEqual(["lan"]);
  });
});

describe("one suggestion list, rendered once", () => {
  it("`vet` gets one help line, best first, and no hint repeating it", () => {
    const c = compileText("vet a\n", "t.nsnet");
    const text = renderDiagnostics(c.diagnostics, { sources: c.sources, color: false });
    expect(text).toBe(["t.nsnet:1:1: error[NS104]: unknown statement 'vet'", " 1 | vet a", "   | ^^^", "help: did you mean `veth`, `let`?", ""].join("\n"));
  });
});
