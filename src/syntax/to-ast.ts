import { tokenMatcher, type CstNode, type IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag, type Code, type DiagArgs } from "../diagnostics/codes.js";
import { joinSpans, type Span } from "../model/span.js";
import { checkAddress } from "./addresses.js";
import { allTokens, endOf, first, firstOffset, isReal, isToken, leadingToken, reals } from "./cst-tokens.js";
import type {
  ArgumentsCstNode,
  BlockCstNode,
  CommandCstNode,
  ExpressionCstNode,
  InterpolationCstNode,
  LinkAttrsCstNode,
  PrimaryCstNode,
  ScriptCstNode,
  StatementCstChildren,
  StatementCstNode,
  TermCstNode,
  UnaryCstNode,
} from "./cst.js";
import type { LineIndex } from "./lines.js";
import { describeToken } from "./messages.js";
import { parseRule } from "./parser.js";
import { statementBuilders, type StatementRule } from "./statement-builders.js";
import { buildTemplate, mergeText, splitAtColon } from "./template.js";
import { Address, interpolationLexer, Pipe, StringTok, UnterminatedString } from "./tokens.js";
import { MAX_NESTING, tooDeep } from "./limits.js";

/**
 * CST → AST. The tree is read through the types chevrotain generates from the parser
 * (cst.ts), and each statement rule has its builder in one typed table (statement-builders.ts).
 * Tolerates the partial trees error recovery leaves behind: a statement missing a required
 * part is dropped (its error is already reported), never thrown on.
 */

export class Builder {
  readonly diagnostics: Diagnostic[] = [];
  /** nesting depth of each token that may hold `${…}` (limits.ts) */
  private readonly depthAt: Map<IToken, number>;
  private readonly maxNesting: number;
  /** the depth of the token whose template is being built */
  private enclosing = 0;

  constructor(
    readonly text: string,
    private readonly lines: LineIndex,
    nesting: { depthAt?: Map<IToken, number>; maxNesting?: number } = {},
  ) {
    this.depthAt = nesting.depthAt ?? new Map();
    this.maxNesting = nesting.maxNesting ?? MAX_NESTING;
  }

  span(start: number, end: number): Span {
    return this.lines.span(start, end);
  }
  tokSpan(t: IToken): Span {
    return this.lines.span(t.startOffset, endOf(t));
  }
  nodeSpan(n: CstNode): Span {
    const loc = n.location;
    if (loc && Number.isFinite(loc.startOffset) && Number.isFinite(loc.endOffset)) return this.span(loc.startOffset, loc.endOffset! + 1);
    const ts = allTokens(n);
    if (!ts.length) return this.span(0, 0);
    return this.span(Math.min(...ts.map((t) => t.startOffset)), Math.max(...ts.map((t) => endOf(t))));
  }
  report<C extends Code>(code: C, start: number, end: number, ...args: DiagArgs<C>): void {
    this.diagnostics.push(diag(code, this.span(start, end), ...args));
  }

  // ─────────── words ───────────

  /**
   * A word or string token as a template. Address tokens are checked on the way, unless the
   * word is no address whatever it looks like (a MAC, a port, a command word).
   */
  template(t: IToken, o: { addresses: "checked" | "unchecked" } = { addresses: "checked" }): A.Template {
    if (o.addresses === "checked" && tokenMatcher(t, Address)) {
      const p = checkAddress(t.image);
      if (p) this.diagnostics.push(p.at(this.span(t.startOffset + p.start, t.startOffset + p.end)));
    }
    return this.within(t, () =>
      tokenMatcher(t, StringTok) ? buildTemplate(this, t.startOffset + 1, endOf(t) - 1, true) : buildTemplate(this, t.startOffset, endOf(t), false),
    );
  }

  /** Builds what is inside token `t` at `t`'s depth (the `${…}` in it are one level deeper). */
  within<T>(t: IToken, build: () => T): T {
    const saved = this.enclosing;
    this.enclosing = this.depthAt.get(t) ?? saved;
    try {
      return build();
    } finally {
      this.enclosing = saved;
    }
  }

  /** The first real token of a label as a template. */
  word(ts: readonly IToken[] | undefined): A.Template | undefined {
    const t = first(ts);
    return t && this.template(t);
  }

  /** `NS:IF` or `IF`, split at the first ':' (never inside `${…}`). */
  ifRef(t: IToken): A.IfRef {
    const whole = this.template(t);
    const split = splitAtColon(whole);
    if (!split) return { type: "IfRef", name: whole, span: whole.span };
    const [ns, name] = split;
    if (!ns.parts.length) this.diagnostics.push(diag("NS112", whole.span, { what: "a namespace name before ':'", found: t.image }));
    if (!name.parts.length) this.diagnostics.push(diag("NS112", whole.span, { what: "an interface name after ':'", found: t.image }));
    return { type: "IfRef", ns, name, span: whole.span };
  }

  ifRefOf(ts: readonly IToken[] | undefined): A.IfRef | undefined {
    const t = first(ts);
    return t && this.ifRef(t);
  }

