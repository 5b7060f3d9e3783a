import { isDeepStrictEqual } from "node:util";
import type { NetnsIdentity, ProjectState, ServiceRecord } from "../model/state.js";
import { emptyProjectState, opKey } from "../model/state.js";
import type { Op } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { readLive } from "./live.js";
import { CorruptStateError, DEFAULT_STATE_ROOT, StateStore, type ExecJournal, type LockOptions } from "./state-store.js";
import { runUndo, type UndoFailure, type UndoStep } from "./undo.js";
import { namespacesToRead } from "./teardown.js";
import { undoStepFor } from "./execute.js";
import { describeService, stopService } from "./services.js";
import { createdNamespaces, deletedNamespaces, identitiesOf, undoVerdict, type Owner } from "./ownership.js";
import { sameNetns } from "./proc.js";
import { anyMarked, sweepMarked } from "./marks.js";
import { vouchSteps, type PlanSource } from "./vouch.js";
import { HOST } from "../model/topology.js";

/**
 * Undo without a plan: after a crash (a journal is left) and for `down`. Ownership is
 * checked against the live kernel before any link or namespace is deleted (ownership.ts):
 * a look-alike survives, and the report says why.
 */
export interface UndoReport {
  /** inverses run (or found already done) */
  undone: number;
  /** what was left alone because it is not provably ours, and why */
  skipped: string[];
  left: UndoFailure[];
  /** found and not removed, for the user to decide (e.g. a table whose name is ambiguous) */
  notes?: string[];
}

export interface RecoverOptions extends LockOptions {
  project: string;
  stateDir?: string;
  /** the ops the script being taken down plans (vouch.ts): an undo on the host on a link
   *  not ours runs only when they include its op. Absent: no such undo runs. */
  plan?: PlanSource;
}

const NO_SCRIPT: PlanSource = async () => ({ why: "no script was given to vouch for it" });

async function undoOwned(
  runner: Runner,
  ops: { op: Op; confirmed: boolean }[],
  state: ProjectState,
  who: Omit<Owner, "current">,
  services: ReadonlyMap<number, ServiceRecord>,
  plan: PlanSource,
): Promise<UndoReport> {
  const candidates = ops.flatMap(({ op, confirmed }) => {
    const s = undoStepFor(op, state.sysctlOriginals, services);
    return s ? [{ s, confirmed }] : [];
  });
  const owner: Owner = { ...who, current: await identitiesOf(deletedNamespaces(candidates.map((c) => c.s))) };
  const owned: UndoStep[] = [];
  const skipped: string[] = [];
  for (const { s, confirmed } of candidates) {
    const verdict = undoVerdict(s, owner, ops, confirmed);
    if (verdict === "run") owned.push(s);
    else if (verdict !== "gone") skipped.push(verdict);
  }
  // on the host, on links not ours: only what the script plans (a state file is forgeable)
  const deleting = new Set(deletedNamespaces(owned));
  const vouched = await vouchSteps(owned, { project: who.project, live: who.live, deleting, plan: () => plan({ live: who.live, state }) });
  skipped.push(...vouched.skipped);
  const steps = vouched.run;
  const left = await runUndo(runner, steps, skipped);
  return { undone: steps.length - left.length, skipped, left };
}

/** Namespaces an undo must read: those namespacesToRead names, and every other place an op
 *  of the list runs in (is it one of ours? which of its links carry our mark?). */
function placesToRead(ops: readonly { op: Op; confirmed: boolean }[]): string[] {
  const out = new Set(namespacesToRead(ops));
  for (const { op } of ops) if (op.ns !== HOST && !isCreation(op)) out.add(op.ns);
  return [...out].sort();
}

const isCreation = (op: Op) => op.effect.k === "netns";

function pick<T>(o: Record<string, T>, names: Iterable<string>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const n of names) if (o[n] !== undefined) out[n] = o[n];
  return out;
}

/** Namespaces on record that still exist with the recorded identity. */
async function stillOurs(recorded: Record<string, NetnsIdentity>): Promise<Set<string>> {
  const now = await identitiesOf(Object.keys(recorded));
  return new Set(Object.keys(recorded).filter((n) => sameNetns(recorded[n], now[n])));
}

/** The services a crashed run started. Journals of older versions hold bare pids: they
 *  become records without an identity, which are reported and never signalled. */
function journalServices(j: ExecJournal): Map<number, ServiceRecord> {
  const out = new Map<number, ServiceRecord>();
  for (const [k, pid] of Object.entries(j.pids ?? {})) {
    const op = j.attempted.find((o) => o.index === Number(k));
    out.set(Number(k), { ns: op?.ns ?? "?", argv: [], pid });
  }
  for (const [k, s] of Object.entries(j.services ?? {})) out.set(Number(k), s);
  return out;
}

/**
 * A journal left by a crashed run: undo what that run did (confirmed ops, and unconfirmed
 * ones whose effects are ours), so the world is back at the last committed state. Returns
 * null when there was no journal.
 */
export async function recover(runner: Runner, opts: RecoverOptions): Promise<UndoReport | null> {
  const store = new StateStore(opts.project, opts.stateDir ?? DEFAULT_STATE_ROOT);
  const release = await store.lock(opts);
  try {
    return await recoverLocked(runner, store, opts.plan);
  } finally {
    await release();
  }
}

