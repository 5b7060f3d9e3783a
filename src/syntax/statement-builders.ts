import { tokenMatcher, type IToken } from "chevrotain";
import type * as A from "../ast/nodes.js";
import { diag } from "../diagnostics/codes.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { joinSpans, type Span } from "../model/span.js";
import type * as C from "./cst.js";
import { mergeText, splitAtColon, templateAsNumber } from "./template.js";
import { endOf, first, reals } from "./cst-tokens.js";
import type { Builder } from "./to-ast.js";
import { Address, RegexLit, STATEMENT_KEYWORDS } from "./tokens.js";

/**
 * One builder per statement rule of the parser, in a table typed by the generated CST: the
 * key set is the parser's statement alternatives (a rule added to the grammar and not here
 * does not compile), and each builder reads its node's labels as typed properties.
 */

export type StatementRule = keyof C.StatementCstChildren;
type NodeOf<R extends StatementRule> = NonNullable<C.StatementCstChildren[R]>[number];
/** Where the statement is: its keyword (first token) and its whole extent. */
export interface At {
  keyword: Span;
  span: Span;
}
type Build<R extends StatementRule> = (b: Builder, s: NodeOf<R>, at: At) => A.Statement | undefined;

const MACVLAN_MODES = ["bridge", "private", "vepa", "passthru"] as const;
const IPVLAN_MODES = ["l2", "l3", "l3s"] as const;

/** A `text` (a string or a single word) as a template. */
function text(b: Builder, n: C.TextCstNode | undefined): A.Template | undefined {
  const t = first(n?.children.StringTok) ?? first(n?.children.AnyWord);
  return t && b.template(t);
}

function childDevice(b: Builder, s: C.MacvlanStmtCstNode | C.IpvlanStmtCstNode, at: At, isMac: boolean): A.Statement | undefined {
  const o = s.children.linkOptions?.[0]?.children;
  const parent = b.ifRefOf(o?.parent);
  if (!o || !parent) return undefined;
  const modeTok = first(o.mode);
  const as = b.word(o.as);
  const modes: readonly string[] = isMac ? MACVLAN_MODES : IPVLAN_MODES;
  let mode: { value: string; span: Span } | undefined;
  if (modeTok) {
    if (modes.includes(modeTok.image)) mode = { value: modeTok.image, span: b.tokSpan(modeTok) };
    else
      b.diagnostics.push(
        diag(
          "NS111",
          b.tokSpan(modeTok),
          { what: isMac ? "macvlan" : "ipvlan", mode: modeTok.image, expected: modes.join(", ") },
          {
            suggestions: didYouMean(modeTok.image, modes),
          },
        ),
      );
  }
  const base = { ...at, parent, ...(as ? { as } : {}), ...b.linkAttrs(o.linkAttrs?.[0]) };
  return isMac
    ? { type: "Macvlan", ...base, ...(mode ? { mode: mode as A.MacvlanStmt["mode"] } : {}) }
    : { type: "Ipvlan", ...base, ...(mode ? { mode: mode as A.IpvlanStmt["mode"] } : {}) };
}

function expect(b: Builder, s: C.ExpectStmtCstNode, at: At): A.ExpectStmt | undefined {
  const http = s.children.expectHttp?.[0]?.children;
  if (http) {
    // every part is looked for before any is built: a partial statement reports nothing more
    const urlTok = first(http.url?.[0]?.children.StringTok) ?? first(http.url?.[0]?.children.AnyWord);
    const status = b.expression(http.status?.[0]);
    const fromTok = first(http.from);
    if (!urlTok || !status || !fromTok) return undefined;
    return { type: "Expect", ...at, kind: "http", url: b.template(urlTok), status, from: b.template(fromTok) };
  }
  const tcp = s.children.expectTcp?.[0]?.children;
  if (tcp) {
    let target = b.word(tcp.target);
    const inner = first(tcp.bracketed);
    const port = first(tcp.port);
    const lb = first(tcp.LBracket);
    if (inner && port && lb) {
      // `[2001:db8::1]:80` kept as written; the address inside is checked here
      const addr = b.template(inner);
      const portTpl = b.template(port, { addresses: "unchecked" });
      const rb = first(tcp.RBracket) ?? lb;
      target = {
        type: "Template",
        quoted: false,
        span: b.span(lb.startOffset, endOf(port)),
        parts: mergeText([{ kind: "text", text: "[", span: b.tokSpan(lb) }, ...addr.parts, { kind: "text", text: "]", span: b.tokSpan(rb) }, ...portTpl.parts]),
      };
    }
    const fromTok = first(tcp.from);
    if (!target || !fromTok) return undefined;
    return { type: "Expect", ...at, kind: "tcp", target, from: b.template(fromTok) };
  }
  const reach = s.children.expectReach?.[0]?.children;
  if (reach) {
    const fromTok = first(reach.from);
    const toTok = first(reach.to);
    if (!fromTok || !toTok) return undefined;
    const via = b.word(reach.via);
    return { type: "Expect", ...at, kind: "reach", from: b.template(fromTok), to: b.template(toTok), negate: !!first(reach.KwNot), ...(via ? { via } : {}) };
  }
  return expectMore(b, s, at);
}

