import type { ServiceRecord } from "../model/state.js";
import type { Effect } from "../plan/effect.js";
import type { Op, OpStep } from "../plan/op.js";
import { render } from "../plan/render.js";

/** One inverse to run. Its own module so that teardown.ts, which undo.ts calls, need not import undo.ts. */
export interface UndoStep {
  op: Op;
  /** the inverse to apply, and its rendering */
  effect: Effect;
  step: OpStep;
  /** for services: the process to stop (only once proven to be the one nsnet started) */
  service?: ServiceRecord;
}

export function undoStep(op: Op, effect: Effect, service?: ServiceRecord): UndoStep {
  return { op, effect, step: render(effect), ...(service !== undefined ? { service } : {}) };
}
