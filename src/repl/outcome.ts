/**
 * How one piece of REPL input ended, and what piped mode exits with: the most serious
 * outcome of any input, with the codes `nsnet up` uses for the same outcomes.
 *   0 every input succeeded
 *   5 an `expect` failed (what was applied stays applied)
 *   1 an input was refused (a check error, an unknown command, a command that exited non-zero)
 *   3 an apply failed and was rolled back
 *   4 an apply failed and its rollback was incomplete
 */
export type Outcome = "ok" | "expect-failed" | "refused" | "rolled-back" | "rollback-incomplete";

const ORDER: readonly Outcome[] = ["ok", "expect-failed", "refused", "rolled-back", "rollback-incomplete"];

export const EXIT_STATUS: Record<Outcome, number> = {
  ok: 0,
  "expect-failed": 5,
  refused: 1,
  "rolled-back": 3,
  "rollback-incomplete": 4,
};

export function worse(a: Outcome, b: Outcome): Outcome {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

/** true → ok, false → refused */
export function outcomeOf(ok: boolean): Outcome {
  return ok ? "ok" : "refused";
}