  /** `mtu N` / `hwaddr MAC` / `hairpin` after a device statement (a MAC is no address: not checked as one). */
  linkAttrs(n: LinkAttrsCstNode | undefined): A.LinkAttrs {
    const out: A.LinkAttrs = {};
    const mtu = this.expression(n?.children.mtu?.[0]);
    if (mtu) out.mtu = mtu;
    const hw = first(n?.children.hwaddr);
    if (hw) out.hwaddr = this.template(hw, { addresses: "unchecked" });
    const hairpin = first(n?.children.KwHairpin);
    if (hairpin) out.hairpin = this.tokSpan(hairpin);
    return out;
  }

  ident(t: IToken): A.Ident {
    return { type: "Ident", name: t.image, span: this.tokSpan(t) };
  }

  /** The inside of `${…}` (absolute offsets), lexed and parsed on its own. */
  interpolation(start: number, end: number): A.Expr {
    const inner = this.text.slice(start, end);
    const fallback: A.Expr = { type: "Var", name: inner.trim(), span: this.span(start, end) };
    const base = this.enclosing + 1;
    if (base > this.maxNesting) {
      this.report("NS113", start - 2, start, { limit: this.maxNesting }, { hint: "write the nested part as `let`s, one level each" });
      return fallback;
    }
    const lexed = interpolationLexer().tokenize(inner);
    for (const t of lexed.tokens) {
      t.startOffset += start;
      t.endOffset = (t.endOffset ?? t.startOffset) + start;
    }
    for (const e of lexed.errors) this.report("NS109", start + e.offset, start + e.offset + e.length, { char: inner[e.offset] ?? "?" });
    if (lexed.errors.length) return fallback;
    const deep = tooDeep(lexed.tokens, base, this.maxNesting, this.depthAt);
    if (deep) {
      this.report("NS113", deep.startOffset, endOf(deep), { limit: this.maxNesting }, { hint: "write the nested part as `let`s, one level each" });
      return fallback;
    }
    const parsed = parseRule("interpolation", lexed.tokens);
    const cst = parsed.cst as InterpolationCstNode; // the rule's CST, as cst.ts describes it
    const errors = parsed.errors;
    if (errors.length) {
      const e = errors[0]!;
      const here = isReal(e.token);
      this.report("NS101", here ? e.token.startOffset : end, here ? endOf(e.token) : end + 1, {
        found: here ? describeToken(e.token) : "'}'",
        expected: e.message,
      });
      return fallback;
    }
    return this.expression(cst.children.expression?.[0], true) ?? fallback;
  }

  // ─────────── expressions ───────────

  /** An expression; `interp`: inside `${…}`, where a bare name is a variable. */
  expression(n: ExpressionCstNode | undefined, interp = false): A.Expr | undefined {
    if (!n) return undefined;
    return this.fold(n.children.operand, n.children.operator, (m) => this.term(m, interp));
  }
  private term(n: TermCstNode, interp: boolean): A.Expr | undefined {
    return this.fold(n.children.operand, n.children.operator, (m) => this.unary(m, interp));
  }
  /** Left-associative chain `a op b op c`. */
  private fold<N>(operands: readonly N[] | undefined, operators: readonly IToken[] | undefined, build: (m: N) => A.Expr | undefined): A.Expr | undefined {
    const values = (operands ?? []).map(build);
    const ops = reals(operators);
    let acc = values[0];
    for (let i = 1; i < values.length; i++) {
      const right = values[i];
      const op = ops[i - 1];
      if (!acc || !right || !op) return acc;
      acc = { type: "Binary", op: op.image as A.BinaryExpr["op"], left: acc, right, span: joinSpans(acc.span, right.span) };
    }
    return acc;
  }
  private unary(n: UnaryCstNode, interp: boolean): A.Expr | undefined {
    const minus = first(n.children.Minus);
    if (minus) {
      const inner = n.children.unary?.[0];
      const operand = inner && this.unary(inner, interp);
      if (!operand) return undefined;
      return { type: "Unary", op: "-", operand, span: joinSpans(this.tokSpan(minus), operand.span) };
    }
    const p = n.children.primary?.[0];
    return p ? this.primary(p, interp) : undefined;
  }
  private primary(n: PrimaryCstNode, interp: boolean): A.Expr | undefined {
    const c = n.children;
    const span = this.nodeSpan(n);
    let t: IToken | undefined;
    if ((t = first(c.NumberLit))) return { type: "Number", value: Number(t.image), span };
    if ((t = first(c.StringTok))) return { type: "String", value: this.template(t), span };
    if ((t = first(c.Address))) return { type: "Address", value: this.template(t), span };
    if ((t = first(c.VarRef))) {
      const part = this.template(t).parts[0];
      return part?.kind === "expr" ? part.expr : { type: "Var", name: t.image.slice(1), span };
    }
    if ((t = first(c.Word))) {
      // `-1`, `-$n` are one word outside ${…} (a dash belongs to names); read as negation
      if (/^-(?:\d+|\$[A-Za-z_]\w*|\$\{.*\})$/.test(t.image)) {
        const word = t;
        const inner = this.within(word, () => buildTemplate(this, word.startOffset + 1, endOf(word), false)).parts[0];
        const operand: A.Expr | undefined =
          inner?.kind === "expr" ? inner.expr : inner ? { type: "Number", value: Number(inner.text), span: inner.span } : undefined;
        if (operand) return { type: "Unary", op: "-", operand, span };
      }
      return { type: "String", value: this.template(t), span };
    }
    if ((t = first(c.Url) ?? first(c.PrefixLen))) return { type: "String", value: this.template(t), span };
    if ((t = first(c.Ident))) {
      const args = c.arguments?.[0];
      if (args) return { type: "Call", callee: this.ident(t), args: this.args(args), span };
      const prop = first(c.property);
      if (prop) return { type: "Member", object: this.ident(t), property: this.ident(prop), span };
      // outside ${…} a bare word is text (`mkns(web)`); inside, a variable (`${i+1}`)
      if (interp) return { type: "Var", name: t.image, span };
      return { type: "String", value: this.template(t), span };
    }
    const inner = c.expression?.[0];
    if (inner) return this.expression(inner, interp);
    const list = c.list?.[0];
    if (list) {
      const items = (list.children.item ?? []).map((m) => this.expression(m, interp));
      return { type: "List", items: items.filter((x): x is A.Expr => x !== undefined), span };
    }
    return undefined;
  }
  args(n: ArgumentsCstNode): A.Expr[] {
    return (n.children.arg ?? []).map((m) => this.expression(m)).filter((x): x is A.Expr => x !== undefined);
  }

