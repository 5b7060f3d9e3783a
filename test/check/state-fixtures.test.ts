import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { expectedOf, foundIn, runFixture } from "../diagnostics/pipeline.js";

/**
 * Fixtures for what only the kernel or an earlier run can show: each NAME.nsnet under
 * test/fixtures/state/ runs with NAME.state.json beside it — a hand-written live snapshot
 * (what `ip -j` would show), the allocations an earlier run left — through the front half,
 * the live check and the planner, and must give exactly its `# expect:` lines. The same
 * findings against the real kernel are the kernel tests' (test/kernel/).
 */
const dir = fileURLToPath(new URL("../fixtures/state/", import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".nsnet"))
  .sort();

describe("state fixtures", () => {
  it("has fixtures", () => expect(files.length).toBeGreaterThan(5));
  for (const f of files) {
    it(f, () => {
      const want = expectedOf(readFileSync(dir + f, "utf8"));
      expect(want.length, "a state fixture shows a finding").toBeGreaterThan(0);
      const ds = runFixture(dir + f);
      expect(foundIn(ds), ds.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.column} ${d.message}`).join("\n")).toEqual(want);
    });
  }
});