/** `recover` for a caller that already holds the project lock (`up` takes it first). */
export async function recoverLocked(runner: Runner, store: StateStore, plan: PlanSource = NO_SCRIPT): Promise<UndoReport | null> {
  const j: ExecJournal | null = await store.readJournal();
  if (!j) return null;
  const state = await store.readState();
  for (const [ns, kv] of Object.entries(j.sysctlOriginals ?? {})) {
    state.sysctlOriginals[ns] = { ...kv, ...(state.sysctlOriginals[ns] ?? {}) };
  }
  const done = new Set(j.done ?? []);
  const services = journalServices(j);
  const ops = [...j.attempted].reverse().map((op) => ({ op, confirmed: done.has(op.index) }));
  const live = await readLive(runner, { namespaces: placesToRead(ops) });
  const report = await undoOwned(
    runner,
    ops,
    state,
    {
      project: store.project,
      live,
      recorded: { ...(state.namespaces ?? {}), ...(j.namespaces ?? {}) },
      preexistingLinks: new Set(j.preexisting?.links ?? []),
      preexistingNs: new Set(j.preexisting?.namespaces ?? []),
    },
    services,
    plan,
  );
  const keys = new Set(state.applied.map(opKey));
  state.applied.push(...report.left.map((l) => l.op).filter((o) => !keys.has(opKey(o))));
  await store.writeState(state);
  await store.deleteJournal();
  return report;
}

/**
 * `down` without a plan: recover a crashed run if needed, then undo every applied op in
 * reverse (ours only), restore changed sysctls, stop services, and forget the project.
 * What cannot be removed stays in the state file for the next try.
 */
export async function downProject(runner: Runner, opts: RecoverOptions): Promise<UndoReport> {
  const store = new StateStore(opts.project, opts.stateDir ?? DEFAULT_STATE_ROOT);
  // A project never applied (or long gone) with nothing marked in the kernel: nothing to do,
  // and nothing is written — not even the project's directory and lock.
  const existed = await store.exists();
  if (!existed && !(await anyMarked(runner, store.project))) return { undone: 0, skipped: [], left: [] };
  const release = await store.lock(opts);
  try {
    // A corrupt state or journal (a copy is kept) leaves the kernel's marks to go by: what
    // they prove ours is removed below, and the file is replaced by a fresh one.
    const corrupt: string[] = [];
    const plan = opts.plan ?? NO_SCRIPT;
    const rec = await recoverLocked(runner, store, plan).catch(async (e: unknown) => {
      if (!(e instanceof CorruptStateError)) throw e;
      corrupt.push(e.problem);
      await store.deleteJournal();
      return null;
    });
    const state = await store.readState().catch((e: unknown) => {
      if (!(e instanceof CorruptStateError)) throw e;
      corrupt.push(e.problem);
      return emptyProjectState(store.project);
    });
    const before = structuredClone(state);
    const ops = [...state.applied].reverse().map((op) => ({ op, confirmed: true }));
    const live = await readLive(runner, { namespaces: placesToRead(ops) });
    // Services first: a process inside a namespace would keep it alive after `netns del`.
    const refused: string[] = [];
    for (const s of state.services) {
      const r = await stopService(s);
      if (r.kind === "refused") refused.push(`${describeService(s)}: ${r.reason}`);
    }
    // a refused pid is not ours: it is reported and forgotten, never retried
    state.services = [];
    const report = await undoOwned(runner, ops, state, { project: store.project, live, recorded: state.namespaces ?? {} }, new Map(), plan);
    report.skipped.unshift(...refused);
    // whatever the kernel shows marked as ours that the state did not list (it was lost,
    // corrupt, or a crash came between an op and its record); namespaces the undo above
    // already judged and left are not judged (and reported) twice
    const judged = await stillOurs(pick(state.namespaces ?? {}, createdNamespaces(state.applied)));
    const sweep = await sweepMarked(runner, store.project, { recorded: state.namespaces ?? {}, reported: judged });
    const leftKeys = new Set(report.left.map((l) => opKey(l.op)));
    // a namespace of ours still there (another owner's link is in it) stays on record
    const kept = await stillOurs(state.namespaces ?? {});
    state.applied = state.applied.filter((o) => leftKeys.has(opKey(o)) || createdNamespaces([o]).some((n) => kept.has(n)));
    state.namespaces = pick(state.namespaces ?? {}, kept);
    if (state.applied.length === 0) state.sysctlOriginals = {};
    // a state that said nothing and still says nothing is not written again
    if (!isDeepStrictEqual(state, before) || corrupt.length > 0 || rec !== null) await store.writeState(state);
    return {
      undone: report.undone + (rec?.undone ?? 0) + sweep.undone,
      skipped: [...(rec?.skipped ?? []), ...report.skipped, ...sweep.skipped],
      left: [...(rec?.left ?? []), ...report.left, ...sweep.left],
      ...(sweep.notes.length || corrupt.length ? { notes: [...corrupt.map((c) => `${c}; went by the kernel's marks`), ...sweep.notes] } : {}),
    };
  } finally {
    await release();
  }
}
