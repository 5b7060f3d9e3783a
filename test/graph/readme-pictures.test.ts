import { describe, it, expect } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileFile } from "../../src/cli/compile-file.js";
import { toSvg } from "../../src/graph/svg.js";

// The README shows these pictures; they must be what `nsnet graph FILE --format svg` draws
// today (UPDATE_GOLDEN=1 redraws them — look at them before committing).
const repo = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const PICTURES = [
  ["examples/vagga.nsnet", "docs/img/vagga.svg"],
  ["examples/nixos-containers.nsnet", "docs/img/nixos-containers.svg"],
] as const;

describe("the README's pictures", () => {
  for (const [script, picture] of PICTURES) {
    it(`${picture} is the current drawing of ${script}`, async () => {
      const c = compileFile(script);
      const svg = await toSvg(c.addressed!);
      if (process.env.UPDATE_GOLDEN) writeFileSync(repo(picture), svg);
      expect(svg).toBe(readFileSync(repo(picture), "utf8"));
    });
  }
});
