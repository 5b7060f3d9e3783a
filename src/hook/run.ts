import { existsSync } from "node:fs";
import { readdir, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { checkLive } from "../check/live.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { diag } from "../diagnostics/codes.js";
import type { CompiledWithAllocations } from "../engine/compile.js";
import { stateRoots } from "../engine/paths.js";
import type { EngineOptions } from "../engine/types.js";
import { execute } from "../exec/execute.js";
import { readLive, readSysctls } from "../exec/live.js";
import { recover } from "../exec/recover.js";
import type { PlanSource } from "../exec/vouch.js";
import { StateStore } from "../exec/state-store.js";
import type { ExpandOptions } from "../expand/expand.js";
import { emptySnapshot } from "../ipam/snapshot.js";
import type { LiveState } from "../model/live.js";
import { opKey, type ProjectState } from "../model/state.js";
import { HOST, emptyTopology, type AddressedTopology } from "../model/topology.js";
import { deriveOps, wantedSysctls } from "../plan/derive.js";
import type { Op } from "../plan/op.js";
import { plan } from "../plan/plan.js";
import { sysctlDev } from "../plan/effect.js";
import { render } from "../plan/render.js";
import { devicesUsed, hostSideOf } from "./derived.js";
import { isActionable, type HookEvent } from "./event.js";
import { describeSelection, explicitWork, selectHandlers, type Selection } from "./handlers.js";
import { hookKey, hooksRoot } from "./state-key.js";

/**
 * One udev event as one transaction (docs/hook.md): the same phases as `nsnet up` — the
 * project lock, recovery of a crashed run, live state, live check, plan, execute (journal,
 * rollback, verification) — over the event's work, a host-only topology, against the
 * record of what earlier events of this interface applied.
 */
export interface HookOptions extends EngineOptions {
  /** how long an event waits for the project lock while other events (or an `up`) hold
   *  it; udev kills a RUN program after its event timeout (180 s by default) */
  lockWaitMs?: number;
  /** resolves `use` inside handler bodies */
  load?: ExpandOptions["load"];
  /** the caller took the project lock already (to allocate under it) */
  lockHeld?: boolean;
}

export const HOOK_LOCK_WAIT_MS = 60_000;

export type HookStatus = "no-match" | "ok" | "check-failed" | "rolled-back" | "rollback-incomplete";

export interface HookResult {
  status: HookStatus;
  /** where the handlers that ran were written ("" when none) */
  handled: string;
  ops: Op[];
  diagnostics: Diagnostic[];
  failure?: { op: Op; message: string };
  leftovers?: string[];
  elapsedMs: number;
}

/**
 * Whether this event has work that needs the project lock. An event for no handler (and
 * for an interface nothing was applied to), or a script with errors, is answered without
 * it: such an event touches nothing, not even the state directories.
 */
export function needsLock(compiled: CompiledWithAllocations, event: HookEvent, opts: Pick<HookOptions, "stateDir" | "project">): boolean {
  if (!isActionable(event) || !compiled.ok || !compiled.addressed) return false;
  if (selectHandlers(compiled.addressed, event.action, event.iface).kind !== "none") return true;
  return hasRecord(event.iface, opts);
}

/** Earlier events applied something for this interface (its record is kept until undone). */
function hasRecord(iface: string, opts: Pick<HookOptions, "stateDir" | "project">): boolean {
  return existsSync(join(hooksRoot(stateRoots(opts.stateDir).state, opts.project), hookKey(iface), "state.json"));
}

export async function runHook(compiled: CompiledWithAllocations, event: HookEvent, opts: HookOptions): Promise<HookResult> {
  const t0 = performance.now();
  const result = (status: HookStatus, rest: Partial<HookResult> = {}): HookResult => ({
    status,
    handled: "",
    ops: [],
    diagnostics: [],
    ...rest,
    elapsedMs: Math.round(performance.now() - t0),
  });
  if (!isActionable(event)) return result("no-match");
  // A script with errors touches nothing, whichever interface the event is about.
  if (!compiled.ok || !compiled.addressed) return result("check-failed", { diagnostics: compiled.diagnostics });
  const script = compiled.addressed;
  const selection = selectHandlers(script, event.action, event.iface);
  let handled = describeSelection(selection);

  // Handler bodies are expanded and checked before anything is locked or read.
  let explicit: AddressedTopology | undefined;
  const diagnostics = [...compiled.diagnostics];
  if (selection.kind === "explicit") {
    const w = explicitWork(
      script,
      selection.handlers,
      { iface: event.iface, ...(event.ifindex !== undefined ? { ifindex: event.ifindex } : {}) },
      {
        file: compiled.file,
        ...(opts.load ? { load: opts.load } : {}),
        allocations: compiled.allocations ?? emptySnapshot(),
      },
    );
    diagnostics.push(...w.diagnostics);
    if (hasErrors(w.diagnostics)) return result("check-failed", { handled, diagnostics });
    explicit = w.topology;
  }

  const roots = stateRoots(opts.stateDir);
  const root = hooksRoot(roots.state, opts.project);
  const key = hookKey(event.iface);
  // Nothing matched and nothing was applied for this interface before: not our event.
  if (selection.kind === "none") {
    if (!hasRecord(event.iface, opts)) return result("no-match");
    handled = "undoing what earlier events applied";
  }

  const release = opts.lockHeld
    ? async () => undefined
    : await new StateStore(opts.project, roots.state).lock({ waitMs: opts.lockWaitMs ?? HOOK_LOCK_WAIT_MS });
  try {
    await recover(opts.runner, { project: key, stateDir: root, plan: vouchOf(compiled, script, event, { key, load: opts.load }) });
    const store = new StateStore(key, root);
    const previous = await store.readState();
    const live0 = await readLive(opts.runner, { namespaces: [] });
    const work = workOf(selection, event.action, script, explicit, live0);
    const live = await withHostSysctls(opts, live0, work, previous);

    const liveDiags = checkLive({ ...work, devices: [...work.devices, ...devicesUsed(script, work)] }, live, { project: key }).map(
      (d) => eventInterfaceMissing(d, event, script, work) ?? d,
    );
    diagnostics.push(...liveDiags);
    if (hasErrors(liveDiags)) return result("check-failed", { handled, diagnostics });

    const planned = plan(work, live, { project: key, previous });
    diagnostics.push(...planned.diagnostics);
    if (hasErrors(planned.diagnostics)) return result("check-failed", { handled, diagnostics });

    // What the record holds that this event no longer wants leaves the record, whether
    // its undo runs now or its effect went with the link.
    const wanted = new Set(deriveOps(work, { project: key, previous, live }).ops.map(opKey));
    const stale = previous.applied.filter((o) => !wanted.has(opKey(o)));
    const others = await otherRecords(root, key);
    const { ops, handOver } = keepSharedSysctls(planned.ops, previous, others.length > 0);

    if (ops.length === 0) {
      await forget(store, previous, stale.map(opKey));
      await handOverTo(others, handOver, previous);
      return result("ok", { handled, diagnostics });
    }
    const r = await execute(ops, opts.runner, {
      project: key,
      stateDir: root,
      script: compiled.file,
      before: live,
      removes: stale.map(opKey),
      ...(opts.failAt !== undefined ? { failAt: opts.failAt } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    if (r.status !== "ok") {
      const f = r.failure;
      const message = f.mismatches?.length ? `${f.message}:\n  ${f.mismatches.join("\n  ")}` : f.message;
      const failure = { op: f.op ?? ops[ops.length - 1]!, message };
      return result(r.status, { handled, diagnostics, ops, failure, ...(r.status === "rollback-incomplete" ? { leftovers: r.residue } : {}) });
    }
    await handOverTo(others, handOver, previous);
    await dropIfEmpty(store);
    return result("ok", { handled, diagnostics, ops });
  } finally {
    await release();
  }
}

/**
 * The interface an add event names is adopted as an existing device (an uplink-like one);
 * when it is not there, the live check's "uplink X does not exist" would blame the script.
 * It is the event's interface that is missing (gone again before the hook ran, or a wrong
 * INTERFACE): said so, pointing at the handler (or the `veth`) the event selected.
 */
function eventInterfaceMissing(d: Diagnostic, event: HookEvent, script: AddressedTopology, work: AddressedTopology): Diagnostic | undefined {
  if (d.code !== "NS503" || event.action !== "add") return undefined;
  const adopted = work.devices.find((x) => x.kind === "uplink" && x.ns === HOST && x.name === event.iface && x.nameSpan === d.span);
  if (!adopted) return undefined;
  // a script that itself declares `uplink IF` for the event's interface keeps NS503
  if (script.devices.some((x) => x.kind === "uplink" && x.ns === HOST && x.name === event.iface)) return undefined;
  return diag(
    "NS505",
    d.span,
    { name: event.iface, ns: HOST, use: `the interface of this ${event.action} event` },
    { hint: "udev's event names an interface the host does not have: gone again before the hook ran (its remove event follows), or INTERFACE is not its name" },
  );
}

/** The event's work: the handlers' topology (add), the derived host side (add), or
 *  nothing (remove of a derived handler: the plan then undoes what add applied). */
function workOf(
  s: Selection,
  action: "add" | "remove",
  script: AddressedTopology,
  explicit: AddressedTopology | undefined,
  live: LiveState,
): AddressedTopology {
  if (s.kind === "explicit" && explicit) return explicit;
  if (s.kind === "derived" && action === "add") return hostSideOf(script, s.handler, live);
  return { ...emptyTopology(), resolved: [] };
}

/**
 * What a crashed event of this interface may have applied on links nsnet does not own (an
 * uplink's proxy entries, host routes via the container's veth): the ops the script's
 * handlers plan for it, add and remove, derived against the world as it is now (vouch.ts).
 */
function vouchOf(
  compiled: CompiledWithAllocations,
  script: AddressedTopology,
  event: HookEvent,
  ctx: { key: string; load: ExpandOptions["load"] | undefined },
): PlanSource {
  return async ({ live, state }) => {
    const keys = new Set<string>();
    for (const action of ["add", "remove"] as const) {
      const sel = selectHandlers(script, action, event.iface);
      let work: AddressedTopology | undefined;
      if (sel.kind === "explicit") {
        const env = { iface: event.iface, ...(event.ifindex !== undefined ? { ifindex: event.ifindex } : {}) };
        const w = explicitWork(script, sel.handlers, env, {
          file: compiled.file,
          ...(ctx.load ? { load: ctx.load } : {}),
          allocations: compiled.allocations ?? emptySnapshot(),
        });
        if (!hasErrors(w.diagnostics)) work = w.topology;
      } else if (sel.kind === "derived" && action === "add") work = hostSideOf(script, sel.handler, live);
      if (work) for (const op of deriveOps(work, { project: ctx.key, previous: state, live }).ops) keys.add(opKey(op));
    }
    return keys.size ? { file: compiled.file, keys } : { why: `no handler of ${compiled.file} plans anything for ${event.iface}` };
  };
}

/** Host sysctls the work sets and the record changed: their values decide what is already
 *  in effect and what an undo restores (read from /proc/sys, no process spawned). */
async function withHostSysctls(opts: HookOptions, live: LiveState, work: AddressedTopology, previous: ProjectState): Promise<LiveState> {
  const keys = [
    ...wantedSysctls(work)
      .filter((w) => w.ns === HOST)
      .map((w) => w.key),
    ...previous.applied.flatMap((o) => (o.effect.k === "sysctl" && o.effect.ns === HOST ? [o.effect.key] : [])),
  ];
  if (keys.length === 0) return live;
  const read = await readSysctls(
    opts.runner,
    [...new Set(keys)].map((key) => ({ ns: HOST, key })),
  );
  return { ...live, sysctls: read };
}

interface OtherRecord {
  store: StateStore;
  state: ProjectState;
}

/** The records of the project's other interfaces that still hold something. */
async function otherRecords(root: string, key: string): Promise<OtherRecord[]> {
  const names = (await readdir(root).catch(() => [] as string[])).filter((n) => n !== key).sort();
  const out: OtherRecord[] = [];
  for (const name of names) {
    let store: StateStore;
    try {
      store = new StateStore(name, root);
    } catch {
      continue; // not a record of ours
    }
    const state = await store.readState();
    if (state.applied.length) out.push({ store, state });
  }
  return out;
}

/**
 * Host-wide sysctls (ip_forward, IPv6 forwarding) are shared by every interface of the
 * project: the first event that needed one changed it, and later ones found it set. When
 * that first interface goes, the value stays while another interface still holds a record;
 * the op (with the original value it restores) moves to that record, and the last one
 * to go restores it.
 */
export function keepSharedSysctls(ops: Op[], previous: ProjectState, othersHoldRecords: boolean): { ops: Op[]; handOver: Op[] } {
  if (!othersHoldRecords) return { ops, handOver: [] };
  const handOver: Op[] = [];
  const kept = ops.filter((op) => {
    if (op.effect.k !== "sysctl" || op.effect.ns !== HOST || sysctlDev(op.effect.key) !== undefined) return true;
    const undone = previous.applied.find((a) => a.inverse && opKey(render(a.inverse)) === opKey(op));
    if (!undone) return true;
    handOver.push(undone);
    return false;
  });
  return { ops: kept.map((o, i) => ({ ...o, index: i + 1 })), handOver };
}

async function handOverTo(others: OtherRecord[], ops: Op[], previous: ProjectState): Promise<void> {
  const heir = others[0];
  if (!heir || ops.length === 0) return;
  const have = new Set(heir.state.applied.map(opKey));
  heir.state.applied.push(...ops.filter((o) => !have.has(opKey(o))));
  for (const o of ops) {
    if (o.effect.k !== "sysctl") continue;
    const k = o.effect.key;
    const orig = previous.sysctlOriginals[HOST]?.[k];
    if (orig !== undefined) heir.state.sysctlOriginals[HOST] = { ...(heir.state.sysctlOriginals[HOST] ?? {}), [k]: orig };
  }
  await heir.store.writeState(heir.state);
}

/** Nothing ran, but stale entries leave the record (their effects are already gone). */
async function forget(store: StateStore, previous: ProjectState, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  const drop = new Set(keys);
  previous.applied = previous.applied.filter((o) => !drop.has(opKey(o)));
  if (previous.applied.length) await store.writeState(previous);
  else await removeRecord(store);
}

/** An interface whose record is empty (after its remove) leaves no folder behind. */
async function dropIfEmpty(store: StateStore): Promise<void> {
  const s = await store.readState();
  if (s.applied.length === 0 && s.services.length === 0) await removeRecord(store);
}

async function removeRecord(store: StateStore): Promise<void> {
  await rm(store.dir, { recursive: true, force: true });
  await rmdir(dirname(store.dir)).catch(() => undefined); // `hooks/`, once it is empty
}
