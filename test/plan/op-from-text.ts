import type { Op, OpStep, Phase } from "../../src/plan/op.js";
import { effectOf } from "../../src/plan/read.js";
import type { Effect, UndoneWith } from "../../src/plan/effect.js";
import { render } from "../../src/plan/render.js";

/** The effect of a text nsnet renders (tests write ops as the text they know by heart). */
export function effectFrom(step: OpStep): Effect {
  const e = effectOf(step);
  if (!e) throw new Error(`test: not a text nsnet renders: ${step.tool} ${step.ns}: ${step.text}`);
  return e;
}

/** An op from its text; `inverse` (in the same place unless it says otherwise) likewise. */
export function opFromText(
  index: number,
  phase: Phase,
  ns: string,
  text: string,
  opts: { tool?: Op["tool"]; inverse?: string | null | OpStep; undoneWith?: UndoneWith } = {},
): Op {
  const tool = opts.tool ?? "ip";
  const inv = opts.inverse ?? null;
  const op: Op = {
    index,
    phase,
    tool,
    ns,
    text,
    summary: text,
    effect: effectFrom({ tool, ns, text }),
    inverse: inv === null ? null : effectFrom(typeof inv === "string" ? { tool, ns, text: inv } : inv),
  };
  if (opts.undoneWith) op.undoneWith = opts.undoneWith;
  return op;
}

/** An op from its effect, rendered. */
export function opFromEffect(index: number, phase: Phase, effect: Effect, inverse: Effect | null = null): Op {
  return { ...render(effect), index, phase, summary: render(effect).text, effect, inverse };
}
