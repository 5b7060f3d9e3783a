import type { Invocation } from "../cli.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { engineOptions } from "../engine-options.js";
import { say } from "../output.js";
import { down } from "../../engine/down.js";

/** `nsnet down FILE`: remove what this script's project created, and only that. */
export async function runDown(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file && !inv.global.project) throw new UsageError("expected FILE (or --project NAME)");
  const r = await down(engineOptions(inv.global, file));
  for (const s of r.skipped) say(inv.global, `left alone (not ours): ${s}`);
  if (r.status !== "ok") {
    process.stderr.write(`down incomplete; left behind:\n${(r.leftovers ?? []).map((l) => `  ${l}`).join("\n")}\n`);
    return EXIT.rollbackIncomplete;
  }
  say(inv.global, r.undone ? `${file ?? inv.global.project}: down, ${r.undone} op(s) undone` : `${file ?? inv.global.project}: nothing to remove`);
  return EXIT.ok;
}
