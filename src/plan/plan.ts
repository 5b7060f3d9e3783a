import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { LiveState } from "../model/live.js";
import { opKey, type ProjectState } from "../model/state.js";
import { HOST, isForeignDevice, type AddressedTopology } from "../model/topology.js";
import type { Op } from "./op.js";
import { planDiag } from "./codes.js";
import { deriveOps, wantedSysctls, type Draft } from "./derive.js";
import { effectPresent, findLink, foreignDevices, linkEnds, touches, undoOps } from "./diff.js";
import { afterRemovals } from "./side-effects.js";
import type { Effect } from "./effect.js";

export interface PlanContext {
  project: string;
  previous: ProjectState;
  /** the live host default gateway, read by the caller (used when the script names none) */
  hostGateway?: string;
  /** namespaces provably this project's (default: those its applied ops created); an
   *  existing namespace outside this set is someone else's and never gets our mark */
  ownedNamespaces?: ReadonlySet<string>;
}

const number = (ops: Draft[]): Op[] => ops.map((o, i) => ({ ...o, index: i + 1 }));

/**
 * What `up` does: undo what the last run applied and this script no longer produces (first,
 * newest first), then every op of the script not already in effect, numbered from 1 in
 * execution order. Pure: reads the topology, a live snapshot and the project state.
 */
export function plan(desired: AddressedTopology, live: LiveState, ctx: PlanContext): { ops: Op[]; diagnostics: Diagnostic[] } {
  const derived = deriveOps(desired, { project: ctx.project, previous: ctx.previous, live, ...(ctx.hostGateway ? { hostGateway: ctx.hostGateway } : {}) });
  const diagnostics = [...derived.diagnostics];
  const wanted = new Set(derived.ops.map((o) => opKey(o)));
  const appliedKeys = new Set(ctx.previous.applied.map((o) => opKey(o)));

  const stale = ctx.previous.applied.filter((o) => !wanted.has(opKey(o))).reverse();
  const removal = undoOps(stale, live, ctx.project);

  const foreign = foreignDevices(derived.ops, live, ctx.project);
  const owned = ctx.ownedNamespaces ?? new Set(ctx.previous.applied.flatMap((o) => (o.effect.k === "netns" ? [o.effect.name] : [])));
  // the world once the removals have run, with what the kernel takes away along with them
  const goneLinks: Effect[] = [...removal.gone].map((k) => {
    const [ns, name] = k.split("\0") as [string, string];
    return { k: "link-del", ns, name };
  });
  const after = afterRemovals(live, [...removal.ops.map((o) => o.effect), ...goneLinks]);
  // links this run creates (again): what was set on their old selves is gone with them
  const fresh = new Set(
    derived.ops.flatMap((o) =>
      o.effect.k === "link" && !effectPresent(o.effect, after, ctx.project) ? linkEnds(o.effect).map((x) => `${x.ns}\0${x.name}`) : [],
    ),
  );
  const keep = derived.ops.filter((op) => {
    const e = op.effect;
    if (touches(e, foreign)) return false;
    if (e.k === "alias" && e.dev === "lo" && live.namespaces.includes(e.ns) && !owned.has(e.ns)) return false;
    if (e.k === "nft" || e.k === "service") return !appliedKeys.has(opKey(op)) || touches(e, removal.gone);
    // hairpin, when live does not say: applied before stays applied unless its port is new
    if (e.k === "hairpin" && findLink(after, e.ns, e.dev)?.hairpin === undefined)
      return !appliedKeys.has(opKey(op)) || touches(e, removal.gone) || fresh.has(`${e.ns}\0${e.dev}`);
    // an uplink's (or existing bridge's) admin state is changed only when live shows it otherwise
    if (e.k === "updown" && isUplink(desired, e.ns, e.dev)) {
      const l = findLink(after, e.ns, e.dev);
      return l !== undefined && l.up !== e.up;
    }
    // `down DEV` on a link of ours: only one that is there, up, and not made afresh (a new
    // link is born down)
    if (e.k === "updown" && !e.up) return findLink(after, e.ns, e.dev)?.up === true && !fresh.has(`${e.ns}\0${e.dev}`);
    return !effectPresent(e, after, ctx.project) || touches(e, removal.gone);
  });

  for (const op of keep)
    if (op.effect.k === "sysctl" && op.inverse === null && op.undoneWith === undefined)
      diagnostics.push(planDiag("NS592", op.span ?? desiredSpan(desired), { key: op.effect.key, ns: op.effect.ns }));
  return { ops: number([...removal.ops, ...keep]), diagnostics };
}

const uplinks = new WeakMap<AddressedTopology, Set<string>>();
function isUplink(t: AddressedTopology, ns: string, dev: string): boolean {
  let set = uplinks.get(t);
  if (!set) uplinks.set(t, (set = new Set(t.devices.filter(isForeignDevice).map((d) => `${d.ns}\0${d.name}`))));
  return set.has(`${ns}\0${dev}`);
}

function desiredSpan(t: AddressedTopology) {
  return t.namespaces[0]?.span ?? { file: "<nsnet>", start: { offset: 0, line: 1, column: 1 }, end: { offset: 0, line: 1, column: 1 } };
}

/**
 * What `down` does: the inverse of every applied op, newest first, skipping those whose
 * effect is already gone (links only while live still shows this project's alias), sysctls
 * restored to the values nsnet found, namespaces deleted last.
 */
export function planDown(previous: ProjectState, live: LiveState): Op[] {
  return number(undoOps([...previous.applied].reverse(), live, previous.project).ops);
}

/**
 * The sysctls the plan may set whose current value the caller must read into
 * `live.sysctls` first, so their ops carry an inverse. Keys in namespaces nsnet creates, or
 * about links it creates, are not needed: they vanish with the namespace or the link.
 */
export function sysctlKeysNeeded(desired: AddressedTopology): { ns: string; key: string }[] {
  const owned = new Set(desired.namespaces.map((n) => n.name).filter((n) => n !== HOST));
  return wantedSysctls(desired)
    .filter((w) => !owned.has(w.ns) && !w.ownDevice)
    .map((w) => ({ ns: w.ns, key: w.key }));
}
