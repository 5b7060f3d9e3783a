import { tokenMatcher, type IToken } from "chevrotain";
import { LAngle, LBracket, LParen, Minus, RAngle, RBracket, RParen } from "./tokens.js";

/**
 * The parser's size limits (README "Decisions and limits"). Chevrotain's parser and the
 * AST builder recurse once per level of nesting — brackets, parentheses, blocks, a run of
 * unary `-`, and `${…}` within a string within `${…}` — and so do the expander, the
 * evaluator and the formatter after them: 400 nested `[` overflowed the stack (exit 70, a
 * RangeError). 100 levels is far beyond any real script and far inside the stack of every
 * phase (test/property/limits.test.ts runs them all at the limit). Parsing costs about a
 * kilobyte a token: MAX_TOKENS keeps one file's parse inside the memory budget.
 */
export const MAX_NESTING = 100;
export const MAX_TOKENS = 500_000;

export interface ParseLimits {
  maxNesting?: number;
  maxTokens?: number;
}

/**
 * The first token whose nesting passes `max` (counting from `base`, the depth of the text
 * these tokens were lexed from), or null. Records in `depthAt` the depth of every token that
 * may hold `${…}`: its inside is lexed and parsed on its own, one level deeper.
 */
export function tooDeep(tokens: readonly IToken[], base: number, max: number, depthAt: Map<IToken, number>): IToken | null {
  // `- - [ - (1) ]`: the unary rule recurses once per sign, and the signs before a bracket
  // stay on the stack for as long as it is open: each open level remembers its run
  const open: number[] = [];
  let held = 0;
  let signs = 0;
  for (const t of tokens) {
    let d: number;
    if (tokenMatcher(t, LAngle) || tokenMatcher(t, LParen) || tokenMatcher(t, LBracket)) {
      open.push(signs);
      held += signs;
      signs = 0;
      d = base + open.length + held;
    } else if (tokenMatcher(t, RAngle) || tokenMatcher(t, RParen) || tokenMatcher(t, RBracket)) {
      held -= open.pop() ?? 0;
      signs = 0;
      d = base + open.length + held;
    } else if (tokenMatcher(t, Minus)) {
      signs++;
      d = base + open.length + held + signs;
    } else {
      // an operand is as deep as the signs before it (a string's `${…}` is built in there)
      d = base + open.length + held + signs;
      signs = 0;
    }
    if (d > max) return t;
    if (t.image.includes("${")) depthAt.set(t, d);
  }
  return null;
}

/** A stack overflow, whatever its wording: the last line of defence turns one into NS113. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
