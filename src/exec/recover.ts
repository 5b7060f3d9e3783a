import type { LiveState } from "../model/live.js";
import type { ProjectState } from "../model/state.js";
import { opKey, ownerAlias } from "../model/state.js";
import type { Op } from "../plan/op.js";
import type { Runner } from "./runner.js";
import { readLive } from "./live.js";
import { DEFAULT_STATE_ROOT, StateStore, type ExecJournal, type LockOptions } from "./state-store.js";
import { runUndo, type UndoFailure, type UndoStep } from "./undo.js";
import { namespacesToRead } from "./teardown.js";
import { undoStepFor } from "./execute.js";

/**
 * Undo without a plan: after a crash (a journal is left) and for `down`. Ownership is
 * checked against the live kernel before any link is deleted: a link is removed only if
 * it carries our alias `nsnet:<project>` — or, for an op the crashed run sent but never
 * confirmed, if it has no alias and did not exist before that run began (the crash may
 * have come between `link add` and `link set … alias`). Anything else with that name is
 * a look-alike and survives.
 */
export interface UndoReport {
  /** inverses run (or found already done) */
  undone: number;
  /** links left alone because they are not ours */
  skipped: string[];
  left: UndoFailure[];
}

export interface RecoverOptions extends LockOptions {
  project: string;
  stateDir?: string;
}


/** The link an inverse deletes (`link del NAME`), if it is that kind of inverse. */
function deletedLink(step: { tool: string; text: string }): string | undefined {
  if (step.tool !== "ip") return undefined;
  const w = step.text.trim().split(/\s+/);
  if (w[0] !== "link" || (w[1] !== "del" && w[1] !== "delete")) return undefined;
  return w[2] === "dev" ? w[3] : w[2];
}

function deletedNetns(step: { tool: string; text: string }): string | undefined {
  if (step.tool !== "ip") return undefined;
  const w = step.text.trim().split(/\s+/);
  return w[0] === "netns" && (w[1] === "del" || w[1] === "delete") ? w[2] : undefined;
}

interface Owner {
  project: string;
  live: LiveState;
  /** "ns:name" of links present before an unconfirmed op ran */
  preexistingLinks?: ReadonlySet<string>;
  preexistingNs?: ReadonlySet<string>;
}

/** "run" the step, "gone" (nothing to undo), or the description of a look-alike left alone. */
function ownershipFilter(s: UndoStep, who: Owner, confirmed: boolean): "run" | "gone" | string {
  const link = deletedLink(s.step);
  if (link !== undefined) {
    const l = who.live.links.find((x) => x.ns === s.step.ns && x.name === link);
    if (!l) return "gone";
    if (l.alias === ownerAlias(who.project)) return "run";
    if (!confirmed && l.alias === undefined && !who.preexistingLinks?.has(`${s.step.ns}:${link}`)) return "run";
    return `${s.step.ns}:${link} (alias ${l.alias === undefined ? "none" : JSON.stringify(l.alias)})`;
  }
  const ns = deletedNetns(s.step);
  if (ns !== undefined) {
    if (!who.live.namespaces.includes(ns)) return "gone";
    if (!confirmed && who.preexistingNs?.has(ns)) return `namespace ${ns} (existed before)`;
  }
  return "run";
}

async function undoOwned(runner: Runner, ops: { op: Op; confirmed: boolean }[], state: ProjectState, who: Owner, pids: Map<number, number>): Promise<UndoReport> {
  const steps: UndoStep[] = [];
  const skipped: string[] = [];
  for (const { op, confirmed } of ops) {
    const s = undoStepFor(op, state.sysctlOriginals, pids);
    if (!s) continue;
    const verdict = ownershipFilter(s, who, confirmed);
    if (verdict === "run") steps.push(s);
    else if (verdict !== "gone") skipped.push(verdict);
  }
  const left = await runUndo(runner, steps);
  return { undone: steps.length - left.length, skipped, left };
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
    return await recoverLocked(runner, store);
  } finally {
    await release();
  }
}

async function recoverLocked(runner: Runner, store: StateStore): Promise<UndoReport | null> {
  const j: ExecJournal | null = await store.readJournal();
  if (!j) return null;
  const state = await store.readState();
  for (const [ns, kv] of Object.entries(j.sysctlOriginals ?? {})) {
    state.sysctlOriginals[ns] = { ...kv, ...(state.sysctlOriginals[ns] ?? {}) };
  }
  const done = new Set(j.done ?? []);
  const pids = new Map(Object.entries(j.pids ?? {}).map(([k, v]) => [Number(k), v]));
  const ops = [...j.attempted].reverse().map((op) => ({ op, confirmed: done.has(op.index) }));
  const live = await readLive(runner, { namespaces: namespacesToRead(ops) });
  const report = await undoOwned(runner, ops, state, {
    project: store.project,
    live,
    preexistingLinks: new Set(j.preexisting?.links ?? []),
    preexistingNs: new Set(j.preexisting?.namespaces ?? []),
  }, pids);
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
  const release = await store.lock(opts);
  try {
    const rec = await recoverLocked(runner, store);
    const state = await store.readState();
    const ops = [...state.applied].reverse().map((op) => ({ op, confirmed: true }));
    const live = await readLive(runner, { namespaces: namespacesToRead(ops) });
    const report = await undoOwned(runner, ops, state, { project: store.project, live }, new Map());
    for (const s of state.services) {
      try {
        process.kill(s.pid, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
    state.services = [];
    const leftKeys = new Set(report.left.map((l) => opKey(l.op)));
    state.applied = state.applied.filter((o) => leftKeys.has(opKey(o)));
    if (state.applied.length === 0) state.sysctlOriginals = {};
    await store.writeState(state);
    return {
      undone: report.undone + (rec?.undone ?? 0),
      skipped: [...(rec?.skipped ?? []), ...report.skipped],
      left: [...(rec?.left ?? []), ...report.left],
    };
  } finally {
    await release();
  }
}
