import type { LiveLink, LiveState } from "../model/live.js";
import { byNs, groupOf } from "../model/group.js";
import type { NetnsIdentity } from "../model/state.js";
import { ownerAlias } from "../model/state.js";
import type { OpStep } from "../plan/op.js";
import type { Effect } from "../plan/effect.js";
import { netnsIdentity, sameNetns } from "./proc.js";

/**
 * What nsnet may remove: only what it can prove it made.
 * - A link: it carries our alias `nsnet:<project>`; or, for an op a crashed run sent but
 *   never confirmed, it has no alias and did not exist before that run began (the crash
 *   may have come between `link add` and `link set … alias`).
 * - A namespace: its identity (inode and device of /run/netns/NAME) is the one recorded
 *   when nsnet created it, and every link in it is ours — or is a device our own undo
 *   moves out first. A namespace someone deleted and re-created under the same name, or one
 *   another project has put a link into, is left alone, and the reason is reported.
 */
export interface Owner {
  project: string;
  live: LiveState;
  /** identities recorded when the namespaces were created (state and journal) */
  recorded: Readonly<Record<string, NetnsIdentity>>;
  /** identities read just now, for the namespaces about to be deleted */
  current: Readonly<Record<string, NetnsIdentity | null>>;
  /** "ns:name" of links present before an unconfirmed op ran */
  preexistingLinks?: ReadonlySet<string>;
  preexistingNs?: ReadonlySet<string>;
}

export interface UndoCandidate {
  op: { effect: Effect };
  confirmed: boolean;
}

/** "run" the step, "gone" (nothing to undo), or why the object is left alone. */
export type Verdict = "run" | "gone" | string;

/** The live links of a namespace (grouped once per snapshot: a down of N namespaces asks
 *  about each). */
function linksIn(live: LiveState, ns: string): readonly LiveLink[] {
  return groupOf(byNs, live.links, ns);
}

export function linkVerdict(ns: string, name: string, who: Owner, confirmed: boolean): Verdict {
  const l = linksIn(who.live, ns).find((x) => x.name === name);
  if (!l) return "gone";
  if (l.alias === ownerAlias(who.project)) return "run";
  if (!confirmed && l.alias === undefined && !who.preexistingLinks?.has(`${ns}:${name}`)) return "run";
  return `${ns}:${name} (alias ${l.alias === undefined ? "none" : JSON.stringify(l.alias)})`;
}

type OwnDevices = { moved: Set<string>; created: Set<string> };
const NONE: OwnDevices = { moved: new Set(), created: new Set() };
const ownIndex = new WeakMap<readonly UndoCandidate[], Map<string, OwnDevices>>();

/** Devices our own ops moved into (or created in) namespace `ns`, by name (indexed once per
 *  list of ops, for the same reason as linksIn). */
function ownDevicesIn(ns: string, ops: readonly UndoCandidate[]): OwnDevices {
  let byNs = ownIndex.get(ops);
  if (!byNs) {
    const index = new Map<string, OwnDevices>();
    const at = (n: string) => {
      let d = index.get(n);
      if (!d) index.set(n, (d = { moved: new Set(), created: new Set() }));
      return d;
    };
    for (const { op } of ops) {
      const e = op.effect;
      if (e.k === "move") at(e.ns).moved.add(e.name);
      if (e.k === "link") {
        at(e.ns).created.add(e.name);
        if (e.kind === "veth") at(e.peer.ns).created.add(e.peer.name);
      }
    }
    ownIndex.set(ops, index);
    byNs = index;
  }
  return byNs.get(ns) ?? NONE;
}

/** A link in one of our namespaces that stops its deletion. Ours: lo, anything with our
 *  alias, a device our undo moves back out, and an unmarked link of a name our own ops
 *  created there (a veth's far end made before marks existed on both ends, or a crash
 *  before the mark) that did not exist before. Any other mark, or an unmarked stranger, is
 *  someone else's. */
function foreignLink(l: LiveLink, who: Owner, own: OwnDevices): boolean {
  if (l.name === "lo" || l.alias === ownerAlias(who.project) || own.moved.has(l.name)) return false;
  return !(l.alias === undefined && own.created.has(l.name) && !who.preexistingLinks?.has(`${l.ns}:${l.name}`));
}

