import { HOST } from "../model/topology.js";
import { isDeepStrictEqual } from "node:util";
import { ownerAlias } from "../model/state.js";
import { validateSysctlValue } from "../model/names.js";
import type { Op, OpStep, Phase } from "./op.js";
import { PHASES } from "./op.js";
import { UNDONE_WITH, nftFamilies, type Effect, type UndoneWith } from "./effect.js";
import { effectOf, wellFormed } from "./read.js";
import { render } from "./render.js";
import { tableName } from "./nft-table.js";

/**
 * Inverses. nsnet computes the inverse of an op from its effect — when it plans the op, and
 * again when it reads the op back from a state file or a journal: what a file says the
 * inverse is never becomes a command. An op read back must itself be one nsnet could have
 * planned (reviveOp), so its undo is the one nsnet would have planned with it.
 */

export class NotNsnetOpError extends Error {}

/**
 * What an original sysctl value must look like for nsnet to write it back: numbers and short
 * words (`1`, `4096\t87380\t6291456`, `fq_codel`) — never a line break, a pipe, a path or
 * a shell word. Originals come from state files too, where anything may have put anything
 * (`|/tmp/x` into kernel.core_pattern runs a program as root at the next crash); a key
 * whose original has another form is not restored (the plan says so: NS592).
 */
export const SYSCTL_RESTORE_VALUE = /^[A-Za-z0-9_.:,+=@%-]{1,64}(?:[ \t]{1,4}[A-Za-z0-9_.:,+=@%-]{1,64}){0,15}$/;

