import type { Compiled, DownResult, PlanResult, UpResult } from "../engine/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LiveState } from "../model/live.js";

/**
 * Everything the REPL needs from the rest of nsnet, in one narrow interface: the REPL is a
 * thin front (house rule 8), and unit tests drive it with a fake (test/repl/fake-engine.ts)
 * while src/repl/real-engine.ts wires it to the engine, the formatter and the runner.
 */
export interface ReplEngine {
  /** text → parse → expand → allocate → check (pure) */
  compile(text: string, file: string): Compiled;
  /** true while the text ends inside an open `< … >` block, a string or after `\` */
  isIncomplete(text: string): boolean;
  /** canonical layout of a script (`.save`) */
  format(text: string, file: string): { output: string; diagnostics: Diagnostic[] };
  /** apply the whole compiled script; the engine's diff runs only what changed */
  up(compiled: Compiled): Promise<UpResult>;
  plan(compiled: Compiled): Promise<PlanResult>;
  /** remove everything this project built */
  down(): Promise<DownResult & { undone?: number }>;
  live(): Promise<LiveState>;
  /** run argv inside NS with the terminal attached; resolves to the exit code */
  exec(ns: string, argv: readonly string[]): Promise<number>;
  /** one ICMP probe (`ping -c1 -W1`) from a namespace to an address */
  ping(fromNs: string, toAddr: string): Promise<PingResult>;
}

export interface PingResult {
  ok: boolean;
  /** round-trip time when ok */
  ms?: number;
  /** why not, when the probe could not even run */
  error?: string;
}
