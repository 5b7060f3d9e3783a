/**
 * Small constructors for AST nodes, so expansion can be tested without the parser.
 * Spans are synthetic: `at(line, col, len)` gives a span on one line of "test.nsnet";
 * everything built without an explicit span gets a fresh, distinct position on line 99
 * (diagnostics are deduplicated by span, so distinct sites must have distinct spans).
 */
import type * as A from "../../src/ast/nodes.js";
import type { Span } from "../../src/model/span.js";

export const FILE = "test.nsnet";
let counter = 0;

export function at(line: number, column: number, len = 1, file = FILE): Span {
  const offset = line * 1000 + column;
  return { file, start: { offset, line, column }, end: { offset: offset + len, line, column: column + len } };
}

function fresh(): Span {
  counter += 2;
  return at(99, counter, 1);
}

type Piece = string | A.Expr;

/** A template from pieces: strings are text, expressions are `${…}`. `t("c", v("i"))` is `c$i`. */
export function t(...pieces: Piece[]): A.Template {
  return tAt(fresh(), ...pieces);
}
export function tAt(span: Span, ...pieces: Piece[]): A.Template {
  return {
    type: "Template",
    quoted: false,
    span,
    parts: pieces.map((p) => (typeof p === "string" ? { kind: "text", text: p, span } : { kind: "expr", expr: p, span: p.span })),
  };
}
export const q = (...pieces: Piece[]): A.Template => ({ ...t(...pieces), quoted: true });

export const num = (value: number, span = fresh()): A.NumberLit => ({ type: "Number", value, span });
export const str = (...pieces: Piece[]): A.StringLit => ({ type: "String", value: q(...pieces), span: fresh() });
export const addrLit = (...pieces: Piece[]): A.AddressLit => ({ type: "Address", value: t(...pieces), span: fresh() });
export const v = (name: string, span = fresh()): A.VarRef => ({ type: "Var", name, span });
export const bin = (left: A.Expr, op: A.BinaryExpr["op"], right: A.Expr, span = fresh()): A.BinaryExpr => ({ type: "Binary", op, left, right, span });
export const list = (...items: A.Expr[]): A.ListExpr => ({ type: "List", items, span: fresh() });
export const id = (name: string, span = fresh()): A.Ident => ({ type: "Ident", name, span });

export function ref(text: string | A.Template, span = fresh()): A.IfRef {
  if (typeof text !== "string") return { type: "IfRef", name: text, span };
  const i = text.indexOf(":");
  return i < 0 ? { type: "IfRef", name: tAt(span, text), span } : { type: "IfRef", ns: tAt(span, text.slice(0, i)), name: tAt(span, text.slice(i + 1)), span };
}

const kw = () => fresh();

export const script = (...body: A.Statement[]): A.Script => ({ type: "Script", body, span: fresh() });
export const ns = (name: string | A.Template, body?: A.Statement[], span = fresh()): A.NsStmt => ({
  type: "Ns",
  keyword: kw(),
  name: typeof name === "string" ? tAt(span, name) : name,
  ...(body ? { body } : {}),
  span: fresh(),
});
export const host = (...body: A.Statement[]): A.HostStmt => ({ type: "Host", keyword: kw(), body, span: fresh() });
export const uplink = (name: string): A.UplinkStmt => ({ type: "Uplink", keyword: kw(), name: t(name), span: fresh() });
export const bridge = (name: string | A.Template, body?: A.Statement[]): A.BridgeStmt => ({
  type: "Bridge",
  keyword: kw(),
  name: typeof name === "string" ? t(name) : name,
  ...(body ? { body } : {}),
  span: fresh(),
});
export const letS = (name: string, value: A.Expr): A.LetStmt => ({ type: "Let", keyword: kw(), name: id(name), value, span: fresh() });
export const def = (name: string, params: string[], ...body: A.Statement[]): A.DefStmt => ({
  type: "Def",
  keyword: kw(),
  name: id(name),
  params: params.map((p) => id(p)),
  body,
  span: fresh(),
});
export const call = (name: string, args: A.Expr[] = [], span = fresh()): A.CallStmt => ({ type: "CallStmt", callee: id(name, span), args, span });
export const use = (path: string, span = fresh()): A.UseStmt => ({ type: "Use", keyword: kw(), path: { ...tAt(span, path), quoted: true }, span: fresh() });
export const forRange = (name: string, from: A.Expr, to: A.Expr, ...body: A.Statement[]): A.ForStmt => ({
  type: "For",
  keyword: kw(),
  variable: id(name),
  iter: { kind: "range", from, to, span: fresh() },
  body,
  span: fresh(),
});
export const forList = (name: string, l: A.Expr, ...body: A.Statement[]): A.ForStmt => ({
  type: "For",
  keyword: kw(),
  variable: id(name),
  iter: { kind: "list", list: l, span: fresh() },
  body,
  span: fresh(),
});

