import { performance } from "node:perf_hooks";
import { checkLive } from "../check/live.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { execute, type Adoption } from "../exec/execute.js";
import { adoptableService, markedNamespaces } from "../exec/marks.js";
import { serviceMark } from "../exec/services.js";
import { readLive } from "../exec/live.js";
import { recoverLocked } from "../exec/recover.js";
import { StateStore } from "../exec/state-store.js";
import { basename, dirname, join, resolve } from "node:path";
import { FsAllocationStore, allocationDir } from "../ipam/store-fs.js";
import { ProjectAllocations } from "../ipam/shared-store.js";
import type { AllocationStore } from "../ipam/store.js";
import type { AddressedTopology } from "../model/topology.js";
import type { ProjectState } from "../model/state.js";
import { plan } from "../plan/plan.js";
import { wantedSysctls } from "../plan/derive.js";
import type { Op, OpStep } from "../plan/op.js";
import { opKey } from "../model/state.js";
import { guardRemovals, identitiesOf, impostorNamespaces } from "../exec/ownership.js";
import { runExpectations } from "./expect.js";
import { stateRoots } from "./paths.js";
import type { Compiled, EngineOptions, PlanResult, UpResult } from "./types.js";
import { sameSnapshot, type AllocationSnapshot } from "../ipam/snapshot.js";
import type { CompiledWithAllocations } from "./compile.js";
import { withProjectLock } from "./lock.js";
import { linkStateMismatches } from "../exec/compare.js";
import { liveHostGateway, plannedBy } from "./script-plan.js";

/** Namespaces a project created, read back from its applied ops. */
export function ownedNamespaces(state: ProjectState): string[] {
  return state.applied.flatMap((o) => (o.effect.k === "netns" ? [o.effect.name] : []));
}

/** Routes a project added, read back from its applied ops (routes carry no mark). */
export function ownedRoutes(state: ProjectState): { ns: string; dst: string }[] {
  return state.applied.flatMap((o) => (o.effect.k === "route" && o.effect.add ? [{ ns: o.effect.ns, dst: o.effect.dst }] : []));
}

export { liveHostGateway };

function namespacesOf(t: AddressedTopology, state: ProjectState): string[] {
  return [...new Set([...t.namespaces.map((n) => n.name), ...ownedNamespaces(state)])];
}

/** The project's sticky allocations (docs/architecture.md §10): read before compiling, saved after success. */
export function allocationStore(opts: Pick<EngineOptions, "project" | "stateDir" | "poolFile">): AllocationStore {
  if (opts.poolFile) {
    // a file shared by several projects: the project sees its own owners and the others' as held
    // a copy of a corrupt pool file goes to nsnet's own directory, never beside the user's file
    const corruptDir = join(stateRoots(opts.stateDir).allocations, ".corrupt");
    const shared = new FsAllocationStore(dirname(opts.poolFile), { fileName: basename(opts.poolFile), corruptDir });
    return new ProjectAllocations(shared, opts.project);
  }
  const root = stateRoots(opts.stateDir).allocations;
  return new FsAllocationStore(allocationDir(opts.project, root), { root });
}

export async function loadAllocations(opts: Pick<EngineOptions, "project" | "stateDir" | "poolFile">): Promise<AllocationSnapshot> {
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
  // a namespace re-created under our name since is someone else's: the checker says so;
  // one whose lo carries our mark is ours even when the state has lost it
  const impostors = await impostorNamespaces(state.namespaces ?? {}, live);
  const marked = markedNamespaces(live, opts.project).filter((n) => !impostors.has(n));
  const owned = new Set([...ownedNamespaces(state).filter((n) => !impostors.has(n)), ...marked]);
  const diagnostics: Diagnostic[] = checkLive(t, live, { project: opts.project, ownedNamespaces: [...owned], ownedRoutes: ownedRoutes(state) });
  if (hasErrors(diagnostics)) return { ops: [], diagnostics, live, state, skipped: [], forget: [], adopt: emptyAdoption() };
  const gw = liveHostGateway(live);
  const planned = plan(t, live, { project: opts.project, previous: state, ownedNamespaces: owned, ...(gw ? { hostGateway: gw } : {}) });
  const guarded = await guardRemovals(planned.ops, { project: opts.project, live, recorded: state.namespaces ?? {}, applied: state.applied });
  const adopted = await adopt(guarded.ops, state, marked, opts.project);
  return {
    ops: adopted.ops,
    diagnostics: [...diagnostics, ...planned.diagnostics],
    live,
    state,
    skipped: guarded.skipped,
    forget: guarded.forget,
    adopt: adopted.adopt,
  };
}

