import { isDeepStrictEqual } from "node:util";
import type { Compiled, DownResult, PlanResult, UpResult } from "../../src/engine/types.js";
import type { CompiledWithAllocations } from "../../src/engine/compile.js";
import { describeExpectation, type ExpectResult } from "../../src/engine/expect.js";
import { ownedNamespaces } from "../../src/engine/up.js";
import { checkLive } from "../../src/check/live.js";
import { hasErrors } from "../../src/diagnostics/diagnostic.js";
import type { AllocationSnapshot } from "../../src/ipam/snapshot.js";
import { emptyLiveState, type LiveState } from "../../src/model/live.js";
import { emptyProjectState, opKey, type ProjectState } from "../../src/model/state.js";
import type { Expectation } from "../../src/model/topology.js";
import type { Op } from "../../src/plan/op.js";
import { plan, planDown } from "../../src/plan/plan.js";
import { render } from "../../src/plan/render.js";
import { isIncomplete } from "../../src/syntax/parse.js";
import type { ReplEngine, PingResult } from "../../src/repl/engine-port.js";
import { showFrom, type ShowReads, type ShowResult } from "../../src/engine/show.js";
import { compileSession, formatScript, type SourcePiece } from "../../src/repl/compile-session.js";
import { simulate } from "../plan/simulate.js";

const PROJECT = "repltest";

/**
 * The REPL's engine with nsnet's real compiler and planner, and a toy kernel underneath:
 * ops are "applied" to a LiveState by test/plan/simulate.ts, so what the REPL prints
 * (diagnostics, op counts, views, `.show`) is what nsnet produces for that state. Only
 * the kernel is fake — the sandboxed tests (sandbox.test.ts) run the same REPL for real.
 */
export class FakeKernel implements ReplEngine {
  live_: LiveState = emptyLiveState();
  state: ProjectState = emptyProjectState(PROJECT);
  allocations?: AllocationSnapshot;
  /** every `up`, as the statements it was given */
  upCalls: string[][] = [];
  execCalls: { ns: string; argv: string[] }[] = [];
  /** reachability between namespaces / to addresses, for probes and `expect … reaches` */
  reachable = (_from: string, _to: string) => true;
  /** the kernel refuses the first op whose summary matches (then everything is rolled back) */
  failOn?: RegExp;
  /** the `run in` services running, as service and service-stop ops leave them */
  services: { ns: string; argv: string[] }[] = [];

  compile(pieces: readonly SourcePiece[], at = this.allocations): Compiled {
    return compileSession(pieces, at ? { allocations: at } : {});
  }

  currentAllocations(): AllocationSnapshot | undefined {
    return this.allocations;
  }

  isIncomplete(text: string): boolean {
    return isIncomplete(text);
  }

  format(text: string, file: string) {
    return formatScript(text, file);
  }

  private planned(compiled: Compiled): PlanResult {
    const t = compiled.addressed!;
    const diagnostics = checkLive(t, this.live_, { project: PROJECT, ownedNamespaces: ownedNamespaces(this.state) });
    if (hasErrors(diagnostics)) return { ops: [], diagnostics, live: this.live_ };
    const p = plan(t, this.live_, { project: PROJECT, previous: this.state });
    return { ops: p.ops, diagnostics: [...diagnostics, ...p.diagnostics], live: this.live_ };
  }

  async up(compiled: Compiled): Promise<UpResult> {
    this.upCalls.push(compiled.script?.body.map((s) => s.type) ?? []);
    if (!compiled.ok || !compiled.addressed) return { status: "check-failed", ops: [], diagnostics: compiled.diagnostics, elapsedMs: 1 };
    const p = this.planned(compiled);
    const diagnostics = [...compiled.diagnostics, ...p.diagnostics];
    if (hasErrors(p.diagnostics)) return { status: "check-failed", ops: [], diagnostics, elapsedMs: 1 };
    const failing = this.failOn ? p.ops.find((o) => this.failOn!.test(o.summary)) : undefined;
    if (failing) return { status: "rolled-back", ops: p.ops, diagnostics, failure: { op: failing, message: "RTNETLINK answers: File exists" }, elapsedMs: 1 };
    this.live_ = simulate(this.live_, p.ops);
    this.runServices(p.ops);
    this.commit(p.ops);
    const next = (compiled as CompiledWithAllocations).allocations;
    if (next) this.allocations = next;
    return { status: "ok", ops: p.ops, diagnostics, expectResults: [], elapsedMs: 1 };
  }

  /** Services start and stop as the executor would run them (simulate leaves them out:
   *  they are processes, not kernel state). */
  private runServices(ops: readonly Op[]): void {
    for (const { effect: e } of ops) {
      if (e.k === "service") this.services.push({ ns: e.ns, argv: [...e.argv] });
      if (e.k === "service-stop") this.services = this.services.filter((s) => !(s.ns === e.ns && isDeepStrictEqual(s.argv, e.argv)));
    }
  }

  /** What the executor records: ops whose inverse ran are gone, the rest are added. */
  private commit(ran: Op[]): void {
    const ranKeys = new Set(ran.map(opKey));
    const undone = new Set(this.state.applied.filter((a) => a.inverse && ranKeys.has(opKey(render(a.inverse)))));
    const removals = new Set([...undone].map((a) => opKey(render(a.inverse!))));
    this.state.applied = [...this.state.applied.filter((a) => !undone.has(a) && !ranKeys.has(opKey(a))), ...ran.filter((o) => !removals.has(opKey(o)))];
  }

  async expect(_compiled: Compiled, which: readonly Expectation[]): Promise<ExpectResult[]> {
    return which.map((e) => {
      const ok = e.kind === "reach" ? this.reachable(e.from, e.to) !== e.negate : true;
      return { text: describeExpectation(e), ok, detail: ok ? "fake kernel" : "unreachable in the fake kernel" };
    });
  }

  async plan(compiled: Compiled): Promise<PlanResult> {
    return this.planned(compiled);
  }

  async down(): Promise<DownResult & { undone?: number }> {
    const ops = planDown(this.state, this.live_);
    this.live_ = simulate(this.live_, ops);
    this.services = [];
    this.state = emptyProjectState(PROJECT);
    return { status: "ok", ops };
  }

  async live(): Promise<LiveState> {
    return structuredClone(this.live_);
  }

  /** `.show` through the engine's own code path, reading this toy kernel. */
  show(namespaces: readonly string[]): Promise<ShowResult> {
    const reads: ShowReads = {
      live: async () => structuredClone(this.live_),
      namespaces: async () => [...this.live_.namespaces],
      firewall: async () => [],
      sysctls: async (wanted) => {
        const out: LiveState["sysctls"] = {};
        for (const { ns, key } of wanted) {
          const v = this.live_.sysctls[ns]?.[key];
          if (v !== undefined) out[ns] = { ...(out[ns] ?? {}), [key]: v };
        }
        return out;
      },
    };
    return showFrom(reads, { namespaces });
  }

  async exec(ns: string, argv: readonly string[]): Promise<number> {
    this.execCalls.push({ ns, argv: [...argv] });
    return 0;
  }

  async ping(fromNs: string, toAddr: string): Promise<PingResult> {
    return this.reachable(fromNs, toAddr) ? { ok: true, ms: 0.05 } : { ok: false };
  }
}

/** collects what the REPL prints */
export function captureIO() {
  const io = { outText: "", errText: "", color: false, out: (s: string) => void (io.outText += s), err: (s: string) => void (io.errText += s) };
  return io;
}
