import type { Invocation } from "../invocation.js";
import { EXIT, FileError, UsageError } from "../exit-codes.js";
import { accessSync, constants, statSync } from "node:fs";
import { useColor } from "../output.js";
import { engineOptions } from "../engine-options.js";
import { ReplCore } from "../../repl/core.js";
import { realEngine } from "../../repl/real-engine.js";
import { handOverTerminal, runInteractive } from "../../repl/tty.js";
import { runPiped } from "../../repl/pipe.js";

/**
 * `nsnet repl [FILE]`: interactive on a terminal, statement by statement when piped.
 * FILE is loaded into the session first (as `.load FILE`); `alreadyApplied` (the sandbox,
 * which has just applied FILE and run its expects) adopts it without doing that again.
 * Piped, the exit status is that of the most serious failure (src/repl/outcome.ts).
 */
export async function runRepl(inv: Invocation, how: { alreadyApplied?: boolean; sandboxed?: boolean } = {}): Promise<number> {
  if (inv.args.length > 1) throw new UsageError("at most one FILE");
  // A FILE that cannot be read is a usage error (exit 2) as for every other command, said
  // before the REPL starts (`.load` inside the session would make it a refused input, 1).
  // Looked at, not read: a pipe (`nsnet repl <(…)`) must still hold its text for `.load`.
  if (inv.args[0] !== undefined) {
    const f = inv.args[0];
    try {
      if (statSync(f).isDirectory()) throw Object.assign(new Error("directory"), { code: "EISDIR" });
      accessSync(f, constants.R_OK);
    } catch (e) {
      throw new FileError(f, e);
    }
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const opts = engineOptions(inv.global, inv.args[0], { progress: false });
  let engine = await realEngine(opts, { interactiveExec: interactive, hostCommands: how.sandboxed === true });
  if (interactive) {
    engine = handOverTerminal(
      engine,
      () => {
        process.stdin.setRawMode?.(false);
        process.stdin.pause();
      },
      () => {
        process.stdin.setRawMode?.(true);
        process.stdin.resume();
      },
    );
  }
  const core = new ReplCore(engine, {
    out: (t) => void process.stdout.write(t),
    err: (t) => void (interactive ? process.stdout : process.stderr).write(t),
    color: useColor(process.stdout),
  });
  const file = inv.args[0];
  if (file) {
    if (how.alreadyApplied) await core.adopt(file);
    else await core.handle(`.load ${file}`);
    if (core.exitStatus !== EXIT.ok && core.exitStatus !== EXIT.expectFailed && !interactive) return core.exitStatus;
  }
  try {
    if (interactive) {
      if (!inv.global.quiet) process.stdout.write("nsnet REPL — .help for commands, Ctrl-D to leave\n");
      await runInteractive(core, (t) => engine.isIncomplete(t));
      return EXIT.ok;
    }
    return await runPiped(core, (t) => engine.isIncomplete(t));
  } finally {
    // a capture's tcpdump is our child: it ends with the session
    await core.stopCaptures();
  }
}
