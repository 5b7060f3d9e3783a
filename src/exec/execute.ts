import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import type { LiveState } from "../model/live.js";
import type { NetnsIdentity, ProjectState, ServiceRecord } from "../model/state.js";
import { opKey } from "../model/state.js";
import { HOST } from "../model/topology.js";
import type { Op, Phase } from "../plan/op.js";
import { inverseOf } from "../plan/inverse.js";
import { render } from "../plan/render.js";
import type { Runner } from "./runner.js";
import { batchesByStage, chainsByNs, groupBatches } from "./batches.js";
import { mapBounded } from "./bounded.js";
import { runStageByHelper } from "./fanout.js";
import { effectAsShell } from "./commands.js";
import { describeDiff, diffLive, isSameLive, withoutForeign } from "./compare.js";
import { namespacesOf, unmetExpectations } from "./effects.js";
import { readLive, readSysctls } from "./live.js";
import { restartStopped } from "./service-ops.js";
import { lostOps, recreatedNamespaces } from "./restore.js";
import { createdNamespaces, deletedNamespaces, identitiesOf } from "./ownership.js";
import { BatchTails } from "./batch-tails.js";
import { DEFAULT_STATE_ROOT, StateError, StateStore, type ExecJournal } from "./state-store.js";
import { runUndo, undoStep, type UndoFailure, type UndoStep } from "./undo.js";
import { blameByKernel, injected, readOriginals, runBatch, type Ctx } from "./execute-batch.js";

/**
 * The transaction (docs/architecture.md §4): phases in order, batches of one phase in parallel across
 * namespaces, a journal written before each phase and after each batch, and on any
 * failure — a refused line, an injected fault, a verification mismatch — every done op
 * undone in reverse and the world re-read to prove it is as before.
 */
export interface ExecOptions {
  project: string;
  /** root of project state dirs (default /run/nsnet) */
  stateDir?: string;
  script?: string;
  /** NSNET_FAIL_AT: the op with this index fails as if the kernel refused it */
  failAt?: number;
  /** batches in flight at once within a phase (default 4) */
  concurrency?: number;
  onProgress?: (done: number, total: number, phase: Phase) => void;
  /** extra checks on the live state after success; each string is a mismatch */
  verify?: (live: LiveState) => string[];
  /** opKeys of applied ops this plan removes (besides those whose inverse it runs) */
  removes?: string[];
  lockWaitMs?: number;
  /** the caller holds the project lock already (it took it before reading the world and
   *  planning); the lock is not re-entrant, so the executor must not take it again */
  lockHeld?: boolean;
  /** what the kernel shows is already this project's though the state lost it (found by
   *  marks): recorded with this run's state, so `down` and the next plan know it */
  adopt?: Adoption;
  /** a live snapshot the caller read just before (the planner's): saves reading the world
   *  again; sysctls it lacks are read here. Its places must include the ops' namespaces. */
  before?: LiveState;
}

export interface ExecFailure {
  /** the op the kernel refused (absent for a verification mismatch) */
  op?: Op;
  message: string;
  mismatches?: string[];
}

export type ExecResult =
  | { status: "ok"; changed: number; live?: LiveState }
  | { status: "rolled-back"; failure: ExecFailure; undone: number }
  | { status: "rollback-incomplete"; failure: ExecFailure; left: UndoFailure[]; residue: string[] };

export class JournalPresentError extends StateError {}

export interface Adoption {
  /** a running service (proven by its mark, session and namespace) for the op that starts it */
  services: { op: Op; service: ServiceRecord }[];
  /** namespaces marked ours, with their identity now */
  namespaces: Record<string, NetnsIdentity>;
}

function adoptInto(state: ProjectState, a: Adoption | undefined): void {
  if (!a) return;
  const keys = new Set(state.applied.map(opKey));
  for (const { op, service } of a.services) {
    if (!keys.has(opKey(op))) state.applied.push(op);
    state.services.push(service);
  }
  state.namespaces = { ...a.namespaces, ...(state.namespaces ?? {}) };
}

