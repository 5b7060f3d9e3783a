import type { Span } from "../model/span.js";

/**
 * The nsnet AST. Produced by src/syntax (CST → AST), consumed by src/expand and src/fmt.
 * Every node and every property a diagnostic may point at carries its own span
 * (house rule 4: point at the offending token, not the statement).
 */

export interface Node {
  span: Span;
}

// ───────────────────────────── words and expressions ─────────────────────────────

/** A bare identifier with no interpolation (pool names, def names, parameters, variables). */
export interface Ident extends Node {
  type: "Ident";
  name: string;
}

/**
 * Text that may contain `$name` or `${expr}` pieces: names (`c$i`), addresses
 * (`198.51.100.${i+1}/24`), CIDRs, patterns, strings and command words.
 * A template with one literal part is the common case.
 */
export interface Template extends Node {
  type: "Template";
  parts: TemplatePart[];
  /** true when written as a "quoted string" */
  quoted: boolean;
}
export type TemplatePart = { kind: "text"; text: string; span: Span } | { kind: "expr"; expr: Expr; span: Span };

export type Expr = NumberLit | StringLit | AddressLit | VarRef | BinaryExpr | UnaryExpr | ListExpr | CallExpr | MemberExpr;

export interface NumberLit extends Node {
  type: "Number";
  value: number;
}
/** "…" — possibly interpolated */
export interface StringLit extends Node {
  type: "String";
  value: Template;
}
/** An IPv4/IPv6 address or CIDR literal (`10.0.0.1`, `10.0.0.0/24`, `2001:db8::1/64`), possibly interpolated */
export interface AddressLit extends Node {
  type: "Address";
  value: Template;
}
export interface VarRef extends Node {
  type: "Var";
  name: string;
}
export interface BinaryExpr extends Node {
  type: "Binary";
  op: "+" | "-" | "*" | "/" | "%";
  left: Expr;
  right: Expr;
}
export interface UnaryExpr extends Node {
  type: "Unary";
  op: "-";
  operand: Expr;
}
export interface ListExpr extends Node {
  type: "List";
  items: Expr[];
}
/** `f(a, b)` in an expression context */
export interface CallExpr extends Node {
  type: "Call";
  callee: Ident;
  args: Expr[];
}
/** `pool.next` — reserved for pool-style helpers */
export interface MemberExpr extends Node {
  type: "Member";
  object: Ident;
  property: Ident;
}

/** `NS:IF` or `IF`. `ns` absent means "this namespace" (or the host at top level). */
export interface IfRef extends Node {
  type: "IfRef";
  ns?: Template;
  name: Template;
}

// ───────────────────────────── statements ─────────────────────────────

export type Statement =
  | NsStmt
  | HostStmt
  | BridgeStmt
  | PoolStmt
  | UplinkStmt
  | LetStmt
  | DefStmt
  | CallStmt
  | UseStmt
  | ForStmt
  | NatStmt
  | PortmapStmt
  | PartitionStmt
  | ExpectStmt
  | OnStmt
  | RunStmt
  | ExecStmt
  | VethStmt
  | MacvlanStmt
  | IpvlanStmt
  | VlanStmt
  | MoveStmt
  | AddrStmt
  | RouteStmt
  | ProxyArpStmt
  | SysctlStmt
  | LinkStateStmt
  | NeighProxyStmt;

export interface Script extends Node {
  type: "Script";
  body: Statement[];
}

export interface NsStmt extends Node {
  type: "Ns";
  keyword: Span;
  name: Template;
  /** undefined when written without a block (`ns lxc1`) */
  body?: Statement[];
}
export interface HostStmt extends Node {
  type: "Host";
  keyword: Span;
  body: Statement[];
}
export interface BridgeStmt extends Node {
  type: "Bridge";
  keyword: Span;
  name: Template;
  /** `bridge NAME existing`: a bridge made by someone else (lxc-net, libvirt), used as-is —
   *  ports attached, addresses added, never created or deleted (the word's span) */
  existing?: Span;
  body?: Statement[];
}
export interface PoolStmt extends Node {
  type: "Pool";
  keyword: Span;
  name: Ident;
  cidr: Template;
  /** `split /LEN` */
  split?: { prefix: number; span: Span };
  reserve: Template[];
}
export interface UplinkStmt extends Node {
  type: "Uplink";
  keyword: Span;
  name: Template;
}
export interface LetStmt extends Node {
  type: "Let";
  keyword: Span;
  name: Ident;
  value: Expr;
}
export interface DefStmt extends Node {
  type: "Def";
  keyword: Span;
  name: Ident;
  params: Ident[];
  body: Statement[];
}
/** `NAME(args)` as a statement: calls a def */
export interface CallStmt extends Node {
  type: "CallStmt";
  callee: Ident;
  args: Expr[];
}
export interface UseStmt extends Node {
  type: "Use";
  keyword: Span;
  /** as written: "stdlib/NAME" or a relative/absolute path */
  path: Template;
}
export interface ForStmt extends Node {
  type: "For";
  keyword: Span;
  variable: Ident;
  /** `for i in 1..10` (inclusive) or `for x in [a, b]` / `for x in $list` */
  iter: { kind: "range"; from: Expr; to: Expr; span: Span } | { kind: "list"; list: Expr; span: Span };
  body: Statement[];
}
export interface NatStmt extends Node {
  type: "Nat";
  keyword: Span;
  /**
   * `[NS:]PATTERN` — a link-name pattern (`ve-+` / `ve-*` wildcards) — or a source subnet
   * (`10.22.0.0/16`, never split at ':'); which of the two is decided after interpolation.
   */
  from: IfRef;
  to: IfRef;
}
export interface PortmapStmt extends Node {
  type: "Portmap";
  keyword: Span;
  proto: "tcp" | "udp";
  hostPort: Expr;
  ns: Template;
  port: Expr;
}
export interface PartitionStmt extends Node {
  type: "Partition";
  keyword: Span;
  /** null for `partition off` */
  groups: Template[][] | null;
}
/** What every `expect` has: its keyword and, for `nsnet grade`, `points N`. */
interface ExpectBase extends Node {
  type: "Expect";
  keyword: Span;
  points?: Expr;
}
/** `/re/flags` as written (a RegexLit), or a string */
export type ExpectPattern = { kind: "regex"; source: string; flags: string; span: Span } | { kind: "string"; text: Template };
export type ExpectStmt =
  | (ExpectBase & { kind: "reach"; from: Template; to: Template; negate: boolean; via?: Template })
  | (ExpectBase & { kind: "http"; url: Template; status: Expr; from: Template })
  | (ExpectBase & { kind: "tcp"; target: Template; from: Template })
  /** `expect WATCHER sees FROM as ADDR` */
  | (ExpectBase & { kind: "sees"; watcher: Template; from: Template; as: Template })
  /** `expect FROM route DST [via GW] [dev IF]` */
  | (ExpectBase & { kind: "route"; from: Template; dst: Template; via?: Template; dev?: Template })
  /** `expect FROM sysctl KEY = VALUE` */
  | (ExpectBase & { kind: "sysctl"; from: Template; key: Template; value: Template })
  /** `expect FROM: CMD… matches PATTERN` (`from` without its colon) */
  | (ExpectBase & { kind: "command"; from: Template; argv: Template[]; pattern: ExpectPattern });
