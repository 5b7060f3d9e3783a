import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics, say, useColor } from "../output.js";
import { loadAllocations, unlessStoreChanged, up } from "../../engine/up.js";
import type { UpResult } from "../../engine/types.js";
import { location } from "../../diagnostics/render.js";
import kleur from "kleur";

/** `nsnet up FILE` (alias `apply`): one transaction; exit 0/1/3/4/5 (docs/architecture.md §11). */
export async function runUp(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  const opts = engineOptions(inv.global, file);
  // Compiled once before the lock (a script with errors is refused without waiting for
  // anyone); under the lock it is compiled again only if the store changed meanwhile.
  const loaded = await loadAllocations(opts);
  const first = compileFile(file, { allocations: loaded });
  const r = await up(first.ok ? unlessStoreChanged(first, loaded, (allocations) => compileFile(file, { allocations })) : first, opts);
  if (!inv.global.json) printDiagnostics(r.diagnostics, (r.compiled ?? first).sources, inv.global);
  return reportUp(r, inv, file);
}

/** Prints the outcome of an `up` and maps it to the exit code (shared with `sandbox`). */
export function reportUp(r: UpResult, inv: Pick<Invocation, "global">, file: string): number {
  const g = inv.global;
  if (g.json) {
    process.stdout.write(
      JSON.stringify(
        {
          status: r.status,
          ops: r.ops.length,
          applied: r.ops.map((o) => o.summary),
          elapsedMs: r.elapsedMs,
          diagnostics: r.diagnostics,
          failure: r.failure,
          leftovers: r.leftovers,
          expects: r.expectResults,
          skipped: r.skipped,
        },
        null,
        2,
      ) + "\n",
    );
  }
  const bad = (s: string) => (useColor(process.stderr) ? kleur.red().bold(s) : s);
  switch (r.status) {
    case "check-failed":
      return EXIT.checkErrors;
    case "rolled-back":
    case "rollback-incomplete": {
      const f = r.failure!;
      const where = f.op.span ? `${location(f.op.span)}: ` : "";
      process.stderr.write(`${where}${bad("error")}: apply failed at op ${f.op.index} (${f.op.summary}): ${f.message}\n`);
      if (r.status === "rolled-back") {
        process.stderr.write(`rolled back: everything this run did was undone and verified; the system is as before\n`);
        return EXIT.rolledBack;
      }
      process.stderr.write(`rollback incomplete; left behind:\n${(r.leftovers ?? []).map((l) => `  ${l}`).join("\n")}\n`);
      return EXIT.rollbackIncomplete;
    }
    case "ok":
    case "expect-failed": {
      if (!g.json) {
        for (const s of r.skipped ?? []) say(g, `left alone (not ours): ${s}`);
        for (const e of r.expectResults ?? []) say(g, `${e.ok ? "ok  " : bad("FAIL")} ${e.text} (${e.detail})`);
        say(g, r.ops.length ? `${file}: up, ${r.ops.length} op(s) applied in ${r.elapsedMs} ms` : `${file}: already up, nothing to do (0 ops)`);
      }
      return r.status === "ok" ? EXIT.ok : EXIT.expectFailed;
    }
  }
}
