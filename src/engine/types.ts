import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { Script } from "../ast/nodes.js";
import type { AddressedTopology, Topology } from "../model/topology.js";
import type { LiveState } from "../model/live.js";
import type { Op } from "../plan/op.js";
import type { Runner } from "../exec/runner.js";

/**
 * The engine: the orchestration every front (CLI, REPL, hook, sandbox) shares.
 *   compile  text → parse → expand → allocate → check        (pure, src/engine/compile.ts)
 *   up       compiled → read live → live check → plan → execute transactionally → state
 *   down     state → plan inverses → execute
 */
export interface Compiled {
  file: string;
  /** every source text read (the script and files it `use`s), for rendering excerpts */
  sources: Map<string, string>;
  script?: Script;
  topology?: Topology;
  addressed?: AddressedTopology;
  diagnostics: Diagnostic[];
  /** no error-severity diagnostics */
  ok: boolean;
}

export interface EngineOptions {
  /** project name: state lives in <stateDir>/<project>/ */
  project: string;
  /**
   * `--state-dir DIR`: state in DIR/<project>/, allocations in DIR/allocations/<project>/.
   * Absent: state in /run/nsnet (gone at reboot, as the kernel state is) and allocations in
   * /var/lib/nsnet (kept, so addresses stay sticky across reboots). See src/engine/paths.ts.
   */
  stateDir?: string;
  /**
   * `--pool-file FILE`: the project's sticky allocations live in FILE, shared with every
   * other project that names it; each sees the others' addresses as taken (src/ipam/shared-store.ts).
   */
  poolFile?: string;
  runner: Runner;
  /** NSNET_FAIL_AT: fail the N-th op (tests) */
  failAt?: number;
  onProgress?: (done: number, total: number, phase: string) => void;
  /** `--verbose` sink (every command and batch) */
  log?: (line: string) => void;
  /** told once when another run holds the project lock and this one starts waiting */
  onLockWait?: (holder: number | null) => void;
  /** how long to wait for the project lock (default 60 s) */
  lockWaitMs?: number;
}

export type UpStatus = "ok" | "check-failed" | "rolled-back" | "rollback-incomplete" | "expect-failed";

export interface UpResult {
  status: UpStatus;
  /** ops planned and run (0 when the world already matched) */
  ops: Op[];
  diagnostics: Diagnostic[];
  /** the kernel's message for the failing op, tied to its source span */
  failure?: { op: Op; message: string };
  /** after an incomplete rollback: what is left and the commands that remove it */
  leftovers?: string[];
  expectResults?: { text: string; ok: boolean; detail: string }[];
  /** what the plan would have removed but left alone, because it is not provably ours */
  skipped?: string[];
  /** the script as compiled under the project lock, against the allocations on disk then
   *  (absent when the caller handed `up` an already compiled script) */
  compiled?: Compiled;
  elapsedMs: number;
}

export interface DownResult {
  status: "ok" | "rollback-incomplete";
  ops: Op[];
  leftovers?: string[];
}

export interface PlanResult {
  ops: Op[];
  diagnostics: Diagnostic[];
  live: LiveState;
}
