import { describe, it, expect } from "vitest";
import { parse } from "../../src/syntax/parse.js";
import { format } from "../../src/fmt/format.js";
import { exampleFiles, readSource } from "./corpus.js";

const required = [
  "examples/card.nsnet",
  "examples/lxc-macvlan.nsnet",
  "examples/routed-proxyarp.nsnet",
  "examples/cni-bridge.nsnet",
  "examples/vagga.nsnet",
  "examples/nixos-containers.nsnet",
  "examples/mirror-host.nsnet",
];

describe("examples", () => {
  it("has every example docs/architecture.md §12 asks for", () => {
    for (const f of required) expect(exampleFiles).toContain(f);
  });

  for (const file of exampleFiles) {
    it(`${file} parses cleanly and is already in canonical form`, () => {
      const src = readSource(file);
      expect(src.startsWith("#!/usr/bin/env nsnet\n")).toBe(true);
      const { script, diagnostics, comments } = parse(src, file);
      expect(diagnostics).toEqual([]);
      const out = format(script, comments);
      expect(out).toBe(src);
    });
  }
});
