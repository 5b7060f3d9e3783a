import { resolve } from "node:path";
import { ProcessRunner } from "../exec/runner.js";
import { projectName } from "../exec/state-store.js";
import type { EngineOptions } from "../engine/types.js";
import type { GlobalOptions } from "./output.js";
import { UsageError } from "./exit-codes.js";

/** Engine options from the command line: project (from the script path unless --project),
 *  state dir, the one runner (verbose when asked), fault injection, TTY progress (off for
 *  the REPL, whose prompt it would garble). */
export function engineOptions(g: GlobalOptions, file: string | undefined, opts: { progress?: boolean } = {}): EngineOptions {
  const log = g.verbose ? (line: string) => process.stderr.write(line + "\n") : undefined;
  let project: string;
  try {
    // `nsnet repl FILE` is the same project as `nsnet up FILE`; a session without a script
    // (the bare REPL) is project "repl".
    project = file === undefined && g.project === undefined ? "repl" : projectName(resolve(file ?? "."), g.project);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const failAt = process.env.NSNET_FAIL_AT ? Number(process.env.NSNET_FAIL_AT) : undefined;
  if (failAt !== undefined && !(Number.isInteger(failAt) && failAt > 0)) throw new UsageError("NSNET_FAIL_AT must be a positive integer");
  const progress = (opts.progress ?? true) && process.stderr.isTTY && !g.quiet && !g.verbose;
  return {
    project,
    // no --state-dir: the engine's defaults, state in /run/nsnet and allocations in
    // /var/lib/nsnet (filling in /run/nsnet here once sent allocations to tmpfs)
    ...(g.stateDir !== undefined ? { stateDir: g.stateDir } : {}),
    ...(g.poolFile !== undefined ? { poolFile: resolve(g.poolFile) } : {}),
    runner: new ProcessRunner(log),
    ...(failAt !== undefined ? { failAt } : {}),
    ...(log ? { log } : {}),
    // said once: a run that waits silently looks hung
    ...(g.quiet ? {} : { onLockWait: (pid: number | null) => void process.stderr.write(`nsnet: waiting for project lock held by pid ${pid ?? "unknown"}\n`) }),
    ...(progress
      ? {
          onProgress: (done: number, total: number, phase: string) => {
            process.stderr.write(`\r\x1b[K${phase} ${done}/${total} ops`);
            if (done === total) process.stderr.write("\r\x1b[K");
          },
        }
      : {}),
  };
}