export async function execute(ops: Op[], runner: Runner, opts: ExecOptions): Promise<ExecResult> {
  const store = new StateStore(opts.project, opts.stateDir ?? DEFAULT_STATE_ROOT);
  const release = opts.lockHeld ? async () => undefined : await store.lock({ waitMs: opts.lockWaitMs });
  try {
    if (await store.readJournal()) {
      throw new JournalPresentError(`a previous run of project ${opts.project} did not finish (${store.journalPath}); run recovery (nsnet down) first`);
    }
    const state = await store.readState();
    if (ops.length === 0) {
      if (opts.adopt && (opts.adopt.services.length || Object.keys(opts.adopt.namespaces).length)) {
        adoptInto(state, opts.adopt);
        await store.writeState(state);
      }
      return { status: "ok", changed: 0 };
    }
    return await transaction(ops, runner, store, state, opts);
  } finally {
    await release();
  }
}

/** The caller's snapshot, plus the touched sysctls it did not read (undo ops of a shrinking
 *  script restore keys the new script no longer mentions). */
async function topUpSysctls(runner: Runner, live: LiveState, wanted: { ns: string; key: string }[]): Promise<LiveState> {
  const missing = wanted.filter(({ ns, key }) => live.sysctls[ns]?.[key] === undefined);
  if (missing.length === 0) return live;
  const read = await readSysctls(runner, missing);
  const sysctls = { ...live.sysctls };
  for (const [ns, kv] of Object.entries(read)) sysctls[ns] = { ...(sysctls[ns] ?? {}), ...kv };
  return { ...live, sysctls };
}

function touchedSysctls(ops: readonly Op[]): { ns: string; key: string }[] {
  return ops.flatMap((o) => (o.effect.k === "sysctl" ? [{ ns: o.effect.ns, key: o.effect.key }] : []));
}

/** The sysctl key an op writes. */

