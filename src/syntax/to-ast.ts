import { tokenMatcher, type CstNode, type IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { diag, type Code, type DiagArgs } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { joinSpans, type Span } from "../model/span.js";
import { checkAddress } from "./addresses.js";
import type { LineIndex } from "./lines.js";
import { describeToken } from "./messages.js";
import { parser } from "./parser.js";
import { buildTemplate, literalText, mergeText, splitAtColon, templateAsNumber } from "./template.js";
import { Address, interpolationLexer, STATEMENT_KEYWORDS } from "./tokens.js";

/**
 * CST → AST. Tolerates the partial trees error recovery leaves behind: a statement
 * missing a required part is dropped (its error is already reported), never thrown on.
 */

type Kids = Record<string, (CstNode | IToken)[] | undefined>;

function isToken(x: CstNode | IToken): x is IToken {
  return (x as IToken).image !== undefined;
}
function real(t: IToken): boolean {
  return !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}
function tok(n: CstNode | undefined, key: string): IToken | undefined {
  return (n?.children as Kids | undefined)?.[key]?.find((x): x is IToken => isToken(x) && real(x));
}
function toks(n: CstNode | undefined, key: string): IToken[] {
  return ((n?.children as Kids | undefined)?.[key] ?? []).filter((x): x is IToken => isToken(x) && real(x));
}
function node(n: CstNode | undefined, key: string): CstNode | undefined {
  return nodes(n, key)[0];
}
function nodes(n: CstNode | undefined, key: string): CstNode[] {
  return ((n?.children as Kids | undefined)?.[key] ?? []).filter((x): x is CstNode => !isToken(x));
}
/** All real tokens under a node, in source order. */
function allTokens(n: CstNode, out: IToken[] = []): IToken[] {
  for (const list of Object.values(n.children as Kids)) {
    for (const x of list ?? []) {
      if (isToken(x)) {
        if (real(x)) out.push(x);
      } else allTokens(x, out);
    }
  }
  return out;
}
function endOf(t: IToken): number {
  return t.startOffset + t.image.length;
}
function firstOffset(x: CstNode | IToken): number {
  if (isToken(x)) return x.startOffset;
  const o = x.location?.startOffset;
  if (o !== undefined && Number.isFinite(o)) return o;
  const ts = allTokens(x);
  return ts.length ? Math.min(...ts.map((t) => t.startOffset)) : NaN;
}

const MACVLAN_MODES = ["bridge", "private", "vepa", "passthru"] as const;
const IPVLAN_MODES = ["l2", "l3", "l3s"] as const;

export class Builder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly text: string,
    private readonly lines: LineIndex,
  ) {}

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

  /** A word or string token as a template; address tokens are checked on the way. */
  template(t: IToken, checkAddresses = true): A.Template {
    if (t.tokenType.name === "StringTok") return buildTemplate(this, t.startOffset + 1, endOf(t) - 1, true);
    if (checkAddresses && t.tokenType.name === "Address") {
      const p = checkAddress(t.image);
      if (p) this.diagnostics.push(p.at(this.span(t.startOffset + p.start, t.startOffset + p.end)));
    }
    return buildTemplate(this, t.startOffset, endOf(t), false);
  }

  ifRef(t: IToken): A.IfRef {
    const whole = this.template(t);
    const split = splitAtColon(whole);
    if (!split) return { type: "IfRef", name: whole, span: whole.span };
    const [ns, name] = split;
    if (!ns.parts.length) this.diagnostics.push(diag("NS112", whole.span, { what: "a namespace name before ':'", found: t.image }));
    if (!name.parts.length) this.diagnostics.push(diag("NS112", whole.span, { what: "an interface name after ':'", found: t.image }));
    return { type: "IfRef", ns, name, span: whole.span };
  }

  /** `mtu N` / `hwaddr MAC` after a device statement (a MAC is no address: not checked as one). */
  linkAttrs(n: CstNode | undefined): A.LinkAttrs {
    const out: A.LinkAttrs = {};
    const mtu = this.expression(node(n, "mtu"), false);
    if (mtu) out.mtu = mtu;
    const hw = tok(n, "hwaddr");
    if (hw) out.hwaddr = this.template(hw, false);
    return out;
  }

  ident(t: IToken): A.Ident {
    return { type: "Ident", name: t.image, span: this.tokSpan(t) };
  }

  /** The inside of `${…}` (absolute offsets), lexed and parsed on its own. */
  interpolation(start: number, end: number): A.Expr {
    const inner = this.text.slice(start, end);
    const lexed = interpolationLexer.tokenize(inner);
    for (const t of lexed.tokens) {
      t.startOffset += start;
      t.endOffset = (t.endOffset ?? t.startOffset) + start;
    }
    for (const e of lexed.errors) this.report("NS109", start + e.offset, start + e.offset + e.length, { char: inner[e.offset] ?? "?" });
    const fallback: A.Expr = { type: "Var", name: inner.trim(), span: this.span(start, end) };
    if (lexed.errors.length) return fallback;
    parser.input = lexed.tokens;
    const cst = parser.interpolation();
    const errors = [...parser.errors];
    if (errors.length) {
      const e = errors[0]!;
      const at = real(e.token) ? e.token.startOffset : end;
      const found = real(e.token) ? describeToken(e.token) : "'}'";
      this.report("NS101", at, real(e.token) ? endOf(e.token) : end + 1, { found, expected: e.message });
      return fallback;
    }
    return this.expression(node(cst, "expression"), true) ?? fallback;
  }

  // ─────────── expressions ───────────

  expression(n: CstNode | undefined, interp: boolean): A.Expr | undefined {
    if (!n) return undefined;
    return this.fold(n, "term", interp, (m) => this.term(m, interp));
  }
  private term(n: CstNode, interp: boolean): A.Expr | undefined {
    return this.fold(n, "unary", interp, (m) => this.unary(m, interp));
  }
  private fold(n: CstNode, _sub: string, _interp: boolean, build: (m: CstNode) => A.Expr | undefined): A.Expr | undefined {
    const operands = nodes(n, "operand").map(build);
    const ops = toks(n, "operator");
    let acc = operands[0];
    for (let i = 1; i < operands.length; i++) {
      const right = operands[i];
      const op = ops[i - 1];
      if (!acc || !right || !op) return acc;
      acc = { type: "Binary", op: op.image as A.BinaryExpr["op"], left: acc, right, span: joinSpans(acc.span, right.span) };
    }
    return acc;
  }
  private unary(n: CstNode, interp: boolean): A.Expr | undefined {
    const minus = tok(n, "Minus");
    if (minus) {
      const operand = this.unary(node(n, "unary")!, interp);
      if (!node(n, "unary") || !operand) return undefined;
      return { type: "Unary", op: "-", operand, span: joinSpans(this.tokSpan(minus), operand.span) };
    }
    const p = node(n, "primary");
    return p ? this.primary(p, interp) : undefined;
  }
  private primary(n: CstNode, interp: boolean): A.Expr | undefined {
    const span = this.nodeSpan(n);
    let t: IToken | undefined;
    if ((t = tok(n, "NumberLit"))) return { type: "Number", value: Number(t.image), span };
    if ((t = tok(n, "StringTok"))) return { type: "String", value: this.template(t), span };
    if ((t = tok(n, "Address"))) return { type: "Address", value: this.template(t), span };
    if ((t = tok(n, "VarRef"))) {
      const tpl = this.template(t);
      const part = tpl.parts[0];
      return part?.kind === "expr" ? part.expr : { type: "Var", name: t.image.slice(1), span };
    }
    if ((t = tok(n, "Word"))) {
      // `-1`, `-$n` are one word outside ${…} (a dash belongs to names); read as negation
      if (/^-(?:\d+|\$[A-Za-z_]\w*|\$\{.*\})$/.test(t.image)) {
        const inner = buildTemplate(this, t.startOffset + 1, endOf(t), false).parts[0];
        const operand: A.Expr | undefined =
          inner?.kind === "expr" ? inner.expr : inner ? { type: "Number", value: Number(inner.text), span: inner.span } : undefined;
        if (operand) return { type: "Unary", op: "-", operand, span };
      }
      return { type: "String", value: this.template(t), span };
    }
    if ((t = tok(n, "Url") ?? tok(n, "PrefixLen"))) return { type: "String", value: this.template(t), span };
    if ((t = tok(n, "Ident"))) {
      const args = node(n, "arguments");
      if (args) return { type: "Call", callee: this.ident(t), args: this.args(args), span };
      const prop = tok(n, "property");
      if (prop) return { type: "Member", object: this.ident(t), property: this.ident(prop), span };
      // outside ${…} a bare word is text (`mkns(web)`); inside, a variable (`${i+1}`)
      if (interp) return { type: "Var", name: t.image, span };
      return { type: "String", value: this.template(t), span };
    }
    const inner = node(n, "expression");
    if (inner) return this.expression(inner, interp);
    const list = node(n, "list");
    if (list) {
      const items = nodes(list, "item").map((m) => this.expression(m, interp));
      return { type: "List", items: items.filter((x): x is A.Expr => x !== undefined), span };
    }
    return undefined;
  }
  args(n: CstNode): A.Expr[] {
    return nodes(n, "arg")
      .map((m) => this.expression(m, false))
      .filter((x): x is A.Expr => x !== undefined);
  }

  // ─────────── statements ───────────

  /** Statements of a script or block; also reports two statements with nothing between them. */
  statements(n: CstNode | undefined): A.Statement[] {
    if (!n) return [];
    for (const j of nodes(n, "junk")) {
      const t = allTokens(j)[0];
      if (t && t.tokenType.name !== "UnterminatedString")
        this.report("NS101", t.startOffset, endOf(t), { found: describeToken(t), expected: "a statement (ns, host, bridge, addr, …)" }, {
          hint: t.tokenType.name === "Pipe" ? 'nsnet never runs a shell: quote "|" to pass it as a word' : undefined,
        });
    }
    const items: (CstNode | IToken)[] = [
      ...nodes(n, "statement"),
      ...toks(n, "Newline"),
      ...toks(n, "Semicolon"),
    ].sort((a, b) => firstOffset(a) - firstOffset(b));
    const out: A.Statement[] = [];
    let prevWasStatement = false;
    for (const item of items) {
      if (isToken(item)) {
        prevWasStatement = false;
        continue;
      }
      if (prevWasStatement) {
        const first = allTokens(item).sort((a, b) => a.startOffset - b.startOffset)[0];
        if (first)
          this.report("NS101", first.startOffset, endOf(first), { found: describeToken(first), expected: "newline or ';'" }, {
            hint: "put each statement on its own line or separate them with ';'",
          });
      }
      prevWasStatement = true;
      const s = this.statement(item);
      if (s) out.push(s);
    }
    return out;
  }

  private body(n: CstNode | undefined): A.Statement[] | undefined {
    const b = node(n, "block");
    return b ? this.statements(b) : undefined;
  }

  statement(n: CstNode): A.Statement | undefined {
    const [key] = Object.keys(n.children);
    const s = key ? node(n, key) : undefined;
    if (!s) return undefined;
    const span = this.nodeSpan(s);
    let kwTok: IToken | undefined;
    for (const list of Object.values(s.children as Kids))
      for (const x of list ?? []) if (isToken(x) && real(x) && (!kwTok || x.startOffset < kwTok.startOffset)) kwTok = x;
    if (!kwTok) return undefined;
    const keyword = this.tokSpan(kwTok);
    const word = (label: string) => {
      const t = tok(s, label);
      return t ? this.template(t) : undefined;
    };
    const ifRef = (label: string) => {
      const t = tok(s, label);
      return t ? this.ifRef(t) : undefined;
    };
    const textOf = (label: string) => {
      const m = node(s, label);
      const t = m ? (tok(m, "StringTok") ?? tok(m, "AnyWord")) : undefined;
      return t ? this.template(t) : undefined;
    };
    switch (s.name) {
      case "nsStmt": {
        const name = textOf("name");
        return name && { type: "Ns", keyword, name, body: this.body(s), span };
      }
      case "hostStmt": {
        const body = this.body(s);
        return body && { type: "Host", keyword, body, span };
      }
      case "bridgeStmt": {
        const name = textOf("name");
        return name && { type: "Bridge", keyword, name, body: this.body(s), span };
      }
      case "poolStmt": {
        const name = tok(s, "name");
        const cidr = word("cidr");
        if (!name || !cidr) return undefined;
        const pool: A.PoolStmt = { type: "Pool", keyword, name: this.ident(name), cidr, reserve: toks(s, "reserve").map((t) => this.template(t)), span };
        const split = tok(s, "split");
        if (split) pool.split = { prefix: Number(split.image.replace("/", "")), span: this.tokSpan(split) };
        return pool;
      }
      case "uplinkStmt": {
        const name = word("name");
        return name && { type: "Uplink", keyword, name, span };
      }
      case "letStmt": {
        const name = tok(s, "name");
        const value = this.expression(node(s, "expression"), false);
        return name && value && { type: "Let", keyword, name: this.ident(name), value, span };
      }
      case "defStmt": {
        const name = tok(s, "name");
        const body = this.body(s);
        return name && body && { type: "Def", keyword, name: this.ident(name), params: toks(s, "param").map((t) => this.ident(t)), body, span };
      }
      case "useStmt": {
        const path = textOf("path");
        return path && { type: "Use", keyword, path, span };
      }
      case "forStmt": {
        const variable = tok(s, "variable");
        const from = this.expression(node(s, "from"), false);
        const body = this.body(s);
        if (!variable || !from || !body) return undefined;
        const toNode = node(s, "to");
        let iter: A.ForStmt["iter"];
        if (tok(s, "DotDot")) {
          const to = this.expression(toNode, false);
          if (!to) return undefined;
          iter = { kind: "range", from, to, span: joinSpans(from.span, to.span) };
        } else iter = { kind: "list", list: from, span: from.span };
        return { type: "For", keyword, variable: this.ident(variable), iter, body, span };
      }
      case "natStmt": {
        const m = node(s, "pattern");
        const t = m && (tok(m, "StringTok") ?? tok(m, "AnyWord"));
        // an address is a source subnet: one piece, never `NS:IF` (IPv6 has colons)
        const from: A.IfRef | undefined =
          t && (tokenMatcher(t, Address) ? { type: "IfRef", name: this.template(t), span: this.tokSpan(t) } : this.ifRef(t));
        const to = ifRef("out");
        return from && to && { type: "Nat", keyword, from, to, span };
      }
      case "portmapStmt": {
        const hostPort = this.expression(node(s, "hostPort"), false);
        const target = tok(s, "target");
        if (!hostPort || !target) return undefined;
        const whole = this.template(target);
        const split = splitAtColon(whole);
        const port = split && templateAsNumber(split[1]);
        if (!split || !split[0].parts.length || !port) {
          this.diagnostics.push(diag("NS112", whole.span, { what: "NS:PORT (a namespace and a port number)", found: target.image }));
          return undefined;
        }
        const proto = (tok(s, "proto")?.image ?? "tcp") as "tcp" | "udp";
        return { type: "Portmap", keyword, proto, hostPort, ns: split[0], port, span };
      }
      case "partitionStmt": {
        const gs = nodes(s, "partitionGroup");
        const members = gs.flatMap((g) => toks(g, "member"));
        if (members.length === 1 && members[0]!.image === "off") return { type: "Partition", keyword, groups: null, span };
        const groups = nodes(s, "partitionGroup").map((g) => toks(g, "member").map((t) => this.template(t)));
        return { type: "Partition", keyword, groups, span };
      }
      case "expectStmt":
        return this.expect(s, keyword, span);
      case "onStmt": {
        const action = tok(s, "action");
        const pattern = textOf("pattern");
        const body = this.body(s);
        return action && pattern && body && { type: "On", keyword, action: action.image as "add" | "remove", pattern, body, span };
      }
      case "runStmt":
      case "execStmt": {
        const ns = word("ns");
        if (!ns) return undefined;
        const argv = this.command(node(s, "command"));
        return s.name === "runStmt" ? { type: "Run", keyword, ns, argv, span } : { type: "Exec", keyword, ns, argv, span };
      }
      case "vethStmt": {
        const v: A.VethStmt = { type: "Veth", keyword, pair: !!tok(s, "KwPair"), span };
        const far = word("farName");
        if (far) v.farName = far;
        const as = word("as");
        if (as) v.as = as;
        const to = ifRef("to");
        if (to) v.to = to;
        const peerTok = tok(s, "peer");
        if (peerTok) {
          const r = this.ifRef(peerTok);
          v.peer = r.ns ? { ns: r.ns, name: r.name, span: r.span } : { ns: r.name, span: r.span };
        }
        return { ...v, ...this.linkAttrs(node(s, "linkAttrs")) };
      }
      case "macvlanStmt":
      case "ipvlanStmt": {
        const o = node(s, "linkOptions");
        const parentTok = tok(o, "parent");
        if (!parentTok) return undefined;
        const parent = this.ifRef(parentTok);
        const modeTok = tok(o, "mode");
        const asTok = tok(o, "as");
        const as = asTok ? this.template(asTok) : undefined;
        const isMac = s.name === "macvlanStmt";
        const modes: readonly string[] = isMac ? MACVLAN_MODES : IPVLAN_MODES;
        let mode: { value: string; span: Span } | undefined;
        if (modeTok) {
          if (modes.includes(modeTok.image)) mode = { value: modeTok.image, span: this.tokSpan(modeTok) };
          else
            this.diagnostics.push(
              diag("NS111", this.tokSpan(modeTok), { what: isMac ? "macvlan" : "ipvlan", mode: modeTok.image, expected: modes.join(", ") }, {
                suggestions: didYouMean(modeTok.image, modes),
              }),
            );
        }
        const base = { keyword, parent, span, ...(as ? { as } : {}), ...this.linkAttrs(node(o, "linkAttrs")) };
        return isMac
          ? { type: "Macvlan", ...base, ...(mode ? { mode: mode as A.MacvlanStmt["mode"] } : {}) }
          : { type: "Ipvlan", ...base, ...(mode ? { mode: mode as A.IpvlanStmt["mode"] } : {}) };
      }
      case "vlanStmt": {
        const id = this.expression(node(s, "id"), false);
        const parent = ifRef("parent");
        const as = word("as");
        return id && parent && { type: "Vlan", keyword, id, parent, span, ...(as ? { as } : {}), ...this.linkAttrs(node(s, "linkAttrs")) };
      }
      case "moveStmt": {
        const dev = ifRef("dev");
        const as = word("as");
        return dev && { type: "Move", keyword, dev, span, ...(as ? { as } : {}), ...this.linkAttrs(node(s, "linkAttrs")) };
      }
      case "addrStmt": {
        const on = ifRef("on");
        const v = tok(s, "value");
        const pool = tok(s, "pool");
        if (!v) return undefined;
        let value: A.AddrStmt["value"];
        if (v.image === "auto") value = { kind: "auto", span: this.tokSpan(v), ...(pool ? { pool: this.ident(pool) } : {}) };
        else {
          if (pool) this.diagnostics.push(diag("NS112", this.tokSpan(v), { what: "'auto' before 'from POOL'", found: v.image }));
          value = { kind: "static", cidr: this.template(v) };
        }
        return { type: "Addr", keyword, value, span, ...(on ? { on } : {}) };
      }
      case "routeStmt": {
        const d = tok(s, "dst");
        if (!d) return undefined;
        const dst: A.RouteStmt["dst"] = d.image === "default" ? { kind: "default", span: this.tokSpan(d) } : { kind: "cidr", cidr: this.template(d) };
        const via = word("via");
        const dev = ifRef("dev");
        return { type: "Route", keyword, dst, onlink: !!tok(s, "KwOnlink"), span, ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
      }
      case "proxyarpStmt": {
        const on = ifRef("on");
        return on && { type: "ProxyArp", keyword, on, span };
      }
      case "sysctlStmt": {
        const key = word("key");
        const value = textOf("value");
        return key && value && { type: "Sysctl", keyword, machine: !!tok(s, "KwMachine"), key, value, span };
      }
      case "linkStateStmt": {
        const state = tok(s, "state");
        const dev = ifRef("dev");
        return state && dev && { type: "LinkState", keyword, state: state.image as "up" | "down", dev, span };
      }
      case "neighStmt": {
        const addr = word("addr");
        const on = ifRef("on");
        return addr && on && { type: "NeighProxy", keyword, addr, on, span };
      }
      case "callStmt": {
        const callee = tok(s, "callee");
        const args = node(s, "arguments");
        if (callee && args) return { type: "CallStmt", callee: this.ident(callee), args: this.args(args), span };
        if (callee) {
          const suggestions = didYouMean(callee.image, STATEMENT_KEYWORDS);
          const hint = suggestions.length
            ? undefined
            : `statements start with a keyword (${STATEMENT_KEYWORDS.slice(0, 6).join(", ")}, …); a def is called as ${callee.image}(args)`;
          this.report("NS104", callee.startOffset, endOf(callee), { word: callee.image }, { hint, suggestions });
        }
        return undefined;
      }
    }
    return undefined;
  }

  private expect(s: CstNode, keyword: Span, span: Span): A.ExpectStmt | undefined {
    const http = node(s, "expectHttp");
    if (http) {
      const urlNode = node(http, "url");
      const urlTok = urlNode && (tok(urlNode, "StringTok") ?? tok(urlNode, "AnyWord"));
      const status = this.expression(node(http, "status"), false);
      const fromTok = tok(http, "from");
      if (!urlTok || !status || !fromTok) return undefined;
      return { type: "Expect", keyword, kind: "http", url: this.template(urlTok), status, from: this.template(fromTok), span };
    }
    const tcp = node(s, "expectTcp");
    if (tcp) {
      const fromTok = tok(tcp, "from");
      let target: A.Template | undefined;
      const t = tok(tcp, "target");
      if (t) target = this.template(t);
      const b = tok(tcp, "bracketed");
      const port = tok(tcp, "port");
      const lb = tok(tcp, "LBracket");
      if (b && port && lb) {
        // `[2001:db8::1]:80` kept as written; the address inside is checked here
        const inner = this.template(b);
        const portTpl = this.template(port, false);
        const sp = this.span(lb.startOffset, endOf(port));
        target = {
          type: "Template",
          quoted: false,
          span: sp,
          parts: mergeText([{ kind: "text", text: "[", span: this.tokSpan(lb) }, ...inner.parts, { kind: "text", text: "]", span: this.tokSpan(tok(tcp, "RBracket") ?? lb) }, ...portTpl.parts]),
        };
      }
      if (!target || !fromTok) return undefined;
      return { type: "Expect", keyword, kind: "tcp", target, from: this.template(fromTok), span };
    }
    const reach = node(s, "expectReach");
    const fromTok = tok(reach, "from");
    const toTok = tok(reach, "to");
    if (!fromTok || !toTok) return undefined;
    return { type: "Expect", keyword, kind: "reach", from: this.template(fromTok), to: this.template(toTok), negate: !!tok(reach, "KwNot"), span };
  }

  /** Command words: tokens with no space between them are one argument (`--port=80`). */
  private command(n: CstNode | undefined): A.Template[] {
    const pieces = nodes(n, "commandPiece")
      .flatMap((p) => allTokens(p))
      .sort((a, b) => a.startOffset - b.startOffset);
    const argv: A.Template[] = [];
    let group: IToken[] = [];
    const flush = () => {
      if (!group.length) return;
      const tpls = group.map((t) => this.template(t, false));
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

export { literalText };
