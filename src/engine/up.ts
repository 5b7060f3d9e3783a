import { performance } from "node:perf_hooks";
import { checkLive } from "../check/live.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { execute } from "../exec/execute.js";
import { readLive } from "../exec/live.js";
import { recover } from "../exec/recover.js";
import { StateStore } from "../exec/state-store.js";
import { FsAllocationStore, allocationDir } from "../ipam/store-fs.js";
import type { LiveState } from "../model/live.js";
import { HOST, type AddressedTopology } from "../model/topology.js";
import type { ProjectState } from "../model/state.js";
import { plan } from "../plan/plan.js";
import { wantedSysctls } from "../plan/derive.js";
import type { Op, OpStep } from "../plan/op.js";
import { opKey } from "../model/state.js";
import { guardRemovals, impostorNamespaces } from "../exec/ownership.js";
import { runExpectations } from "./expect.js";
import { stateRoots } from "./paths.js";
import type { Compiled, EngineOptions, PlanResult, UpResult } from "./types.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";

/** Namespaces a project created, read back from its applied ops (namespaces carry no mark). */
export function ownedNamespaces(state: ProjectState): string[] {
  return state.applied.flatMap((o) => (o.effect.k === "netns" ? [o.effect.name] : []));
}

/** Routes a project added, read back from its applied ops (routes carry no mark). */
export function ownedRoutes(state: ProjectState): { ns: string; dst: string }[] {
  return state.applied.flatMap((o) => (o.effect.k === "route" && o.effect.add ? [{ ns: o.effect.ns, dst: o.effect.dst }] : []));
}

/** The live host's default gateway (IPv4), used when the script names none. */
export function liveHostGateway(live: LiveState): string | undefined {
  return live.routes.find((r) => r.ns === HOST && r.dst === "default" && r.family === 4 && r.via)?.via;
}

function namespacesOf(t: AddressedTopology, state: ProjectState): string[] {
  return [...new Set([...t.namespaces.map((n) => n.name), ...ownedNamespaces(state)])];
}

/** The project's sticky allocations (DESIGN §2): read before compiling, saved after success. */
export function allocationStore(opts: Pick<EngineOptions, "project" | "stateDir">): FsAllocationStore {
  const root = stateRoots(opts.stateDir).allocations;
  return new FsAllocationStore(allocationDir(opts.project, root), { root });
}

export async function loadAllocations(opts: Pick<EngineOptions, "project" | "stateDir">): Promise<AllocationSnapshot> {
  return allocationStore(opts).load();
}

/**
 * What `up` would do now: live state read (only the namespaces that matter), the live
 * check (names and addresses already taken by someone else, missing uplinks), the plan.
 */
export async function planUp(compiled: Compiled, opts: EngineOptions): Promise<UpPlan> {
  const t = compiled.addressed;
  if (!compiled.ok || !t) throw new Error("internal: planUp on a script with errors");
  const store = new StateStore(opts.project, stateRoots(opts.stateDir).state);
  const state = await store.readState();
  // Every key the script sets is read (not only those whose original `down` restores), so
  // the diff sees a sysctl already at its value and a re-run plans 0 ops.
  const sysctls = wantedSysctls(t).map(({ ns, key }) => ({ ns, key }));
  const live = await readLive(opts.runner, { namespaces: namespacesOf(t, state), sysctls });
  // a namespace re-created under our name since is someone else's: the checker says so
  const impostors = await impostorNamespaces(state.namespaces ?? {}, live);
  const owned = ownedNamespaces(state).filter((n) => !impostors.has(n));
  const diagnostics: Diagnostic[] = checkLive(t, live, { project: opts.project, ownedNamespaces: owned, ownedRoutes: ownedRoutes(state) });
  if (hasErrors(diagnostics)) return { ops: [], diagnostics, live, state, skipped: [], forget: [] };
  const gw = liveHostGateway(live);
  const planned = plan(t, live, { project: opts.project, previous: state, ...(gw ? { hostGateway: gw } : {}) });
  const guarded = await guardRemovals(planned.ops, { project: opts.project, live, recorded: state.namespaces ?? {}, applied: state.applied });
  return { ops: guarded.ops, diagnostics: [...diagnostics, ...planned.diagnostics], live, state, skipped: guarded.skipped, forget: guarded.forget };
}

export interface UpPlan extends PlanResult {
  state: ProjectState;
  /** removals left out because their object is not provably ours, and why */
  skipped: string[];
  /** applied ops that describe what is no longer ours: dropped from the state on commit */
  forget: OpStep[];
}

/**
 * `up`: one transaction (DESIGN §4.2). A crashed earlier run is cleaned first; then plan,
 * execute (journal, rollback, verification are the executor's), save the allocations,
 * run the `expect` probes.
 */
export async function up(compiled: Compiled & { allocations?: AllocationSnapshot }, opts: EngineOptions): Promise<UpResult> {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  if (!compiled.ok || !compiled.addressed) {
    return { status: "check-failed", ops: [], diagnostics: compiled.diagnostics, elapsedMs: elapsed() };
  }
  const roots = stateRoots(opts.stateDir);
  await recover(opts.runner, { project: opts.project, stateDir: roots.state });

  const planned = await planUp(compiled, opts);
  const diagnostics = [...compiled.diagnostics, ...planned.diagnostics];
  if (hasErrors(planned.diagnostics)) return { status: "check-failed", ops: [], diagnostics, elapsedMs: elapsed() };

  const ops: Op[] = planned.ops;
  const r = await execute(ops, opts.runner, {
    project: opts.project,
    stateDir: roots.state,
    script: compiled.file,
    before: planned.live,
    removes: planned.forget.map(opKey),
    ...(opts.failAt !== undefined ? { failAt: opts.failAt } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  if (r.status === "rolled-back") {
    return { status: "rolled-back", ops, diagnostics, failure: failureOf(r.failure, ops), elapsedMs: elapsed() };
  }
  if (r.status === "rollback-incomplete") {
    return { status: "rollback-incomplete", ops, diagnostics, failure: failureOf(r.failure, ops), leftovers: r.residue, elapsedMs: elapsed() };
  }
  if (compiled.allocations) await allocationStore(opts).save(compiled.allocations);

  const expectResults = await runExpectations(compiled.addressed, opts.runner);
  const failed = expectResults.some((e) => !e.ok);
  return {
    status: failed ? "expect-failed" : "ok",
    ops,
    diagnostics,
    expectResults,
    ...(planned.skipped.length ? { skipped: planned.skipped } : {}),
    elapsedMs: elapsed(),
  };
}

function failureOf(f: { op?: Op; message: string; mismatches?: string[] }, ops: Op[]): { op: Op; message: string } {
  const message = f.mismatches?.length ? `${f.message}:\n  ${f.mismatches.join("\n  ")}` : f.message;
  return { op: f.op ?? ops[ops.length - 1]!, message };
}