export interface VethOpts {
  pair?: boolean;
  far?: A.Template;
  as?: A.Template;
  to?: A.IfRef;
  peer?: { ns: A.Template; name?: A.Template };
  keyword?: Span;
}
export const veth = (o: VethOpts = {}): A.VethStmt => ({
  type: "Veth",
  keyword: o.keyword ?? kw(),
  pair: o.pair ?? false,
  ...(o.far ? { farName: o.far } : {}),
  ...(o.as ? { as: o.as } : {}),
  ...(o.to ? { to: o.to } : {}),
  ...(o.peer ? { peer: { ...o.peer, span: fresh() } } : {}),
  span: fresh(),
});
export const macvlan = (parent: string, o: { as?: string; mode?: "bridge" | "private" | "vepa" | "passthru" } = {}): A.MacvlanStmt => ({
  type: "Macvlan",
  keyword: kw(),
  parent: ref(parent),
  ...(o.mode ? { mode: { value: o.mode, span: fresh() } } : {}),
  ...(o.as ? { as: t(o.as) } : {}),
  span: fresh(),
});
export const ipvlan = (parent: string, as?: string): A.IpvlanStmt => ({
  type: "Ipvlan",
  keyword: kw(),
  parent: ref(parent),
  ...(as ? { as: t(as) } : {}),
  span: fresh(),
});
export const vlan = (vid: A.Expr, parent: string, as?: string): A.VlanStmt => ({
  type: "Vlan",
  keyword: kw(),
  id: vid,
  parent: ref(parent),
  ...(as ? { as: t(as) } : {}),
  span: fresh(),
});
export const move = (dev: string, as?: string): A.MoveStmt => ({ type: "Move", keyword: kw(), dev: ref(dev), ...(as ? { as: t(as) } : {}), span: fresh() });
export const addr = (cidr: A.Template | string, on?: string | A.IfRef): A.AddrStmt => ({
  type: "Addr",
  keyword: kw(),
  value: { kind: "static", cidr: typeof cidr === "string" ? t(cidr) : cidr },
  ...(on ? { on: typeof on === "string" ? ref(on) : on } : {}),
  span: fresh(),
});
export const addrAuto = (pool?: string, on?: string): A.AddrStmt => ({
  type: "Addr",
  keyword: kw(),
  value: { kind: "auto", ...(pool ? { pool: id(pool) } : {}), span: fresh() },
  ...(on ? { on: ref(on) } : {}),
  span: fresh(),
});
export const route = (dst: string, o: { via?: string; dev?: string; onlink?: boolean } = {}): A.RouteStmt => ({
  type: "Route",
  keyword: kw(),
  dst: dst === "default" ? { kind: "default", span: fresh() } : { kind: "cidr", cidr: t(dst) },
  ...(o.via ? { via: t(o.via) } : {}),
  ...(o.dev ? { dev: ref(o.dev) } : {}),
  onlink: o.onlink ?? false,
  span: fresh(),
});
export const proxyarp = (on: string): A.ProxyArpStmt => ({ type: "ProxyArp", keyword: kw(), on: ref(on), span: fresh() });
export const sysctl = (key: string | A.Template, value: string, machine = false): A.SysctlStmt => ({
  type: "Sysctl",
  keyword: kw(),
  machine,
  key: typeof key === "string" ? t(key) : key,
  value: t(value),
  span: fresh(),
});
export const linkState = (state: "up" | "down", dev: string | A.IfRef): A.LinkStateStmt => ({
  type: "LinkState",
  keyword: kw(),
  state,
  dev: typeof dev === "string" ? ref(dev) : dev,
  span: fresh(),
});
export const neighProxy = (a: string, on: string): A.NeighProxyStmt => ({ type: "NeighProxy", keyword: kw(), addr: t(a), on: ref(on), span: fresh() });
export const pool = (name: string, cidr: string, split?: number, reserve: string[] = []): A.PoolStmt => ({
  type: "Pool",
  keyword: kw(),
  name: id(name),
  cidr: t(cidr),
  ...(split !== undefined ? { split: { prefix: split, span: fresh() } } : {}),
  reserve: reserve.map((r) => t(r)),
  span: fresh(),
});
export const nat = (from: string, to: string): A.NatStmt => ({ type: "Nat", keyword: kw(), from: ref(from), to: ref(to), span: fresh() });
export const portmap = (hostPort: number, nsName: string, port: number, proto: "tcp" | "udp" = "tcp"): A.PortmapStmt => ({
  type: "Portmap",
  keyword: kw(),
  proto,
  hostPort: num(hostPort),
  ns: t(nsName),
  port: num(port),
  span: fresh(),
});
export const partition = (groups: string[][] | null): A.PartitionStmt => ({
  type: "Partition",
  keyword: kw(),
  groups: groups ? groups.map((g) => g.map((n) => t(n))) : null,
  span: fresh(),
});
export const expectReach = (from: string, to: string, negate = false): A.ExpectStmt => ({
  type: "Expect",
  keyword: kw(),
  kind: "reach",
  from: t(from),
  to: t(to),
  negate,
  span: fresh(),
});
export const expectHttp = (url: string, status: number, from: string): A.ExpectStmt => ({
  type: "Expect",
  keyword: kw(),
  kind: "http",
  url: t(url),
  status: num(status),
  from: t(from),
  span: fresh(),
});
export const expectTcp = (target: string, from: string): A.ExpectStmt => ({
  type: "Expect",
  keyword: kw(),
  kind: "tcp",
  target: t(target),
  from: t(from),
  span: fresh(),
});
export const on = (action: "add" | "remove", pattern: string, ...body: A.Statement[]): A.OnStmt => ({
  type: "On",
  keyword: kw(),
  action,
  pattern: q(pattern),
  body,
  span: fresh(),
});
export const run = (nsName: string, ...argv: A.Template[]): A.RunStmt => ({ type: "Run", keyword: kw(), ns: t(nsName), argv, span: fresh() });
export const exec = (nsName: string, ...argv: A.Template[]): A.ExecStmt => ({ type: "Exec", keyword: kw(), ns: t(nsName), argv, span: fresh() });