const emptyAdoption = (): Adoption => ({ services: [], namespaces: {} });

/**
 * What the kernel shows is already ours though the state does not say so (it was lost):
 * a service the plan would start that is running, marked with its NSNET_SERVICE, in its
 * namespace — taken over instead of started twice; marked namespaces, recorded with their
 * identity now.
 */
async function adopt(ops: Op[], state: ProjectState, marked: string[], project: string): Promise<{ ops: Op[]; adopt: Adoption }> {
  const out = emptyAdoption();
  const kept: Op[] = [];
  for (const op of ops) {
    const e = op.effect;
    const found = e.k === "service" ? await adoptableService(project, serviceMark(project, op), e.ns) : null;
    if (e.k === "service" && found) out.services.push({ op, service: { ns: e.ns, argv: e.argv, ...found, mark: serviceMark(project, op) } });
    else kept.push(op);
  }
  const unrecorded = marked.filter((n) => !state.namespaces?.[n]);
  for (const [n, id] of Object.entries(await identitiesOf(unrecorded))) if (id) out.namespaces[n] = id;
  return { ops: kept.length === ops.length ? ops : kept.map((op, i) => ({ ...op, index: i + 1 })), adopt: out };
}

export interface UpPlan extends PlanResult {
  state: ProjectState;
  /** removals left out because their object is not provably ours, and why */
  skipped: string[];
  /** applied ops that describe what is no longer ours: dropped from the state on commit */
  forget: OpStep[];
  /** what is ours by its marks though the state lost it */
  adopt: Adoption;
}

/**
 * What `up` applies: a compiled script, or — what every front with a store should pass —
 * how to compile it against the allocations on disk, which `up` calls once it holds the
 * project lock, inside the store's `update` (load, allocate, save with no writer between).
 */
export type UpSource = CompiledWithAllocations | ((allocations: AllocationSnapshot) => CompiledWithAllocations);

/**
 * `up`: one transaction (docs/architecture.md §4). The project lock comes first; under it a
 * crashed earlier run is cleaned, the script is allocated against the store, the world read
 * and the plan made, then executed (journal, rollback, verification are the executor's).
 * The `expect` probes run after the lock is released. Two `up`s of one project started
 * together: the second waits, then finds nothing to do.
 */
