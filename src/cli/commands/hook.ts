import { resolve } from "node:path";
import type { Invocation } from "../invocation.js";
import { EXIT, UsageError } from "../exit-codes.js";
import { compileFile } from "../compile-file.js";
import { engineOptions } from "../engine-options.js";
import { printDiagnostics } from "../output.js";
import { compileUnderLock, loadAllocations, unlessStoreChanged } from "../../engine/up.js";
import { withProjectLock } from "../../engine/lock.js";
import { location } from "../../diagnostics/render.js";
import { describeEvent, eventFromEnv, EventError, ignoredWhy, type HookEvent } from "../../hook/event.js";
import { HOOK_LOCK_WAIT_MS, needsLock, runHook, type HookResult } from "../../hook/run.js";
import { syslogLine } from "../../hook/log.js";
import { makeFsLoader } from "../../expand/fs-loader.js";
import { parse } from "../../syntax/parse.js";
import { StateError } from "../../exec/state-store.js";

/**
 * `nsnet hook FILE`: the udev mode (docs/hook.md). The event comes from the environment
 * udev gives a RUN program; the matching handler's host-side work is applied as one
 * transaction. Exit 0 also when no handler matches (silently); 1 check errors (nothing
 * touched); 2 usage; 3 rolled back; 4 rollback incomplete.
 */
export async function runHookCommand(inv: Invocation): Promise<number> {
  const file = inv.args[0];
  if (!file || inv.args.length > 1) throw new UsageError("expected exactly one FILE");
  let event: HookEvent;
  try {
    event = eventFromEnv(process.env);
  } catch (e) {
    if (e instanceof EventError) throw new UsageError(e.message);
    throw e;
  }
  const g = inv.global;
  const path = resolve(file);
  const opts = engineOptions(g, path, { progress: false });
  const log = (level: "info" | "warning" | "error", msg: string) => process.stderr.write(syslogLine(level, msg));
  const what = describeEvent(event);
  const ignored = ignoredWhy(event);
  if (ignored !== undefined) {
    log("info", `${what}: ${ignored}`);
    return EXIT.ok;
  }

  let r: HookResult;
  let sources: ReadonlyMap<string, string> = new Map();
  try {
    // the project lock first, then allocation as one transaction of the store, then the
    // event's work — all under that one lock (events for many interfaces arrive together)
    const load = makeFsLoader((t, f) => parse(t, f));
    const loaded = await loadAllocations(opts);
    const first = compileFile(file, { allocations: loaded });
    sources = first.sources;
    if (!needsLock(first, event, opts)) {
      // no handler for this interface, or errors in the script: answered without the lock
      r = await runHook(first, event, { ...opts, load });
    } else {
      const onLockWait = (pid: number | null) => log("info", `${what}: waiting for project lock held by pid ${pid ?? "unknown"}`);
      r = await withProjectLock({ ...opts, lockWaitMs: HOOK_LOCK_WAIT_MS, onLockWait }, async () => {
        const compiled = await compileUnderLock(
          unlessStoreChanged(first, loaded, (allocations) => compileFile(file, { allocations })),
          opts,
        );
        sources = compiled.sources;
        return runHook(compiled, event, { ...opts, load, lockHeld: true });
      });
    }
  } catch (e) {
    // the project lock not obtained in time, a state file that cannot be read: nothing was
    // changed by this event, and udev's log should say why in one line
    if (e instanceof StateError || (e as NodeJS.ErrnoException).code !== undefined) {
      log("error", `${what}: ${(e as Error).message}; nothing changed`);
      return EXIT.rolledBack;
    }
    throw e;
  }
  if (g.json) process.stdout.write(JSON.stringify({ event, ...r }, null, 2) + "\n");

  const errors = r.diagnostics.filter((d) => d.severity === "error");
  switch (r.status) {
    case "no-match":
      if (g.verbose) log("info", `${what}: no handler in ${file}`);
      return EXIT.ok;
    case "ok":
      if (g.verbose) printDiagnostics(r.diagnostics, sources, { ...g, json: false });
      if (!g.quiet) {
        const done = r.ops.length ? `${r.ops.length} op(s) applied in ${r.elapsedMs} ms` : "nothing to do (0 ops)";
        log("info", `${what}: ${done}${r.handled ? ` — ${r.handled}` : ""}`);
      }
      return EXIT.ok;
    case "check-failed": {
      const first = errors[0];
      const at = first ? ` (${location(first.span)}: ${first.message})` : "";
      log("error", `${what}: ${file} has ${errors.length} error(s), nothing changed${at}`);
      if (!g.json) printDiagnostics(r.diagnostics, sources, g);
      return EXIT.checkErrors;
    }
    case "rolled-back":
    case "rollback-incomplete": {
      const f = r.failure!;
      const where = f.op.span ? `${location(f.op.span)}` : file;
      const kernel = f.message.split("\n")[0];
      const after = r.status === "rolled-back" ? "rolled back, nothing changed" : "rollback incomplete";
      log("error", `${what}: apply failed at ${where} (op ${f.op.index}: ${f.op.summary}): ${kernel}; ${after}`);
      process.stderr.write(`${where}: error: apply failed at op ${f.op.index} (${f.op.summary}): ${f.message}\n`);
      if (r.handled) process.stderr.write(`handler: ${r.handled}\n`);
      if (r.status === "rolled-back") {
        process.stderr.write("rolled back: everything this event did was undone and verified; the system is as before\n");
        return EXIT.rolledBack;
      }
      process.stderr.write(`rollback incomplete; left behind:\n${(r.leftovers ?? []).map((l) => `  ${l}`).join("\n")}\n`);
      return EXIT.rollbackIncomplete;
    }
  }
}
