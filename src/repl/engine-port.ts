import type { Compiled, DownResult, PlanResult, UpResult } from "../engine/types.js";
import type { ExpectResult } from "../engine/expect.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LiveState } from "../model/live.js";
import type { ShowResult } from "../engine/show.js";
import type { Expectation } from "../model/topology.js";
import type { SourcePiece } from "./compile-session.js";
import type { WhyResult } from "../why/index.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import type { Streaming } from "../exec/runner.js";
import type { CaptureRequest } from "./capture.js";
import type { LiveFirewall } from "../model/firewall.js";

/**
 * Everything the REPL needs from the rest of nsnet, in one narrow interface: the REPL is a
 * thin front. src/repl/real-engine.ts wires it to the engine and the runner. The pure half
 * (compile, isIncomplete, format) is nsnet's own compiler in every implementation
 * (src/repl/compile-session.ts); unit tests fake only the kernel half
 * (test/repl/fake-kernel.ts).
 */
export interface ReplEngine {
  /** the session's pieces → parse → expand → allocate → check (pure but for `use`), against
   *  the allocations the engine follows, or against `allocations` when given (`.undo`) */
  compile(pieces: readonly SourcePiece[], allocations?: AllocationSnapshot): Compiled;
  /** the allocations statements are compiled against now (what the last `up` recorded) */
  currentAllocations?(): AllocationSnapshot | undefined;
  /** true while the text ends inside an open `< … >` block, a string or after `\` */
  isIncomplete(text: string): boolean;
  /** canonical layout of a script (`.save`) */
  format(text: string, file: string): { output: string; diagnostics: Diagnostic[] };
  /** apply the whole compiled session; the engine's diff runs only what changed. The
   *  session's `expect`s are not run here (the REPL runs them when asked: `expect`).
   *  `pieces` are what `compiled` was compiled from: the engine compiles them again under
   *  the project lock when the allocations on disk changed since. */
  up(compiled: Compiled, pieces: readonly SourcePiece[]): Promise<UpResult>;
  /** run these expectations against the kernel, with the compiled session's names */
  expect(compiled: Compiled, which: readonly Expectation[]): Promise<ExpectResult[]>;
  plan(compiled: Compiled): Promise<PlanResult>;
  /** remove everything this project built; `session` (the compiled session) vouches for
   *  undoing what it did on links nsnet does not own (an uplink's address, host routes) */
  down(session?: Compiled): Promise<DownResult & { undone?: number }>;
  live(): Promise<LiveState>;
  /** `.show [NS]`: exactly `nsnet show [NS]` (src/engine/show.ts, the same code path) */
  show(namespaces: readonly string[]): Promise<ShowResult>;
  /** run argv inside NS with the terminal attached; resolves to the exit code */
  exec(ns: string, argv: readonly string[]): Promise<number>;
  /** `why A B` for each pair, over the kernel's state read once (src/engine/why.ts);
   *  without it the REPL walks the session as compiled */
  why?(compiled: Compiled, pairs: readonly (readonly [string, string])[]): Promise<(WhyResult | string)[]>;
  /** `host: CMD` runs here: only inside `nsnet sandbox`, whose host is the sandbox's own */
  hostCommands?: boolean;
  /** `capture NS:IF …`: tcpdump in NS, its lines arriving while the prompt stays; a
   *  string says why it cannot start (tcpdump missing) */
  capture?(req: CaptureRequest, onLine: (line: string, fromStderr: boolean) => void): Streaming | string;
  /** `.counters`: nsnet's firewall tables read from the kernel, with their counters */
  firewall?(): Promise<LiveFirewall[]>;
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