export interface InverseContext {
  project: string;
  /** sysctl values found before nsnet changed them: ns → key → value */
  originals: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

/**
 * The inverse of an effect, or null when it cannot be computed from the effect alone: an
 * alias (it goes with its link), a sysctl whose original value is unknown, and removals
 * whose object the effect does not describe (a link, a bridge master, a ruleset) — their
 * inverse is the op they undid, which the plan records with them.
 */
export function inverseOf(e: Effect, ctx: InverseContext): Effect | null {
  switch (e.k) {
    case "netns":
      return { k: "netns-del", name: e.name };
    case "netns-del":
      return { k: "netns", name: e.name };
    case "link":
      return { k: "link-del", ns: e.ns, name: e.name };
    case "move":
      return { k: "move", fromNs: e.ns, from: e.name, ns: e.fromNs, name: e.from };
    case "master":
      return e.master === null ? null : { k: "master", ns: e.ns, dev: e.dev, master: null };
    case "updown":
      return { ...e, up: !e.up };
    case "hairpin":
      return { ...e, on: !e.on };
    case "addr":
    case "proxy":
      return { ...e, add: !e.add };
    case "route": {
      const r: Extract<Effect, { k: "route" }> = { k: "route", ns: e.ns, dst: e.dst, add: !e.add };
      if (e.via !== undefined) r.via = e.via;
      if (e.dev !== undefined) r.dev = e.dev;
      return r;
    }
    case "sysctl": {
      const orig = ctx.originals[e.ns]?.[e.key];
      return orig !== undefined && validateSysctlValue(orig) === null && SYSCTL_RESTORE_VALUE.test(orig) ? { ...e, value: orig } : null;
    }
    case "nft":
      return { k: "nft-del", ns: e.ns, table: e.table, families: nftFamilies(e) };
    case "service":
      return { k: "service-stop", ns: e.ns, argv: e.argv };
    case "service-stop":
      return { k: "service", ns: e.ns, argv: e.argv };
    case "alias":
    case "mtu":
    case "hwaddr":
    case "link-del":
    case "nft-del":
      return null;
  }
}

/** Effects nsnet applies only as the undo of another op: never in a state's applied list. */
export function isRemoval(e: Effect): boolean {
  switch (e.k) {
    case "netns-del":
    case "link-del":
    case "nft-del":
    case "service-stop":
      return true;
    case "master":
      return e.master === null;
    case "hairpin":
      return !e.on;
    case "addr":
    case "route":
    case "proxy":
      return !e.add;
    default:
      return false;
  }
}

/**
 * The inverse to keep for an op: the computed one, except that a recorded inverse is taken
 * when it is an op whose own inverse is this very effect — how a removal remembers what it
 * removed (the link's kind, the route's onlink, the ruleset).
 */
export function chooseInverse(e: Effect, recorded: Effect | null, ctx: InverseContext): Effect | null {
  if (recorded && isDeepStrictEqual(inverseOf(recorded, ctx), e)) return recorded;
  return inverseOf(e, ctx);
}

/** A recorded effect (or an old text step) if it is exactly one nsnet renders, else null. */
export function asEffect(v: unknown): Effect | null {
  if (typeof v !== "object" || v === null) return null;
  if ("tool" in v) {
    const step = asStep(v);
    return step ? effectOf(step) : null;
  }
  try {
    const e = v as Effect;
    if (!wellFormed(e)) return null;
    const back = effectOf(render(e));
    return back && isDeepStrictEqual(back, v) ? back : null;
  } catch {
    return null;
  }
}

const TOOLS = new Set(["ip", "sysctl", "nft", "service"]);

function asStep(v: unknown): OpStep | null {
  if (typeof v !== "object" || v === null) return null;
  const s = v as Record<string, unknown>;
  if (typeof s.tool !== "string" || !TOOLS.has(s.tool) || typeof s.ns !== "string" || typeof s.text !== "string") return null;
  return { tool: s.tool as OpStep["tool"], ns: s.ns, text: s.text };
}

/** What in an effect nsnet only ever writes for its own project. */
function ownedBy(e: Effect, project: string): string | null {
  if (e.k === "alias" && e.alias !== ownerAlias(project)) return `nsnet marks links only with its own alias ${ownerAlias(project)}`;
  if ((e.k === "nft" || e.k === "nft-del") && e.table !== tableName(project)) return `nsnet writes only its own table ${tableName(project)}`;
  // the checker refuses machine-wide keys inside a namespace (they would change the host)
  if (e.k === "sysctl" && e.ns !== HOST && !e.key.startsWith("net.")) return `nsnet sets only net.* keys inside a namespace, not ${e.key}`;
  return null;
}

function inferUndoneWith(e: Effect, summary: string): UndoneWith {
  if (/moving it back/.test(summary)) return "move-back";
  if (/undone with the namespace/.test(summary) || (e.k === "updown" && e.dev === "lo")) return "namespace";
  return "link";
}

export interface ReviveContext extends InverseContext {
  /** a journal holds the removals a plan ran; a state's applied list never does */
  removals: boolean;
}

/**
 * An op as read from a state file or journal: its text must be exactly what nsnet renders
 * (an op carrying an effect must render to its own text), its names nsnet's, its marks and
 * table the project's; the inverse is chosen as nsnet would. Ops of older versions, stored
 * as text only, get their effect from the text; one they stored without an inverse keeps
 * none (not undoing it can only leave something behind, never remove what is not ours).
 * Throws NotNsnetOpError for anything else.
 */
export function reviveOp(raw: unknown, ctx: ReviveContext): Op {
  const step = asStep(raw);
  if (!step) throw new NotNsnetOpError("malformed op");
  const r = raw as Partial<Record<keyof Op, unknown>>;
  const effect = effectOf(step);
  if (!effect) throw new NotNsnetOpError(`${step.tool} text nsnet never writes: ${JSON.stringify(step.text.slice(0, 80))}`);
  if (r.effect !== undefined && !isDeepStrictEqual(r.effect, effect)) throw new NotNsnetOpError("its effect and its text disagree");
  const notOurs = ownedBy(effect, ctx.project);
  if (notOurs) throw new NotNsnetOpError(notOurs);
  if (!ctx.removals && isRemoval(effect)) throw new NotNsnetOpError("a removal is never an applied op");
  if (typeof r.index !== "number" || !Number.isInteger(r.index) || !PHASES.includes(r.phase as Phase)) throw new NotNsnetOpError("malformed op");
  let undoneWith: UndoneWith | undefined;
  if (UNDONE_WITH.includes(r.undoneWith as UndoneWith)) undoneWith = r.undoneWith as UndoneWith;
  else if (r.effect === undefined && r.inverse === null) undoneWith = inferUndoneWith(effect, String(r.summary ?? ""));
  const recorded = r.inverse === undefined || r.inverse === null ? null : asEffect(r.inverse);
  const op: Op = {
    ...step,
    index: r.index,
    phase: r.phase as Phase,
    summary: typeof r.summary === "string" ? r.summary : step.text,
    effect,
    inverse: undoneWith ? null : chooseInverse(effect, recorded, ctx),
  };
  if (undoneWith) op.undoneWith = undoneWith;
  if (r.span !== undefined) op.span = r.span as Op["span"];
  return op;
}
