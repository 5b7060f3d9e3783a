import { diag } from "../diagnostics/codes.js";

/** The planner's findings (codes NS59x, in src/diagnostics/codes/plan.ts) are built like
 *  every other phase's, from the one catalog. */
export const planDiag = diag;
