import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { catalog } from "../../src/diagnostics/codes.js";
import { runFixture, runScript } from "./pipeline.js";
import { PRODUCERS } from "./producers.js";

/**
 * The catalog is covered when every code is PRODUCED by something this test runs — not
 * when a test merely names it. Three sources, each run here and its output recorded:
 * - every catalog example;
 * - every script under test/fixtures/ and examples/ (with NAME.state.json beside it when it
 *   has one: a hand-written live snapshot and earlier allocations, for what only the kernel
 *   or an earlier run can show), through parse → expand → allocate → check, then the live
 *   check and the planner (test/diagnostics/pipeline.ts);
 * - for codes no script shows through check and plan (second lines of defence, other
 *   commands' inputs), the real function that reports them (producers.ts), each required
 *   to give its own code.
 * A new code needs a fixture (or catalog example) that produces it.
 */
const repo = fileURLToPath(new URL("../../", import.meta.url));

function scripts(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) scripts(p, out);
    else if (name.endsWith(".nsnet")) out.push(p);
  }
  return out;
}

/** code → the first script seen producing it (catalog examples, fixtures, examples) */
const fromScripts = new Map<string, string>();
const record = (codes: readonly { code: string }[], by: string) => {
  for (const { code } of codes) if (!fromScripts.has(code)) fromScripts.set(code, by);
};
for (const c of catalog) record(runScript(`${c.example}\n`, "example.nsnet"), `the catalog example of ${c.code}`);
const files = [...scripts(join(repo, "test/fixtures")), ...scripts(join(repo, "examples"))];
for (const f of files) record(runFixture(f), relative(repo, f));

/** what each producer gives, run once */
const fromProducers = new Map(Object.entries(PRODUCERS).map(([code, p]) => [code, p.run().map((d) => d.code)]));

describe("diagnostic coverage: codes produced, not mentioned", () => {
  it("runs the fixtures and examples, the state fixtures among them", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.includes("/fixtures/state/"))).toBe(true);
  });

  for (const [code, p] of Object.entries(PRODUCERS)) {
    it(`${code} (${p.why}) is produced by its function`, () => {
      expect(fromProducers.get(code)).toContain(code);
    });
  }

  it("no code in the producers' table is one a script shows (its coverage is then the script's)", () => {
    expect(Object.keys(PRODUCERS).flatMap((c) => (fromScripts.has(c) ? [`${c} (${fromScripts.get(c)})`] : []))).toEqual([]);
  });

  it("every code in the catalog is produced by a script or, where no script can, by its producer", () => {
    const produced = (c: string) => fromScripts.has(c) || fromProducers.get(c)?.includes(c) === true;
    const missing = catalog.map((c) => c.code).filter((c) => !produced(c));
    expect(
      missing,
      "codes nothing produces: add a fixture under test/fixtures/ (a .state.json beside it for live or earlier-run state), or for another command's code its producer (producers.ts)",
    ).toEqual([]);
  });

  it("produces nothing that is not in the catalog", () => {
    const known = new Set<string>(catalog.map((c) => c.code));
    const all = [...fromScripts.keys(), ...[...fromProducers.values()].flat()];
    expect(all.filter((c) => !known.has(c))).toEqual([]);
  });
});
