import type { LiveState } from "../model/live.js";
import type { Op } from "../plan/op.js";
import { placeOf } from "../plan/effect.js";
import { effectPresent, findLink } from "../plan/diff.js";

/**
 * What a rollback must put back besides the inverses: committed ops (the project's state
 * before the transaction) whose effect was in the world before it and is not now, because
 * an op took it along without being asked — a route with the last address of its link, the
 * addresses and routes of a link set down or moved away, everything in a namespace deleted
 * and then made again by the undo. They are applied again in the order they first were.
 * nft rulesets are not in LiveState: those of a namespace that was deleted and made again
 * are applied again (applying a ruleset replaces the table, so this is safe either way).
 */
export function lostOps(
  committed: readonly Op[],
  before: LiveState,
  now: LiveState,
  opts: { project: string; places: ReadonlySet<string>; recreated: ReadonlySet<string> },
): Op[] {
  return committed.filter((op) => {
    const e = op.effect;
    if (!opts.places.has(placeOf(e)) || !("ns" in e ? opts.places.has(e.ns) : true)) return false;
    if (e.k === "nft") return opts.recreated.has(e.ns);
    if (op.tool !== "ip" && op.tool !== "sysctl") return false;
    // a link counts as there by name: re-creating one that exists could only fail
    if (e.k === "link") return effectPresent(e, before, opts.project) && findLink(now, e.ns, e.name) === undefined;
    return effectPresent(e, before, opts.project) && !effectPresent(e, now, opts.project);
  });
}

/** Namespaces the executed ops deleted that exist again now (the undo made them again). */
export function recreatedNamespaces(executed: readonly Op[], now: LiveState): Set<string> {
  return new Set(executed.flatMap((o) => (o.effect.k === "netns-del" && now.namespaces.includes(o.effect.name) ? [o.effect.name] : [])));
}