async function transaction(ops: Op[], runner: Runner, store: StateStore, state: ProjectState, opts: ExecOptions): Promise<ExecResult> {
  const namespaces = namespacesOf(ops);
  const places = new Set([HOST, ...namespaces]);
  // committed sysctls there too: a rollback must see them to put back one a removal took
  const sysctls = [...touchedSysctls(ops), ...touchedSysctls(state.applied.filter((o) => places.has(o.ns)))];
  const before = opts.before ? await topUpSysctls(runner, opts.before, sysctls) : await readLive(runner, { namespaces, sysctls });

  const journal: ExecJournal = {
    version: 1,
    project: opts.project,
    startedAt: new Date().toISOString(),
    attempted: [],
    done: [],
    preexisting: { links: before.links.map((l) => `${l.ns}:${l.name}`), namespaces: [...before.namespaces] },
    sysctlOriginals: {},
  };
  // Saves coalesce: a request while a write is in flight is folded into one more write of
  // the latest journal. Awaiting a save means "what was recorded so far is on disk".
  let inflight: Promise<void> | null = null;
  let dirty = false;
  const saveJournal = (): Promise<void> => {
    dirty = true;
    inflight ??= (async () => {
      try {
        while (dirty) {
          dirty = false;
          await store.writeJournal({ ...journal, done: [...journal.done!] });
        }
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };
  const chainDone = () => inflight ?? Promise.resolve();
  const planned = groupBatches(ops);
  const tails = new BatchTails(planned, [...places], before);
  const ctx: Ctx = {
    runner,
    store,
    failAt: opts.failAt,
    journal,
    saveJournal,
    knownOriginals: state.sysctlOriginals,
    services: new Map(),
    records: state.services,
    stopped: new Map(),
    project: opts.project,
    tails,
  };

  const executed: Op[] = [];
  let failure: ExecFailure | undefined;
  let doneCount = 0;
  for (const { phase, batches } of batchesByStage(planned)) {
    journal.attempted.push(...batches.flatMap((b) => b.ops));
    await saveJournal();
    let stop = false;
    const fannedOut = await runStageByHelper(batches, {
      runner,
      failAt: ctx.failAt,
      tails,
      readOriginals: (b) => readOriginals(b, ctx),
      blameByKernel: (rest, message, before) => blameByKernel(rest, message, ctx, before),
      injected,
    });
    await mapBounded(chainsByNs(batches), opts.concurrency ?? 4, async (nsChain) => {
      for (const batch of nsChain) {
        // a fanned-out batch has run already: its outcome is recorded whatever failed
        if (stop && !fannedOut.has(batch)) return;
        const out = fannedOut.get(batch) ?? (await runBatch(batch, ctx));
        executed.push(...out.done);
        await recordNamespaces(out.done, ctx);
        // Saved with the next phase: the attempted ops were saved before this one, and a `done`
        // mark (or a namespace identity) lost in a crash only makes recovery check that op
        // against the live kernel (ownership rules).
        journal.done!.push(...out.done.map((o) => o.index));
        doneCount += out.done.length;
        opts.onProgress?.(doneCount, ops.length, phase);
        if (out.failed) {
          stop = true;
          failure ??= { op: out.failed.op, message: out.failed.message };
          return;
        }
      }
    });
    if (failure) break;
  }

  let after: LiveState | undefined;
  if (!failure) {
    const unheld = await tails.finish(runner);
    if (unheld) failure = { message: unheld };
  }
  if (!failure) {
    after = await tails.after(runner, sysctls);
    const mismatches = [...unmetExpectations(ops, after), ...(opts.verify?.(after) ?? [])];
    if (mismatches.length) failure = { message: `the kernel does not show what was applied`, mismatches };
  }

  if (failure) return rollback(executed, failure, { ctx, before, places, namespaces, sysctls, state, opts });

  commitState(state, executed, ctx, opts);
  await store.writeState(state);
  await chainDone();
  await store.deleteJournal();
  return { status: "ok", changed: executed.length, live: after };
}

/** The inverse to run for an op: its own, or for a sysctl without one, the original value
 *  (read by this transaction just before it wrote the key). */
export function undoStepFor(op: Op, originals: ProjectState["sysctlOriginals"], services: ReadonlyMap<number, ServiceRecord>): UndoStep | null {
  if (op.effect.k === "service") {
    const service = services.get(op.index);
    return service === undefined ? null : undoStep(op, op.inverse ?? { k: "service-stop", ns: op.effect.ns, argv: op.effect.argv }, service);
  }
  if (op.inverse) return undoStep(op, op.inverse);
  if (op.effect.k === "sysctl" && op.undoneWith === undefined) {
    const inv = inverseOf(op.effect, { project: "", originals });
    if (inv) return undoStep(op, inv);
  }
  return null;
}

interface RollbackCtx {
  ctx: Ctx;
  before: LiveState;
  places: Set<string>;
  namespaces: string[];
  sysctls: { ns: string; key: string }[];
  state: ProjectState;
  opts: ExecOptions;
}

async function rollback(executed: Op[], failure: ExecFailure, r: RollbackCtx): Promise<ExecResult> {
  const originals = mergeOriginals(r.ctx.knownOriginals, r.ctx.journal.sysctlOriginals ?? {});
  const steps = [...executed]
    .reverse()
    .map((op) => undoStepFor(op, originals, r.ctx.services))
    .filter((s): s is UndoStep => s !== null);
  const left = await runUndo(r.ctx.runner, steps);
  // what the kernel removed along with an op, the inverses do not bring back: re-apply it
  const undone = await readLive(r.ctx.runner, { namespaces: r.namespaces, sysctls: r.sysctls });
  const recreated = recreatedNamespaces(executed, undone);
  const lost = lostOps(r.state.applied, r.before, undone, { project: r.opts.project, places: r.places, recreated });
  left.push(
    ...(await runUndo(
      r.ctx.runner,
      lost.map((op) => undoStep(op, op.effect)),
    )),
  );
  // a namespace made again is ours under a new identity: the record must say so
  const namespaces = { ...(r.state.namespaces ?? {}) };
  for (const [name, id] of Object.entries(await identitiesOf(recreated))) if (id && r.state.namespaces?.[name]) namespaces[name] = id;
  const namespacesChanged = !isDeepStrictEqual(namespaces, r.state.namespaces ?? {});
  if (namespacesChanged) r.state.namespaces = namespaces;
  const services = [...r.state.services];
  const notRestarted = await restartStopped(r.ctx.runner, executed, r.ctx.stopped, services, {
    project: r.opts.project,
    logFile: (op) => join(r.ctx.store.dir, `service-${op.index}.log`),
  });
  left.push(...notRestarted.map(({ op, error }) => ({ op, step: render(op.inverse ?? op.effect), error, command: effectAsShell(op.inverse ?? op.effect) })));
  const servicesChanged = !isDeepStrictEqual(services, r.state.services);
  r.state.services = services;

  // namespace teardown finishes asynchronously in the kernel: re-read a few times
  let residue: string[] = [];
  for (let attempt = 0; attempt < 10; attempt++) {
    const now = await readLive(r.ctx.runner, { namespaces: r.namespaces, sysctls: r.sysctls });
    const d = diffLive(withoutForeign(r.before, r.opts.project), withoutForeign(now, r.opts.project), r.places);
    residue = describeDiff(d);
    if (isSameLive(d)) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  await r.ctx.saveJournal();
  if (left.length === 0 && residue.length === 0) {
    // a service started again has a new pid, a namespace made again a new identity
    if (servicesChanged || namespacesChanged) await r.ctx.store.writeState(r.state);
    await r.ctx.store.deleteJournal();
    return { status: "rolled-back", failure, undone: steps.length };
  }
  // what could not be undone stays on record so `down` can retry it
  const leftOps = left.map((l) => l.op);
  const appliedKeys = new Set(r.state.applied.map(opKey));
  r.state.applied.push(...leftOps.filter((o) => !appliedKeys.has(opKey(o))));
  r.state.sysctlOriginals = originals;
  await r.ctx.store.writeState(r.state);
  await r.ctx.store.deleteJournal();
  return { status: "rollback-incomplete", failure, left, residue };
}

function mergeOriginals(old: ProjectState["sysctlOriginals"], fresh: ProjectState["sysctlOriginals"]): ProjectState["sysctlOriginals"] {
  const out: ProjectState["sysctlOriginals"] = {};
  for (const src of [fresh, old]) {
    for (const [ns, kv] of Object.entries(src)) out[ns] = { ...(out[ns] ?? {}), ...kv };
  }
  return out;
}

function commitState(state: ProjectState, executed: Op[], ctx: Ctx, opts: ExecOptions): void {
  const originals = mergeOriginals(state.sysctlOriginals, ctx.journal.sysctlOriginals ?? {});
  const executedKeys = new Set(executed.map(opKey));
  const drop = new Set(opts.removes ?? []);
  const removals = new Set<string>();
  for (const a of state.applied) {
    const undo = a.inverse && opKey(render(a.inverse));
    if (undo && executedKeys.has(undo)) {
      drop.add(opKey(a));
      removals.add(undo);
    }
  }
  const kept = state.applied.filter((a) => !drop.has(opKey(a)) && !executedKeys.has(opKey(a)));
  const forgotten = createdNamespaces(state.applied.filter((a) => drop.has(opKey(a))));
  const added = executed
    .filter((o) => !removals.has(opKey(o)))
    .map((o) => {
      if (o.effect.k === "sysctl" && !o.inverse && o.undoneWith === undefined) {
        const inverse = inverseOf(o.effect, { project: opts.project, originals });
        if (inverse) return { ...o, inverse };
      }
      return o;
    });
  state.applied = [...kept, ...added];
  state.sysctlOriginals = originals;
  adoptInto(state, opts.adopt);
  const namespaces = { ...(state.namespaces ?? {}), ...(ctx.journal.namespaces ?? {}) };
  for (const n of [...deletedNamespaces(executed), ...forgotten]) delete namespaces[n];
  state.namespaces = namespaces;
  if (opts.script) state.script = opts.script;
  // what the stop ops stopped (or found gone, or not ours) is no longer on record
  const ended = new Set([...ctx.stopped.values()].flat().map((s) => s.record));
  state.services = state.services.filter((s) => !ended.has(s));
  for (const o of executed) {
    const service = ctx.services.get(o.index);
    if (o.effect.k === "service" && service !== undefined) state.services.push(service);
  }
}

/** The identity of each namespace just created, read before anything else can replace it
 *  (saved with the journal's next write), so that `down` deletes that namespace and never
 *  a same-named successor. */
async function recordNamespaces(done: readonly Op[], ctx: Ctx): Promise<void> {
  const names = createdNamespaces(done);
  if (names.length === 0) return;
  const ids = (ctx.journal.namespaces ??= {});
  for (const [name, id] of Object.entries(await identitiesOf(names))) if (id) ids[name] = id;
}