export interface OnStmt extends Node {
  type: "On";
  keyword: Span;
  action: "add" | "remove";
  pattern: Template;
  body: Statement[];
}
/** `run in NS CMD…` — a tracked service */
export interface RunStmt extends Node {
  type: "Run";
  keyword: Span;
  ns: Template;
  argv: Template[];
}
/** `exec NS CMD…` — run now */
export interface ExecStmt extends Node {
  type: "Exec";
  keyword: Span;
  ns: Template;
  argv: Template[];
}

/** `mtu N`, `hwaddr MAC` and `hairpin` after a device statement (an LXC `lxc.net.N.mtu` /
 *  `.hwaddr`, a CNI bridge's `hairpinMode`). */
export interface LinkAttrs {
  mtu?: Expr;
  hwaddr?: Template;
  /** hairpin mode on the end that is a bridge port (the word's span) */
  hairpin?: Span;
}

export interface VethStmt extends Node, LinkAttrs {
  type: "Veth";
  keyword: Span;
  /** `veth pair` (the LXC spelling) */
  pair: boolean;
  /** the far end's name, when given (`veth vh0`) */
  farName?: Template;
  /** `as IF`: the name of the end inside this namespace */
  as?: Template;
  /** `to [NS:]BRIDGE` */
  to?: IfRef;
  /** `peer NS[:IF]` */
  peer?: { ns: Template; name?: Template; span: Span };
}
export interface MacvlanStmt extends Node, LinkAttrs {
  type: "Macvlan";
  keyword: Span;
  parent: IfRef;
  mode?: { value: "bridge" | "private" | "vepa" | "passthru"; span: Span };
  as?: Template;
}
export interface IpvlanStmt extends Node, LinkAttrs {
  type: "Ipvlan";
  keyword: Span;
  parent: IfRef;
  mode?: { value: "l2" | "l3" | "l3s"; span: Span };
  as?: Template;
}
export interface VlanStmt extends Node, LinkAttrs {
  type: "Vlan";
  keyword: Span;
  id: Expr;
  parent: IfRef;
  as?: Template;
}
export interface MoveStmt extends Node, LinkAttrs {
  type: "Move";
  keyword: Span;
  dev: IfRef;
  as?: Template;
}
export interface AddrStmt extends Node {
  type: "Addr";
  keyword: Span;
  /** a CIDR/address template, or `auto` */
  value: { kind: "static"; cidr: Template } | { kind: "auto"; pool?: Ident; span: Span };
  on?: IfRef;
}
export interface RouteStmt extends Node {
  type: "Route";
  keyword: Span;
  /** `default` or a CIDR */
  dst: { kind: "default"; span: Span } | { kind: "cidr"; cidr: Template };
  via?: Template;
  dev?: IfRef;
  onlink: boolean;
}
export interface ProxyArpStmt extends Node {
  type: "ProxyArp";
  keyword: Span;
  /** the uplink (host interface) on whose segment the addresses are published */
  on: IfRef;
}
export interface SysctlStmt extends Node {
  type: "Sysctl";
  keyword: Span;
  /** `sysctl machine KEY = V`: the user knows the key is machine-wide (host level only) */
  machine: boolean;
  key: Template;
  value: Template;
}
/** `up IF` / `down IF` */
export interface LinkStateStmt extends Node {
  type: "LinkState";
  keyword: Span;
  state: "up" | "down";
  dev: IfRef;
}
/** `neigh proxy ADDR on IF` */
export interface NeighProxyStmt extends Node {
  type: "NeighProxy";
  keyword: Span;
  addr: Template;
  on: IfRef;
}
