import { EOF, tokenMatcher, type IParserErrorMessageProvider, type IToken, type TokenType } from "chevrotain";
import { Newline } from "./tokens.js";

/**
 * Chevrotain's messages rephrased: each says only what was expected; the catalog's NS101
 * adds what was found. Long alternative lists are cut (a statement start expects ~30
 * keywords; listing them all helps nobody).
 */
export function describeToken(t: IToken | undefined): string {
  if (!t || tokenMatcher(t, EOF)) return "end of input";
  if (tokenMatcher(t, Newline)) return "end of line";
  return `'${t.image.length > 30 ? t.image.slice(0, 27) + "..." : t.image}'`;
}

function label(t: TokenType): string {
  if (t === EOF) return "end of input";
  return t.LABEL ?? t.name;
}

function summarise(labels: string[]): string {
  const uniq = [...new Set(labels)];
  if (uniq.length > 6) return uniq.slice(0, 5).join(", ") + ", …";
  if (uniq.length <= 1) return uniq[0] ?? "something else";
  return uniq.slice(0, -1).join(", ") + " or " + uniq[uniq.length - 1];
}

const STATEMENT_RULES = new Set(["statement", "script", "block"]);

export const errorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected }) {
    return label(expected);
  },
  buildNotAllInputParsedMessage() {
    return "end of input";
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, ruleName }) {
    if (STATEMENT_RULES.has(ruleName)) return "a statement (ns, host, bridge, addr, …)";
    return summarise(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => (path[0] ? label(path[0]) : "end of statement"))));
  },
  buildEarlyExitMessage({ expectedIterationPaths }) {
    return summarise(expectedIterationPaths.map((path) => (path[0] ? label(path[0]) : "end of statement")));
  },
};