  // ─────────── statements ───────────

  /** Statements of a script or block; also reports two statements with nothing between them. */
  statements(n: ScriptCstNode | BlockCstNode | undefined): A.Statement[] {
    if (!n) return [];
    for (const j of n.children.junk ?? []) {
      const t = allTokens(j)[0];
      if (t && !tokenMatcher(t, UnterminatedString))
        this.report(
          "NS101",
          t.startOffset,
          endOf(t),
          { found: describeToken(t), expected: "a statement (ns, host, bridge, addr, …)" },
          {
            hint: tokenMatcher(t, Pipe) ? 'nsnet never runs a shell: quote "|" to pass it as a word' : undefined,
          },
        );
    }
    const items: (StatementCstNode | IToken)[] = [...(n.children.statement ?? []), ...reals(n.children.Newline), ...reals(n.children.Semicolon)].sort(
      (a, b) => firstOffset(a) - firstOffset(b),
    );
    const out: A.Statement[] = [];
    let prevWasStatement = false;
    for (const item of items) {
      if (isToken(item)) {
        prevWasStatement = false;
        continue;
      }
      if (prevWasStatement) {
        const lead = allTokens(item).sort((a, b) => a.startOffset - b.startOffset)[0];
        if (lead)
          this.report(
            "NS101",
            lead.startOffset,
            endOf(lead),
            { found: describeToken(lead), expected: "newline or ';'" },
            {
              hint: "put each statement on its own line or separate them with ';'",
            },
          );
      }
      prevWasStatement = true;
      const s = this.statement(item);
      if (s) out.push(s);
    }
    return out;
  }

  /** The statements of a `< … >` block, or undefined when there is none. */
  body(blocks: readonly BlockCstNode[] | undefined): A.Statement[] | undefined {
    const b = blocks?.[0];
    return b ? this.statements(b) : undefined;
  }

  /** One statement: the rule that matched picks its builder from the typed table. */
  private statement(n: StatementCstNode): A.Statement | undefined {
    const rule = (Object.keys(n.children) as StatementRule[])[0];
    const s = rule && (n.children as StatementCstChildren)[rule]?.[0];
    if (!rule || !s) return undefined;
    const lead = leadingToken(s);
    if (!lead) return undefined;
    const build = statementBuilders[rule] as (b: Builder, s: CstNode, at: { keyword: Span; span: Span }) => A.Statement | undefined;
    return build(this, s, { keyword: this.tokSpan(lead), span: this.nodeSpan(s) });
  }

  /** Command words: tokens with no space between them are one argument (`--port=80`). */
  command(n: CommandCstNode | undefined): A.Template[] {
    const pieces = (n?.children.commandPiece ?? []).flatMap((p) => allTokens(p)).sort((a, b) => a.startOffset - b.startOffset);
    const argv: A.Template[] = [];
    let group: IToken[] = [];
    const flush = () => {
      if (!group.length) return;
      const tpls = group.map((t) => this.template(t, { addresses: "unchecked" }));
      if (tpls.length === 1) argv.push(tpls[0]!);
      else
        argv.push({
          type: "Template",
          quoted: false,
          parts: mergeText(tpls.flatMap((t) => t.parts)),
          span: joinSpans(tpls[0]!.span, tpls[tpls.length - 1]!.span),
        });
      group = [];
    };
    for (const t of pieces) {
      const last = group[group.length - 1];
      if (last && endOf(last) !== t.startOffset) flush();
      group.push(t);
    }
    flush();
    return argv;
  }
}
