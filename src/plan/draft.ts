import type { Span } from "../model/span.js";
import type { Op, Phase } from "./op.js";
import type { Effect, UndoneWith } from "./effect.js";
import { render } from "./render.js";
import { inverseOf, type InverseContext } from "./inverse.js";

/** An op before numbering. */
export type Draft = Omit<Op, "index">;

export interface DraftOptions {
  span?: Span;
  /** the op has no inverse of its own (say so in the summary too) */
  undoneWith?: UndoneWith;
}

/** An op from its effect: rendered, its inverse computed (never written by hand). */
export function draft(phase: Phase, effect: Effect, summary: string, inv: InverseContext, opts: DraftOptions = {}): Draft {
  const d: Draft = { ...render(effect), phase, summary, effect, inverse: opts.undoneWith ? null : inverseOf(effect, inv) };
  if (opts.undoneWith) d.undoneWith = opts.undoneWith;
  if (opts.span) d.span = opts.span;
  return d;
}