export function namespaceVerdict(name: string, who: Owner, ops: readonly UndoCandidate[], confirmed: boolean): Verdict {
  if (!who.live.namespaces.includes(name)) return "gone";
  if (!confirmed && who.preexistingNs?.has(name)) return `namespace ${name} (existed before)`;
  const recorded = who.recorded[name];
  if (recorded && !sameNetns(recorded, who.current[name])) {
    return `namespace ${name} (not the one nsnet created: deleted and made again since)`;
  }
  // no identity on record (an older or damaged state): only our mark on its lo proves it ours
  const inside = linksIn(who.live, name);
  const lo = inside.find((l) => l.name === "lo");
  if (!recorded && confirmed && lo?.alias !== ownerAlias(who.project)) {
    return `namespace ${name} (no identity on record and no mark of this project on its lo: not provably ours)`;
  }
  const own = ownDevicesIn(name, ops);
  const foreign = inside.filter((l) => foreignLink(l, who, own));
  if (foreign.length) {
    const what = foreign.map((l) => `${l.name} (alias ${l.alias === undefined ? "none" : JSON.stringify(l.alias)})`).join(", ");
    return `namespace ${name} (holds links that are not this project's: ${what}; kept on record for a later down)`;
  }
  return "run";
}

/** The verdict on running an inverse: ownership matters for deletions of links and namespaces. */
export function undoVerdict(u: { step: OpStep; effect: Effect }, who: Owner, ops: readonly UndoCandidate[], confirmed: boolean): Verdict {
  // inside a namespace that is not the one we made, nothing is ours (its own verdict says why)
  const step = u.step;
  const home = who.recorded[step.ns];
  if (home && who.live.namespaces.includes(step.ns) && who.current[step.ns] !== undefined && !sameNetns(home, who.current[step.ns])) return "gone";
  const e = u.effect;
  if (e.k === "link-del") return linkVerdict(e.ns, e.name, who, confirmed);
  if (e.k === "netns-del") return namespaceVerdict(e.name, who, ops, confirmed);
  return "run";
}

/** Current identities of the namespaces these steps delete: a stat each, all at once (a
 *  thousand one after the other took 75 ms of a re-apply). */
export async function identitiesOf(names: Iterable<string>): Promise<Record<string, NetnsIdentity | null>> {
  const unique = [...new Set(names)];
  const found = await Promise.all(unique.map((n) => netnsIdentity(n)));
  return Object.fromEntries(unique.map((n, i) => [n, found[i]!]));
}

/** Names of the namespaces a list of steps deletes. */
export function deletedNamespaces(steps: readonly { effect: Effect }[]): string[] {
  return steps.flatMap((s) => (s.effect.k === "netns-del" ? [s.effect.name] : []));
}

/** Names of the namespaces a list of ops creates. */
export function createdNamespaces(ops: readonly { effect: Effect }[]): string[] {
  return ops.flatMap((s) => (s.effect.k === "netns" ? [s.effect.name] : []));
}

/**
 * Namespaces on record whose name now belongs to another namespace (deleted and made
 * again since nsnet created it). Nothing inside them is ours any more.
 */
export async function impostorNamespaces(recorded: Readonly<Record<string, NetnsIdentity>>, live: LiveState): Promise<Set<string>> {
  const present = Object.keys(recorded).filter((n) => live.namespaces.includes(n));
  const current = await identitiesOf(present);
  return new Set(present.filter((n) => current[n] !== null && !sameNetns(recorded[n], current[n])));
}

/**
 * A plan's removals, minus those that would delete what is not provably ours: a namespace
 * that fails its verdict, and every op inside a namespace that is not ours any more.
 * Returns the ops to run (renumbered), what was left alone and why, and the opKeys of
 * applied ops to forget (they describe a namespace that is gone).
 */
export async function guardRemovals<T extends OpStep & { index: number; effect: Effect }>(
  ops: readonly T[],
  who: { project: string; live: LiveState; recorded: Readonly<Record<string, NetnsIdentity>>; applied: readonly (OpStep & { effect: Effect })[] },
): Promise<{ ops: T[]; skipped: string[]; forget: OpStep[] }> {
  const impostors = await impostorNamespaces(who.recorded, who.live);
  const owner: Owner = { ...who, current: await identitiesOf(deletedNamespaces(ops)) };
  const candidates = ops.map((op) => ({ op, confirmed: true }));
  const skipped = [...impostors].map((n) => `namespace ${n} (not the one nsnet created: deleted and made again since)`);
  const kept = ops.filter((op) => {
    if (impostors.has(op.ns)) return false;
    const e = op.effect;
    if (e.k !== "netns-del") return true;
    if (impostors.has(e.name)) return false;
    const v = namespaceVerdict(e.name, owner, candidates, true);
    if (v !== "run" && v !== "gone") skipped.push(v);
    return v === "run";
  });
  const forget = who.applied.filter((op) => impostors.has(op.ns) || (op.effect.k === "netns" && impostors.has(op.effect.name)));
  return { ops: kept.map((op, i) => ({ ...op, index: i + 1 })), skipped, forget };
}
