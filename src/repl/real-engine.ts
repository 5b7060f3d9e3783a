import type { EngineOptions } from "../engine/types.js";
import { compileText } from "../engine/compile.js";
import { up, planUp } from "../engine/up.js";
import { down } from "../engine/down.js";
import { readLive } from "../exec/live.js";
import { isIncomplete } from "../syntax/parse.js";
import { formatSource } from "../fmt/format.js";
import type { ReplEngine, PingResult } from "./engine-port.js";

export interface RealEngineOptions {
  /** commands run with the terminal attached (a TTY session); else their output is
   *  captured and printed, and they read nothing (piped input stays the REPL's) */
  interactiveExec: boolean;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const PING_TIMEOUT_MS = 5_000;

/** The REPL's port wired to the engine, the formatter and the one runner. */
export function realEngine(opts: EngineOptions, r: RealEngineOptions): ReplEngine {
  const out = r.out ?? ((t: string) => void process.stdout.write(t));
  const err = r.err ?? ((t: string) => void process.stderr.write(t));
  return {
    compile: (text, file) => compileText(text, file, { stateDir: opts.stateDir, project: opts.project }),
    isIncomplete,
    format: (text, file) => formatSource(text, file),
    up: (compiled) => up(compiled, opts),
    plan: (compiled) => planUp(compiled, opts),
    down: () => down(opts),
    live: () => readLive(opts.runner),
    async exec(ns, argv) {
      const full = ["ip", "netns", "exec", ns, ...argv];
      if (r.interactiveExec) return (await opts.runner.run(full, { interactive: true })).exitCode;
      const res = await opts.runner.run(full);
      if (res.stdout) out(res.stdout);
      if (res.stderr) err(res.stderr);
      return res.exitCode;
    },
    async ping(fromNs, toAddr): Promise<PingResult> {
      const probe = ["ping", "-n", "-c1", "-W1", toAddr];
      const argv = fromNs === "host" ? probe : ["ip", "netns", "exec", fromNs, ...probe];
      const res = await opts.runner.run(argv, { timeoutMs: PING_TIMEOUT_MS });
      return parsePing(res.exitCode, res.stdout, res.stderr);
    },
  };
}

/** `ping -c1` output → reachability and round-trip time ("time=0.050 ms", "time<1 ms"). */
export function parsePing(exitCode: number, stdout: string, stderr: string): PingResult {
  if (exitCode === 0) {
    const m = /time[=<]([0-9.]+) ?ms/.exec(stdout);
    return m ? { ok: true, ms: Number(m[1]) } : { ok: true };
  }
  // exit 1: no reply (that is the answer, not an error); 2 and others: ping could not run
  const why = stderr.trim().split("\n")[0];
  return exitCode === 1 || !why ? { ok: false } : { ok: false, error: why };
}
