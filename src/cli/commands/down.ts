import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { engineOptions } from "../engine-options.js";
import { say } from "../output.js";
import { down } from "../../engine/down.js";
import { knownProjects, projectExists } from "../../engine/projects.js";

/** `nsnet down FILE`: remove what this script's project created, and only that. */
export async function runDown(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file && !inv.global.project) throw new UsageError("expected FILE (or --project NAME)");
  if (inv.args.length > 1) throw new UsageError("expected at most one FILE");
  const opts = engineOptions(inv.global, file);
  const existed = await projectExists(opts);
  const r = await down(opts, file !== undefined ? { file } : {});
  if (inv.global.json) {
    const known = existed || r.undone ? undefined : (await knownProjects(opts)).filter((p) => p.name !== opts.project).map((p) => p.name);
    const out = {
      status: r.status,
      project: opts.project,
      existed,
      undone: r.undone,
      skipped: r.skipped,
      notes: r.notes,
      leftovers: r.leftovers ?? [],
      ...(known ? { knownProjects: known } : {}),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + "\n");
    return r.status === "ok" ? EXIT.ok : EXIT.rollbackIncomplete;
  }
  for (const s of r.skipped) say(inv.global, `left alone (not ours): ${s}`);
  for (const n of r.notes) say(inv.global, `note: ${n}`);
  if (r.status !== "ok") {
    process.stderr.write(`down incomplete; left behind:\n${(r.leftovers ?? []).map((l) => `  ${l}`).join("\n")}\n`);
    return EXIT.rollbackIncomplete;
  }
  const what = file ?? inv.global.project;
  if (r.undone) say(inv.global, `${what}: down, ${r.undone} op(s) undone`);
  else if (existed) say(inv.global, `${what}: nothing to remove`);
  else {
    // Not an error (down is idempotent), but a mistyped path or name should not pass for success.
    const known = (await knownProjects(opts)).filter((p) => p.name !== opts.project);
    const list = known.map((p) => `  ${p.name}${p.script ? `  (${p.script})` : ""}`);
    say(
      inv.global,
      `${what}: no project \`${opts.project}\` exists (nothing was ever applied under that name); nothing to remove\n` +
        (list.length ? `known projects (nsnet down --project NAME):\n${list.join("\n")}` : "there are no projects"),
    );
  }
  return EXIT.ok;
}
