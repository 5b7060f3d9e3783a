import type { LiveState } from "../model/live.js";
import type { NetnsIdentity } from "../model/state.js";
import { ownerAlias } from "../model/state.js";
import { HOST } from "../model/topology.js";
import type { Effect } from "../plan/effect.js";
import type { Op } from "../plan/op.js";
import { render } from "../plan/render.js";
import { tableName } from "../plan/nft.js";
import type { Runner } from "./runner.js";
import { readLive } from "./live.js";
import { identitiesOf, namespaceVerdict, type Owner } from "./ownership.js";
import { netnsIdentity, sameNetns } from "./proc.js";
import { describeService, findMarkedServices } from "./services.js";
import { runUndo, type UndoFailure, type UndoStep } from "./undo.js";

/**
 * What the kernel itself says is a project's, with no state file at all: links with
 * `alias nsnet:<project>`, namespaces whose `lo` carries that alias, and services whose
 * environment holds NSNET_SERVICE=<project>:… (session leaders running in the host or in
 * one of those namespaces). `down` sweeps these after undoing what the state lists, so a
 * lost or corrupt state directory orphans nothing that is marked — and nothing unmarked,
 * or marked by another project, is ever touched.
 *
 * Not findable this way (no mark exists for them): sysctl values to restore, and host
 * routes or proxy-neighbour entries on links nsnet did not create (an uplink). The host's
 * nft table `nsnet_<project>` is reported, not deleted: project names that differ only in
 * `-` and `_` share a table name, so the name alone does not prove whose it is.
 */

/** Namespaces whose lo carries the project's mark. */
export function markedNamespaces(live: LiveState, project: string): string[] {
  const mark = ownerAlias(project);
  const marked = new Set(live.links.filter((l) => l.name === "lo" && l.alias === mark).map((l) => l.ns));
  return live.namespaces.filter((ns) => marked.has(ns));
}

export interface SweepReport {
  undone: number;
  skipped: string[];
  left: UndoFailure[];
  /** found but not removed, with the command that would (the host's nft table) */
  notes: string[];
}

function sweepOp(effect: Effect, summary: string): Op {
  return { ...render(effect), index: 0, phase: "host", summary, effect, inverse: null };
}

const step = (effect: Effect, summary: string, service?: UndoStep["service"]): UndoStep => ({
  op: sweepOp(effect, summary),
  effect,
  step: render(effect),
  ...(service ? { service } : {}),
});

/**
 * Remove everything marked as the project's. `recorded`: namespace identities from the
 * state (a namespace on record must still match it); `skip`: namespaces already judged
 * and reported by the state-driven undo.
 */
export async function sweepMarked(
  runner: Runner,
  project: string,
  opts: { recorded?: Readonly<Record<string, NetnsIdentity>>; reported?: ReadonlySet<string> } = {},
): Promise<SweepReport> {
  const live = await readLive(runner);
  const mark = ownerAlias(project);
  const recorded = opts.recorded ?? {};
  const skipped: string[] = [];
  const notes: string[] = [];

  const namespaces = markedNamespaces(live, project);
  const current = await identitiesOf(namespaces);
  const impostor = (ns: string) => recorded[ns] !== undefined && !sameNetns(recorded[ns], current[ns]);

  // services: marked leaders in the host or in one of our marked namespaces
  const home = new Map<string, NetnsIdentity | null>([
    [HOST, await netnsIdentity(HOST)],
    ...namespaces.filter((n) => !impostor(n)).map((n) => [n, current[n] ?? null] as const),
  ]);
  const steps: UndoStep[] = [];
  for (const s of await findMarkedServices(project)) {
    const ns = [...home].find(([, id]) => sameNetns(id, s.netns))?.[0];
    const rec = { ns: ns ?? "?", argv: [], ...s };
    if (ns === undefined) skipped.push(`${describeService(rec)} marked ${s.mark}: it runs in a namespace that is not this project's`);
    else steps.push(step({ k: "service-stop", ns, argv: [] }, `stop service marked ${s.mark} (pid ${s.pid})`, rec));
  }

  // links with our mark outside the namespaces about to go (those go with them)
  const going = new Set(namespaces.filter((n) => !impostor(n)));
  for (const l of live.links) {
    if (l.alias !== mark || l.name === "lo" || going.has(l.ns)) continue;
    steps.push(step({ k: "link-del", ns: l.ns, name: l.name }, `remove ${l.ns === HOST ? "" : `${l.ns}:`}${l.name} (marked ${mark})`));
  }

  // namespaces: marked, the one on record if there is a record, and holding no one else's link
  const owner: Owner = { project, live, recorded, current };
  for (const ns of namespaces) {
    if (opts.reported?.has(ns)) continue;
    const v = impostor(ns) ? `namespace ${ns} (not the one nsnet created: deleted and made again since)` : namespaceVerdict(ns, owner, [], true);
    if (v === "run") steps.push(step({ k: "netns-del", name: ns }, `delete namespace ${ns} (marked ${mark})`));
    else if (v !== "gone") skipped.push(v);
  }

  const left = await runUndo(runner, steps, skipped);
  const table = await hostTable(runner, project);
  if (table) notes.push(`the host's nft table ${table} may be this project's: delete it with \`nft delete table ${table}\` if so`);
  return { undone: steps.length - left.length, skipped, left, notes };
}

/**
 * Whether the kernel shows anything marked as the project's (a link or a namespace's lo with
 * its alias, a service with its NSNET_SERVICE, its host nft table): what `down` of a project
 * with no state directory asks before it makes one — with nothing marked there is nothing
 * to do, and nothing is written.
 */
export async function anyMarked(runner: Runner, project: string): Promise<boolean> {
  const mark = ownerAlias(project);
  if ((await readLive(runner)).links.some((l) => l.alias === mark)) return true;
  if ((await findMarkedServices(project)).length > 0) return true;
  return (await hostTable(runner, project)) !== null;
}

/** The project's nft table in the host, if one exists ("inet nsnet_x"). */
async function hostTable(runner: Runner, project: string): Promise<string | null> {
  const r = await runner.run(["nft", "list", "tables"]);
  if (r.exitCode !== 0) return null;
  const name = tableName(project);
  const hit = r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .find((w) => w[0] === "table" && w[2] === name);
  return hit ? `${hit[1]} ${name}` : null;
}

/** A live service of ours for this mark, for `up` to adopt instead of starting a second one. */
export async function adoptableService(project: string, mark: string, ns: string): Promise<{ pid: number; startTime: string; netns: NetnsIdentity } | null> {
  const want = await netnsIdentity(ns);
  if (!want) return null;
  const found = (await findMarkedServices(project)).find((s) => s.mark === mark && sameNetns(s.netns, want));
  return found ? { pid: found.pid, startTime: found.startTime, netns: want } : null;
}