/** `points N` after any expect form. */
function weighed<T extends A.ExpectStmt>(b: Builder, s: C.ExpectStmtCstNode, e: T | undefined): T | undefined {
  const points = s.children.points?.[0];
  if (!e || !points) return e;
  const p = b.expression(points);
  return p ? { ...e, points: p } : undefined;
}

/** The forms of issue 22: sees, route, sysctl, `NS: CMD… matches PATTERN`. */
function expectMore(b: Builder, s: C.ExpectStmtCstNode, at: At): A.ExpectStmt | undefined {
  const sees = s.children.expectSees?.[0]?.children;
  if (sees) {
    const [watcher, from, as] = [b.word(sees.watcher), b.word(sees.subject), b.word(sees.as)];
    return watcher && from && as && { type: "Expect", ...at, kind: "sees", watcher, from, as };
  }
  const route = s.children.expectRoute?.[0]?.children;
  if (route) {
    const [from, dst, via, dev] = [b.word(route.ns), b.word(route.dst), b.word(route.via), b.word(route.dev)];
    return from && dst && { type: "Expect", ...at, kind: "route", from, dst, ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
  }
  const sysctl = s.children.expectSysctl?.[0]?.children;
  if (sysctl) {
    const [from, key, value] = [b.word(sysctl.ns), b.word(sysctl.key), text(b, sysctl.value?.[0])];
    return from && key && value && { type: "Expect", ...at, kind: "sysctl", from, key, value };
  }
  const cmd = s.children.expectCommand?.[0]?.children;
  const nsTok = first(cmd?.ns);
  const patTok = first(cmd?.pattern);
  if (!cmd || !nsTok || !patTok) return undefined;
  // `h1:` is the namespace and its colon
  const bare = { ...nsTok, image: nsTok.image.slice(0, -1), endOffset: endOf(nsTok) - 2, endColumn: (nsTok.endColumn ?? 1) - 1 };
  const argv = b.command({ name: "command", children: { commandPiece: cmd.commandPiece ?? [] } } as unknown as C.CommandCstNode);
  let pattern: A.ExpectPattern;
  if (tokenMatcher(patTok, RegexLit)) {
    const end = patTok.image.lastIndexOf("/");
    pattern = { kind: "regex", source: patTok.image.slice(1, end), flags: patTok.image.slice(end + 1), span: b.tokSpan(patTok) };
  } else pattern = { kind: "string", text: b.template(patTok) };
  return { type: "Expect", ...at, kind: "command", from: b.template(bare), argv, pattern };
}

/** `NAME(args)`, or the error production for a statement that starts with no keyword. */
function call(b: Builder, s: C.CallStmtCstNode, at: At): A.Statement | undefined {
  const callee = first(s.children.callee);
  if (!callee) return undefined;
  const args = s.children.arguments?.[0];
  if (args) return { type: "CallStmt", callee: b.ident(callee), args: b.args(args), span: at.span };
  const suggestions = didYouMean(callee.image, STATEMENT_KEYWORDS);
  const hint = suggestions.length
    ? undefined
    : `statements start with a keyword (${STATEMENT_KEYWORDS.slice(0, 6).join(", ")}, …); a def is called as ${callee.image}(args)`;
  b.report("NS104", callee.startOffset, endOf(callee), { word: callee.image }, { hint, suggestions });
  return undefined;
}

function run(b: Builder, s: C.RunStmtCstNode | C.ExecStmtCstNode, at: At, type: "Run" | "Exec"): A.Statement | undefined {
  const ns = b.word(s.children.ns);
  return ns && { type, ...at, ns, argv: b.command(s.children.command?.[0]) };
}

export const statementBuilders: { [R in StatementRule]-?: Build<R> } = {
  nsStmt: (b, s, at) => {
    const name = text(b, s.children.name?.[0]);
    return name && { type: "Ns", ...at, name, body: b.body(s.children.block) };
  },
  hostStmt: (b, s, at) => {
    const body = b.body(s.children.block);
    return body && { type: "Host", ...at, body };
  },
  bridgeStmt: (b, s, at) => {
    const name = text(b, s.children.name?.[0]);
    const existing = first(s.children.KwExisting);
    return name && { type: "Bridge", ...at, name, ...(existing ? { existing: b.tokSpan(existing) } : {}), body: b.body(s.children.block) };
  },
  poolStmt: (b, s, at) => {
    const name = first(s.children.name);
    const cidr = b.word(s.children.cidr);
    if (!name || !cidr) return undefined;
    const pool: A.PoolStmt = { type: "Pool", ...at, name: b.ident(name), cidr, reserve: reals(s.children.reserve).map((t) => b.template(t)) };
    const split = first(s.children.split);
    if (split) pool.split = { prefix: Number(split.image.replace("/", "")), span: b.tokSpan(split) };
    return pool;
  },
  uplinkStmt: (b, s, at) => {
    const name = b.word(s.children.name);
    return name && { type: "Uplink", ...at, name };
  },
  letStmt: (b, s, at) => {
    const name = first(s.children.name);
    const value = b.expression(s.children.expression?.[0]);
    return name && value && { type: "Let", ...at, name: b.ident(name), value };
  },
  defStmt: (b, s, at) => {
    const name = first(s.children.name);
    const body = b.body(s.children.block);
    return name && body && { type: "Def", ...at, name: b.ident(name), params: reals(s.children.param).map((t) => b.ident(t)), body };
  },
  useStmt: (b, s, at) => {
    const path = text(b, s.children.path?.[0]);
    return path && { type: "Use", ...at, path };
  },
  forStmt: (b, s, at) => {
    const variable = first(s.children.variable);
    const from = b.expression(s.children.from?.[0]);
    const body = b.body(s.children.block);
    if (!variable || !from || !body) return undefined;
    let iter: A.ForStmt["iter"];
    if (first(s.children.DotDot)) {
      const to = b.expression(s.children.to?.[0]);
      if (!to) return undefined;
      iter = { kind: "range", from, to, span: joinSpans(from.span, to.span) };
    } else iter = { kind: "list", list: from, span: from.span };
    return { type: "For", ...at, variable: b.ident(variable), iter, body };
  },
  natStmt: (b, s, at) => {
    const t: IToken | undefined = first(s.children.pattern?.[0]?.children.StringTok) ?? first(s.children.pattern?.[0]?.children.AnyWord);
    // an address is a source subnet: one piece, never `NS:IF` (IPv6 has colons)
    const from: A.IfRef | undefined = t && (tokenMatcher(t, Address) ? { type: "IfRef", name: b.template(t), span: b.tokSpan(t) } : b.ifRef(t));
    const to = b.ifRefOf(s.children.out);
    return from && to && { type: "Nat", ...at, from, to };
  },
  portmapStmt: (b, s, at) => {
    const hostPort = b.expression(s.children.hostPort?.[0]);
    const target = first(s.children.target);
    if (!hostPort || !target) return undefined;
    const whole = b.template(target);
    const split = splitAtColon(whole);
    const port = split && templateAsNumber(split[1]);
    if (!split || !split[0].parts.length || !port) {
      b.diagnostics.push(diag("NS112", whole.span, { what: "NS:PORT (a namespace and a port number)", found: target.image }));
      return undefined;
    }
    const proto = (first(s.children.proto)?.image ?? "tcp") as "tcp" | "udp";
    return { type: "Portmap", ...at, proto, hostPort, ns: split[0], port };
  },
  /** `partition off` is the single group `off`. */
  partitionStmt: (b, s, at) => {
    const groups = (s.children.partitionGroup ?? []).map((g) => reals(g.children.member));
    const members = groups.flat();
    if (members.length === 1 && members[0]!.image === "off") return { type: "Partition", ...at, groups: null };
    return { type: "Partition", ...at, groups: groups.map((g) => g.map((t) => b.template(t))) };
  },
  expectStmt: (b, s, at) => weighed(b, s, expect(b, s, at)),
  onStmt: (b, s, at) => {
    const action = first(s.children.action);
    const pattern = text(b, s.children.pattern?.[0]);
    const body = b.body(s.children.block);
    return action && pattern && body && { type: "On", ...at, action: action.image as "add" | "remove", pattern, body };
  },
  runStmt: (b, s, at) => run(b, s, at, "Run"),
  execStmt: (b, s, at) => run(b, s, at, "Exec"),
  vethStmt: (b, s, at) => {
    const c = s.children;
    const v: A.VethStmt = { type: "Veth", ...at, pair: !!first(c.KwPair) };
    const far = b.word(c.farName);
    if (far) v.farName = far;
    const as = b.word(c.as);
    if (as) v.as = as;
    const to = b.ifRefOf(c.to);
    if (to) v.to = to;
    const peer = b.ifRefOf(c.peer);
    if (peer) v.peer = peer.ns ? { ns: peer.ns, name: peer.name, span: peer.span } : { ns: peer.name, span: peer.span };
    return { ...v, ...b.linkAttrs(c.linkAttrs?.[0]) };
  },
  macvlanStmt: (b, s, at) => childDevice(b, s, at, true),
  ipvlanStmt: (b, s, at) => childDevice(b, s, at, false),
  vlanStmt: (b, s, at) => {
    const c = s.children;
    const id = b.expression(c.id?.[0]);
    const parent = b.ifRefOf(c.parent);
    const as = b.word(c.as);
    return id && parent && { type: "Vlan", ...at, id, parent, ...(as ? { as } : {}), ...b.linkAttrs(c.linkAttrs?.[0]) };
  },
  moveStmt: (b, s, at) => {
    const c = s.children;
    const dev = b.ifRefOf(c.dev);
    const as = b.word(c.as);
    return dev && { type: "Move", ...at, dev, ...(as ? { as } : {}), ...b.linkAttrs(c.linkAttrs?.[0]) };
  },
  /** `addr CIDR` or `addr auto [from POOL]`: `auto` is told apart here (keeps the grammar LL(1)). */
  addrStmt: (b, s, at) => {
    const c = s.children;
    const on = b.ifRefOf(c.on);
    const v = first(c.value);
    const pool = first(c.pool);
    if (!v) return undefined;
    let value: A.AddrStmt["value"];
    if (v.image === "auto") value = { kind: "auto", span: b.tokSpan(v), ...(pool ? { pool: b.ident(pool) } : {}) };
    else {
      if (pool) b.diagnostics.push(diag("NS112", b.tokSpan(v), { what: "'auto' before 'from POOL'", found: v.image }));
      value = { kind: "static", cidr: b.template(v) };
    }
    return { type: "Addr", ...at, value, ...(on ? { on } : {}) };
  },
  routeStmt: (b, s, at) => {
    const c = s.children;
    const d = first(c.dst);
    if (!d) return undefined;
    const dst: A.RouteStmt["dst"] = d.image === "default" ? { kind: "default", span: b.tokSpan(d) } : { kind: "cidr", cidr: b.template(d) };
    const via = b.word(c.via);
    const dev = b.ifRefOf(c.dev);
    return { type: "Route", ...at, dst, onlink: !!first(c.KwOnlink), ...(via ? { via } : {}), ...(dev ? { dev } : {}) };
  },
  proxyarpStmt: (b, s, at) => {
    const on = b.ifRefOf(s.children.on);
    return on && { type: "ProxyArp", ...at, on };
  },
  sysctlStmt: (b, s, at) => {
    const key = b.word(s.children.key);
    const value = text(b, s.children.value?.[0]);
    return key && value && { type: "Sysctl", ...at, machine: !!first(s.children.KwMachine), key, value };
  },
  linkStateStmt: (b, s, at) => {
    const state = first(s.children.state);
    const dev = b.ifRefOf(s.children.dev);
    return state && dev && { type: "LinkState", ...at, state: state.image as "up" | "down", dev };
  },
  neighStmt: (b, s, at) => {
    const addr = b.word(s.children.addr);
    const on = b.ifRefOf(s.children.on);
    return addr && on && { type: "NeighProxy", ...at, addr, on };
  },
  callStmt: call,
};
