import { Lexer, type ILexingError, type ILexingResult, type IToken, type TokenType } from "chevrotain";

/**
 * nsnet's lexers: chevrotain's lexing loop over nsnet's token types, without the set-up
 * chevrotain's Lexer does each time it is built (~12 ms of every start, docs/startup.md):
 * the token types already say which characters each can start with (start_chars_hint) and
 * whether it spans lines (line_breaks), so nothing is left to analyse. What it does is what
 * chevrotain's Lexer does with those types — the tokens it makes (every field), the groups,
 * the line and column counting, the error recovery and its messages — and a test holds the
 * two equal on every example, stdlib and fixture script and on random texts
 * (test/syntax/lexer.test.ts). Only what nsnet's tokens use is supported: no modes, no
 * longer alternatives, no payloads; a token type that needs more is refused when built.
 */

interface Rule {
  type: TokenType;
  /** a custom pattern (called as chevrotain calls it) or a sticky copy of the expression */
  custom: Custom | null;
  sticky: RegExp | null;
  lineBreaks: boolean;
  /** false: a token; a string: a token of that group; undefined: skipped */
  group: string | false | undefined;
}

type Custom = (text: string, offset: number) => RegExpExecArray | [string] | null;

function ruleOf(type: TokenType): Rule {
  const t = type as TokenType & {
    LONGER_ALT?: unknown;
    PUSH_MODE?: unknown;
    POP_MODE?: unknown;
    LINE_BREAKS?: boolean;
    START_CHARS_HINT?: (string | number)[];
  };
  if (t.LONGER_ALT !== undefined || t.PUSH_MODE !== undefined || t.POP_MODE !== undefined)
    throw new Error(`token ${t.name}: modes and longer alternatives are not supported`);
  if (t.LINE_BREAKS === undefined || t.START_CHARS_HINT === undefined) throw new Error(`token ${t.name}: needs start_chars_hint and line_breaks`);
  const p = t.PATTERN;
  let custom: Custom | null = null;
  let sticky: RegExp | null = null;
  if (p instanceof RegExp) sticky = new RegExp(p.source, p.flags.includes("y") ? p.flags : `${p.flags}y`);
  else if (typeof p === "function") custom = p as unknown as Custom;
  else throw new Error(`token ${t.name}: a pattern nsnet's lexer does not support`);
  const group = t.GROUP === Lexer.SKIPPED ? undefined : typeof t.GROUP === "string" ? t.GROUP : false;
  return { type, custom, sticky, lineBreaks: t.LINE_BREAKS, group };
}

/** The text `r` matches at `offset`, or null. */
function matchAt(r: Rule, text: string, offset: number): string | null {
  if (r.custom !== null) {
    const m = r.custom(text, offset);
    return m === null ? null : m[0];
  }
  const re = r.sticky!;
  re.lastIndex = offset;
  return re.test(text) ? text.slice(offset, re.lastIndex) : null;
}

export class TokenScanner {
  private readonly rules: Rule[];
  /** per ASCII code, the rules whose token can start with it, in order */
  private readonly byFirst: Rule[][];
  private readonly groupNames: string[];

  constructor(types: readonly TokenType[]) {
    // categories (Lexer.NA) are never lexed, as in chevrotain
    this.rules = types.filter((t) => t.PATTERN !== Lexer.NA).map(ruleOf);
    this.byFirst = Array.from({ length: 128 }, () => []);
    for (const r of this.rules) {
      const hint = (r.type as { START_CHARS_HINT: (string | number)[] }).START_CHARS_HINT;
      const codes = new Set(hint.map((h) => (typeof h === "string" ? h.charCodeAt(0) : h)));
      for (const c of codes) if (c < 128) this.byFirst[c]!.push(r);
    }
    this.groupNames = [...new Set(this.rules.flatMap((r) => (typeof r.group === "string" ? [r.group] : [])))];
  }

  tokenize(text: string): ILexingResult {
    const tokens: IToken[] = [];
    const groups: Record<string, IToken[]> = {};
    for (const g of this.groupNames) groups[g] = [];
    const errors: ILexingError[] = [];
    const none: Rule[] = [];
    let offset = 0;
    let line = 1;
    let column = 1;
    while (offset < text.length) {
      const code = text.charCodeAt(offset);
      const candidates = code < 128 ? this.byFirst[code]! : none;
      let rule: Rule | undefined;
      let image: string | null = null;
      for (let i = 0; i < candidates.length; i++) {
        image = matchAt(candidates[i]!, text, offset);
        if (image !== null) {
          rule = candidates[i];
          break;
        }
      }
      if (rule === undefined || image === null) {
        // drop characters until one starts some token (any token, hints aside)
        const start = offset;
        do offset++;
        while (offset < text.length && !this.rules.some((r) => matchAt(r, text, offset) !== null));
        const length = offset - start;
        errors.push({
          offset: start,
          line,
          column,
          length,
          message: `unexpected character: ->${text.charAt(start)}<- at offset: ${start}, skipped ${length} characters.`,
        });
        column += length;
        continue;
      }
      const length = image.length;
      let token: IToken | undefined;
      if (rule.group !== undefined) {
        token = {
          image,
          startOffset: offset,
          endOffset: offset + length - 1,
          startLine: line,
          endLine: line,
          startColumn: column,
          endColumn: column + length - 1,
          tokenTypeIdx: rule.type.tokenTypeIdx!,
          tokenType: rule.type,
        };
        if (rule.group === false) tokens.push(token);
        else groups[rule.group]!.push(token);
      }
      // line terminators in the match (\r\n is one): how many, and where the last one ends
      let count = 0;
      let lastEnd = -1;
      if (rule.lineBreaks) {
        for (let i = 0; i < length; i++) {
          const c = image.charCodeAt(i);
          if (c === 13 && image.charCodeAt(i + 1) === 10) i++;
          if (c === 10 || c === 13) {
            count++;
            lastEnd = i;
          }
        }
      }
      if (count !== 0) {
        line += count;
        column = length - lastEnd;
        // a line end that closes the token belongs to the next line's counting, not to it
        const endsWithIt = lastEnd === length - 1;
        if (token && !(count === 1 && endsWithIt)) {
          token.endLine = line + (endsWithIt ? -1 : 0);
          token.endColumn = column - 1 + (endsWithIt ? 1 : 0);
        }
      } else column += length;
      offset += length;
    }
    return { tokens, groups, errors };
  }
}