export async function up(source: UpSource, opts: EngineOptions): Promise<UpResult> {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  if (typeof source !== "function" && (!source.ok || !source.addressed)) {
    return { status: "check-failed", ops: [], diagnostics: source.diagnostics, elapsedMs: elapsed() };
  }
  const applied = await withProjectLock(opts, async (store) => {
    // a crashed run's undo on links not ours: only what this script plans (vouch.ts)
    await recoverLocked(opts.runner, store, async ({ live, state }) => {
      const c = typeof source === "function" ? source(await allocationStore(opts).load()) : source;
      return plannedBy(c, c.file, { project: opts.project, live, state });
    });
    const compiled = typeof source === "function" ? await compileUnderLock(source, opts) : source;
    const fresh = typeof source === "function" ? { compiled } : {};
    if (!compiled.ok || !compiled.addressed) {
      return { status: "check-failed", ops: [], diagnostics: compiled.diagnostics, elapsedMs: elapsed(), ...fresh } satisfies UpResult;
    }
    const planned = await planUp(compiled, opts);
    const diagnostics = [...compiled.diagnostics, ...planned.diagnostics];
    if (hasErrors(planned.diagnostics)) return { status: "check-failed", ops: [], diagnostics, elapsedMs: elapsed(), ...fresh } satisfies UpResult;

    const ops: Op[] = planned.ops;
    const r = await execute(ops, opts.runner, {
      project: opts.project,
      stateDir: stateRoots(opts.stateDir).state,
      // absolute, so that a later `down --project` from anywhere finds it (it vouches for
      // the ops on links nsnet does not own: src/exec/vouch.ts); `<stdin>` stays as it is
      script: compiled.file.startsWith("<") ? compiled.file : resolve(compiled.file),
      before: planned.live,
      removes: planned.forget.map(opKey),
      adopt: planned.adopt,
      lockHeld: true,
      // every link's up/down as the script says, not only those this run's ops were about
      verify: (after) => linkStateMismatches(compiled.addressed!, after, opts.project, ops),
      ...(opts.failAt !== undefined ? { failAt: opts.failAt } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    if (r.status === "rolled-back") {
      return { status: "rolled-back", ops, diagnostics, failure: failureOf(r.failure, ops), elapsedMs: elapsed(), ...fresh } satisfies UpResult;
    }
    if (r.status === "rollback-incomplete") {
      return {
        status: "rollback-incomplete",
        ops,
        diagnostics,
        failure: failureOf(r.failure, ops),
        leftovers: r.residue,
        elapsedMs: elapsed(),
        ...fresh,
      } satisfies UpResult;
    }
    // a caller that compiled on its own: its allocations are saved now, still under the lock
    if (typeof source !== "function" && source.allocations) await allocationStore(opts).save(source.allocations);
    return {
      status: "ok",
      ops,
      diagnostics,
      ...(planned.skipped.length ? { skipped: planned.skipped } : {}),
      elapsedMs: elapsed(),
      ...fresh,
    } satisfies UpResult;
  });
  if (applied.status !== "ok") return applied;
  const addressed = (applied.compiled ?? (source as Compiled)).addressed!;
  const expectResults = await runExpectations(addressed, opts.runner);
  const failed = expectResults.some((e) => !e.ok);
  return { ...applied, status: failed ? "expect-failed" : "ok", expectResults, elapsedMs: elapsed() };
}

/**
 * Allocation as one transaction of the store: the snapshot on disk now, the script
 * allocated against it, the result saved before the lock is let go. A script that does
 * not check saves nothing. The allocations are recorded before the apply: should it roll
 * back, the next attempt gets the same addresses (they are sticky either way).
 */
export async function compileUnderLock(
  compile: (a: AllocationSnapshot) => CompiledWithAllocations,
  opts: Pick<EngineOptions, "project" | "stateDir" | "poolFile">,
): Promise<CompiledWithAllocations> {
  return allocationStore(opts).update((snapshot) => {
    const c = compile(snapshot);
    const changed = c.ok && c.allocations && !sameSnapshot(c.allocations, snapshot);
    return { snapshot: changed ? c.allocations! : null, value: c };
  });
}

/**
 * How to compile under the lock for a front that compiled once before it (to refuse a
 * script with errors without waiting for anyone): that compile again, unless the store
 * changed meanwhile — then `recompile` against what is on disk now.
 */
export function unlessStoreChanged(
  first: CompiledWithAllocations,
  loaded: AllocationSnapshot,
  recompile: (a: AllocationSnapshot) => CompiledWithAllocations,
): (a: AllocationSnapshot) => CompiledWithAllocations {
  return (onDisk) => (sameSnapshot(onDisk, loaded) ? first : recompile(onDisk));
}

function failureOf(f: { op?: Op; message: string; mismatches?: string[] }, ops: Op[]): { op: Op; message: string } {
  const message = f.mismatches?.length ? `${f.message}:\n  ${f.mismatches.join("\n  ")}` : f.message;
  return { op: f.op ?? ops[ops.length - 1]!, message };
}
