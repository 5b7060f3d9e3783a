import type { LiveState } from "../model/live.js";
import { byNs, groupOf } from "../model/group.js";
import { opKey, ownerAlias, type ProjectState } from "../model/state.js";
import { HOST } from "../model/topology.js";
import { devicesTouched, sysctlDev, type Effect } from "../plan/effect.js";
import { SYSCTL_RESTORE_VALUE } from "../plan/inverse.js";
import { effectPresent } from "../plan/diff.js";
import type { UndoStep } from "./undo.js";

/**
 * What an undo read back from a state file or a journal may do outside what nsnet provably
 * owns. The file is data anything could have changed: reviveOp already refuses ops nsnet
 * never plans, and an inverse is always nsnet's own — but "an address on eth0", "the
 * default route", "ip_forward" are all ops nsnet plans for some script. So an undo step
 * that acts on the host (or in a namespace nsnet did not make) on a link without this
 * project's mark runs only when the script being taken down — or the one the state
 * records — plans that very op. A sysctl is restored only for a key nsnet could have set:
 * forwarding, a key of one of its own links, or a key that script names; and only with a
 * value of the form that key takes. Everything else is left alone and reported.
 */

/** The ops a script plans, as opKeys; or why no script could vouch for anything. */
export type ScriptPlan = { file: string; keys: ReadonlySet<string> } | { why: string };

/** Computes the ScriptPlan, called once when a step first needs it (compiling costs time):
 *  the state is the one being undone (its `script` is the recorded one). */
export type PlanSource = (ctx: { live: LiveState; state: ProjectState }) => Promise<ScriptPlan>;

/** Keys nsnet sets on the host for forwarding (nat, portmap, proxy ARP/NDP). */
const FORWARDING = new Set(["net.ipv4.ip_forward", "net.ipv4.conf.all.forwarding", "net.ipv6.conf.all.forwarding"]);

const ONE_BIT = /^[01]$/;
const INTEGERS = /^-?\d{1,20}(?:[ \t]+-?\d{1,20}){0,15}$/;

/** Whether an effect's undo step needs the judgement below (others have guards of their own:
 *  links and namespaces by their marks and identities, services by pid and start time, the
 *  nft table by its name). */
function judged(e: Effect): boolean {
  switch (e.k) {
    case "netns":
    case "netns-del":
    case "link":
    case "link-del":
    case "nft":
    case "nft-del":
    case "service":
    case "service-stop":
      return false;
    default:
      return true;
  }
}

export interface VouchContext {
  project: string;
  live: LiveState;
  /** namespaces this undo deletes: what is inside goes with them */
  deleting: ReadonlySet<string>;
  plan: () => Promise<ScriptPlan>;
}

/**
 * The steps to run and why the others are left alone. Steps that act inside one of this
 * project's namespaces (its lo carries the mark, or the undo deletes it) are not judged:
 * everything in there is ours.
 */
export async function vouchSteps(steps: readonly UndoStep[], ctx: VouchContext): Promise<{ run: UndoStep[]; skipped: string[] }> {
  const mark = ownerAlias(ctx.project);
  const ours = (ns: string, dev: string) => groupOf(byNs, ctx.live.links, ns).some((l) => l.name === dev && l.alias === mark);
  const ownPlace = (ns: string) => ns !== HOST && (ctx.deleting.has(ns) || ours(ns, "lo"));
  let plan: ScriptPlan | undefined;
  const planned = async (s: UndoStep): Promise<true | string> => {
    plan ??= await ctx.plan();
    if ("why" in plan) return plan.why;
    return plan.keys.has(opKey(s.op)) || `${plan.file} does not plan it`;
  };
  const run: UndoStep[] = [];
  const skipped: string[] = [];
  for (const s of steps) {
    const e = s.effect;
    const place = s.step.ns;
    if (!judged(e) || ownPlace(place)) {
      run.push(s);
      continue;
    }
    const where = place === HOST ? "host" : `namespace ${place}`;
    if (e.k === "sysctl") {
      const why = await sysctlProblem(e, s, { ours: (dev) => ours(place, dev), planned });
      if (why === null) run.push(s);
      else skipped.push(`sysctl ${e.key} on ${where} not restored to ${JSON.stringify(e.value)}: ${why}`);
      continue;
    }
    const devs = devicesTouched(e);
    if (devs.length > 0 && devs.every((d) => ours(place, d))) {
      run.push(s);
      continue;
    }
    // already undone (the link it was on was deleted, or taken down with its address): nothing
    // to judge and nothing to report
    const absent = (d: string) => !groupOf(byNs, ctx.live.links, place).some((l) => l.name === d);
    if (effectPresent(e, ctx.live, ctx.project) || (devs.length > 0 && devs.every(absent))) continue;
    const verdict = await planned(s);
    if (verdict === true) run.push(s);
    else skipped.push(`${s.op.summary} (${where}, on a link this project does not own): not undone, ${verdict}`);
  }
  return { run, skipped };
}

async function sysctlProblem(
  e: Extract<Effect, { k: "sysctl" }>,
  s: UndoStep,
  is: { ours: (dev: string) => boolean; planned: (s: UndoStep) => Promise<true | string> },
): Promise<string | null> {
  if (FORWARDING.has(e.key)) return ONE_BIT.test(e.value) ? null : "forwarding is 0 or 1";
  const dev = sysctlDev(e.key);
  if (dev !== undefined && is.ours(dev)) return INTEGERS.test(e.value) ? null : "a key of a link takes numbers";
  if (!SYSCTL_RESTORE_VALUE.test(e.value)) return "not a value nsnet restores (numbers and short words only)";
  const verdict = await is.planned(s);
  return verdict === true ? null : `not a key nsnet could have set here (${verdict})`;
}
