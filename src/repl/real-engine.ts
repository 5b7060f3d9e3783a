import type { EngineOptions } from "../engine/types.js";
import type { CompiledWithAllocations } from "../engine/compile.js";
import { up, planUp, loadAllocations } from "../engine/up.js";
import { compileWithFsLoader } from "../cli/compile-file.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { down } from "../engine/down.js";
import { readLive } from "../exec/live.js";
import { isIncomplete, parse } from "../syntax/parse.js";
import { format } from "../fmt/format.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import type { ReplEngine, PingResult } from "./engine-port.js";
import { parsePing } from "./ping-output.js";

export interface RealEngineOptions {
  /** commands run with the terminal attached (a TTY session); else their output is
   *  captured and printed, and they read nothing (piped input stays the REPL's) */
  interactiveExec: boolean;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

const PING_TIMEOUT_MS = 5_000;

/**
 * The REPL's port wired to the engine, the formatter and the one runner. The project's
 * sticky allocations are read once here and followed as statements are applied, so a
 * statement compiles (synchronously) against the addresses the kernel already has.
 */
export async function realEngine(opts: EngineOptions, r: RealEngineOptions): Promise<ReplEngine> {
  let allocations: AllocationSnapshot | undefined = await loadAllocations(opts).catch(() => undefined);
  const out = r.out ?? ((t: string) => void process.stdout.write(t));
  const err = r.err ?? ((t: string) => void process.stderr.write(t));
  return {
    compile: (text, file) => compileWithFsLoader(text, file, allocations ? { allocations } : {}),
    isIncomplete,
    format(text, file) {
      // the canonical layout of `nsnet fmt` (formatting a tree with syntax errors would lose text)
      const parsed = parse(text, file);
      return { output: hasErrors(parsed.diagnostics) ? text : format(parsed.script, parsed.comments), diagnostics: parsed.diagnostics };
    },
    async up(compiled) {
      const result = await up(compiled, opts);
      const next = (compiled as CompiledWithAllocations).allocations;
      if (next && (result.status === "ok" || result.status === "expect-failed")) allocations = next;
      return result;
    },
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
