// Generated from the parser by chevrotain's generateCstDts (test/syntax/grammar.test.ts keeps
// it current: UPDATE_GOLDEN=1 regenerates it). The CST → AST builder reads the tree through
// these types, so a renamed label or rule is a compile error there, not a silent undefined.
import type { CstNode, ICstVisitor, IToken } from "chevrotain";

export interface ScriptCstNode extends CstNode {
  name: "script";
  children: ScriptCstChildren;
}

export type ScriptCstChildren = {
  Newline?: IToken[];
  Semicolon?: IToken[];
  stray?: IToken[];
  statement?: StatementCstNode[];
  junk?: JunkCstNode[];
};

export interface BlockCstNode extends CstNode {
  name: "block";
  children: BlockCstChildren;
}

export type BlockCstChildren = {
  LAngle: IToken[];
  Newline?: IToken[];
  Semicolon?: IToken[];
  statement?: StatementCstNode[];
  junk?: JunkCstNode[];
  RAngle: IToken[];
};

export interface JunkCstNode extends CstNode {
  name: "junk";
  children: JunkCstChildren;
}

export type JunkCstChildren = {
  NumberLit?: IToken[];
  Address?: IToken[];
  VarRef?: IToken[];
  Url?: IToken[];
  Word?: IToken[];
  PrefixLen?: IToken[];
  StringTok?: IToken[];
  UnterminatedString?: IToken[];
  RegexLit?: IToken[];
  Pipe?: IToken[];
  LParen?: IToken[];
  RParen?: IToken[];
  LBracket?: IToken[];
  RBracket?: IToken[];
  Equals?: IToken[];
  Comma?: IToken[];
  DotDot?: IToken[];
  Plus?: IToken[];
  Minus?: IToken[];
  Star?: IToken[];
  Slash?: IToken[];
  Percent?: IToken[];
};

export interface StatementCstNode extends CstNode {
  name: "statement";
  children: StatementCstChildren;
}

export type StatementCstChildren = {
  nsStmt?: NsStmtCstNode[];
  hostStmt?: HostStmtCstNode[];
  bridgeStmt?: BridgeStmtCstNode[];
  poolStmt?: PoolStmtCstNode[];
  uplinkStmt?: UplinkStmtCstNode[];
  letStmt?: LetStmtCstNode[];
  defStmt?: DefStmtCstNode[];
  useStmt?: UseStmtCstNode[];
  forStmt?: ForStmtCstNode[];
  natStmt?: NatStmtCstNode[];
  portmapStmt?: PortmapStmtCstNode[];
  partitionStmt?: PartitionStmtCstNode[];
  expectStmt?: ExpectStmtCstNode[];
  onStmt?: OnStmtCstNode[];
  runStmt?: RunStmtCstNode[];
  execStmt?: ExecStmtCstNode[];
  vethStmt?: VethStmtCstNode[];
  macvlanStmt?: MacvlanStmtCstNode[];
  ipvlanStmt?: IpvlanStmtCstNode[];
  vlanStmt?: VlanStmtCstNode[];
  moveStmt?: MoveStmtCstNode[];
  addrStmt?: AddrStmtCstNode[];
  routeStmt?: RouteStmtCstNode[];
  proxyarpStmt?: ProxyarpStmtCstNode[];
  sysctlStmt?: SysctlStmtCstNode[];
  linkStateStmt?: LinkStateStmtCstNode[];
  neighStmt?: NeighStmtCstNode[];
  callStmt?: CallStmtCstNode[];
};

export interface NsStmtCstNode extends CstNode {
  name: "nsStmt";
  children: NsStmtCstChildren;
}

export type NsStmtCstChildren = {
  KwNs: IToken[];
  name: TextCstNode[];
  block?: BlockCstNode[];
};

export interface HostStmtCstNode extends CstNode {
  name: "hostStmt";
  children: HostStmtCstChildren;
}

export type HostStmtCstChildren = {
  KwHost: IToken[];
  block: BlockCstNode[];
};

export interface BridgeStmtCstNode extends CstNode {
  name: "bridgeStmt";
  children: BridgeStmtCstChildren;
}

export type BridgeStmtCstChildren = {
  KwBridge: IToken[];
  name: TextCstNode[];
  KwExisting?: IToken[];
  block?: BlockCstNode[];
};

export interface PoolStmtCstNode extends CstNode {
  name: "poolStmt";
  children: PoolStmtCstChildren;
}

export type PoolStmtCstChildren = {
  KwPool: IToken[];
  name: IToken[];
  cidr: IToken[];
  KwSplit?: IToken[];
  split?: (IToken)[];
  KwReserve?: IToken[];
  Comma?: IToken[];
  reserve?: IToken[];
};

export interface UplinkStmtCstNode extends CstNode {
  name: "uplinkStmt";
  children: UplinkStmtCstChildren;
}

export type UplinkStmtCstChildren = {
  KwUplink: IToken[];
  name: IToken[];
};

export interface LetStmtCstNode extends CstNode {
  name: "letStmt";
  children: LetStmtCstChildren;
}

export type LetStmtCstChildren = {
  KwLet: IToken[];
  name: IToken[];
  Equals: IToken[];
  expression: ExpressionCstNode[];
};

export interface DefStmtCstNode extends CstNode {
  name: "defStmt";
  children: DefStmtCstChildren;
}

export type DefStmtCstChildren = {
  KwDef: IToken[];
  name: IToken[];
  LParen: IToken[];
  param?: (IToken)[];
  Comma?: IToken[];
  RParen: IToken[];
  block: BlockCstNode[];
};

export interface UseStmtCstNode extends CstNode {
  name: "useStmt";
  children: UseStmtCstChildren;
}

export type UseStmtCstChildren = {
  KwUse: IToken[];
  path: TextCstNode[];
};

export interface ForStmtCstNode extends CstNode {
  name: "forStmt";
  children: ForStmtCstChildren;
}

export type ForStmtCstChildren = {
  KwFor: IToken[];
  variable: IToken[];
  KwIn: IToken[];
  from: ExpressionCstNode[];
  DotDot?: IToken[];
  to?: ExpressionCstNode[];
  block: BlockCstNode[];
};

export interface NatStmtCstNode extends CstNode {
  name: "natStmt";
  children: NatStmtCstChildren;
}

export type NatStmtCstChildren = {
  KwNat: IToken[];
  KwFrom: IToken[];
  pattern: TextCstNode[];
  KwTo: IToken[];
  out: IToken[];
};

export interface PortmapStmtCstNode extends CstNode {
  name: "portmapStmt";
  children: PortmapStmtCstChildren;
}

export type PortmapStmtCstChildren = {
  KwPortmap: IToken[];
  proto?: (IToken)[];
  hostPort: ExpressionCstNode[];
  KwTo: IToken[];
  target: IToken[];
};

export interface PartitionStmtCstNode extends CstNode {
  name: "partitionStmt";
  children: PartitionStmtCstChildren;
}

export type PartitionStmtCstChildren = {
  KwPartition: IToken[];
  partitionGroup: (PartitionGroupCstNode)[];
  Pipe?: IToken[];
};

export interface PartitionGroupCstNode extends CstNode {
  name: "partitionGroup";
  children: PartitionGroupCstChildren;
}

export type PartitionGroupCstChildren = {
  member: (IToken)[];
  Comma?: IToken[];
};

export interface ExpectStmtCstNode extends CstNode {
  name: "expectStmt";
  children: ExpectStmtCstChildren;
}

export type ExpectStmtCstChildren = {
  KwExpect: IToken[];
  expectCommand?: ExpectCommandCstNode[];
  expectHttp?: ExpectHttpCstNode[];
  expectTcp?: ExpectTcpCstNode[];
  expectSees?: ExpectSeesCstNode[];
  expectRoute?: ExpectRouteCstNode[];
  expectSysctl?: ExpectSysctlCstNode[];
  expectReach?: ExpectReachCstNode[];
  KwPoints?: IToken[];
  points?: ExpressionCstNode[];
};

export interface ExpectSeesCstNode extends CstNode {
  name: "expectSees";
  children: ExpectSeesCstChildren;
}

export type ExpectSeesCstChildren = {
  watcher: IToken[];
  KwSees: IToken[];
  subject: IToken[];
  KwAs: IToken[];
  as: IToken[];
};

export interface ExpectRouteCstNode extends CstNode {
  name: "expectRoute";
  children: ExpectRouteCstChildren;
}

export type ExpectRouteCstChildren = {
  ns: IToken[];
  KwRoute: IToken[];
  dst: IToken[];
  KwVia?: IToken[];
  via?: IToken[];
  KwDev?: IToken[];
  dev?: IToken[];
};

export interface ExpectSysctlCstNode extends CstNode {
  name: "expectSysctl";
  children: ExpectSysctlCstChildren;
}

export type ExpectSysctlCstChildren = {
  ns: IToken[];
  KwSysctl: IToken[];
  key: IToken[];
  Equals: IToken[];
  value: TextCstNode[];
};

export interface ExpectCommandCstNode extends CstNode {
  name: "expectCommand";
  children: ExpectCommandCstChildren;
}

export type ExpectCommandCstChildren = {
  ns: IToken[];
  commandPiece: CommandPieceCstNode[];
  KwMatches: IToken[];
  pattern?: (IToken)[];
};

export interface ExpectHttpCstNode extends CstNode {
  name: "expectHttp";
  children: ExpectHttpCstChildren;
}

export type ExpectHttpCstChildren = {
  KwHttp: IToken[];
  url: TextCstNode[];
  KwStatus: IToken[];
  status: ExpressionCstNode[];
  KwFrom: IToken[];
  from: IToken[];
};

export interface ExpectTcpCstNode extends CstNode {
  name: "expectTcp";
  children: ExpectTcpCstChildren;
}

export type ExpectTcpCstChildren = {
  KwTcp: IToken[];
  target?: IToken[];
  LBracket?: IToken[];
  bracketed?: IToken[];
  RBracket?: IToken[];
  port?: IToken[];
  KwOpen: IToken[];
  KwFrom: IToken[];
  from: IToken[];
};

export interface ExpectReachCstNode extends CstNode {
  name: "expectReach";
  children: ExpectReachCstChildren;
}

export type ExpectReachCstChildren = {
  from: IToken[];
  KwNot?: IToken[];
  KwReaches: IToken[];
  to: IToken[];
  KwVia?: IToken[];
  via?: IToken[];
};

export interface OnStmtCstNode extends CstNode {
  name: "onStmt";
  children: OnStmtCstChildren;
}

export type OnStmtCstChildren = {
  KwOn: IToken[];
  action?: (IToken)[];
  pattern: TextCstNode[];
  block: BlockCstNode[];
};

export interface RunStmtCstNode extends CstNode {
  name: "runStmt";
  children: RunStmtCstChildren;
}

export type RunStmtCstChildren = {
  KwRun: IToken[];
  KwIn: IToken[];
  ns: IToken[];
  command: CommandCstNode[];
};

export interface ExecStmtCstNode extends CstNode {
  name: "execStmt";
  children: ExecStmtCstChildren;
}

export type ExecStmtCstChildren = {
  KwExec: IToken[];
  ns: IToken[];
  command: CommandCstNode[];
};

export interface CommandCstNode extends CstNode {
  name: "command";
  children: CommandCstChildren;
}

export type CommandCstChildren = {
  commandPiece: CommandPieceCstNode[];
};

export interface CommandPieceCstNode extends CstNode {
  name: "commandPiece";
  children: CommandPieceCstChildren;
}

export type CommandPieceCstChildren = {
  AnyWord?: IToken[];
  StringTok?: IToken[];
  RegexLit?: IToken[];
  LParen?: IToken[];
  RParen?: IToken[];
  LBracket?: IToken[];
  RBracket?: IToken[];
  Equals?: IToken[];
  Comma?: IToken[];
  DotDot?: IToken[];
  Plus?: IToken[];
  Minus?: IToken[];
  Star?: IToken[];
  Slash?: IToken[];
  Percent?: IToken[];
};

export interface VethStmtCstNode extends CstNode {
  name: "vethStmt";
  children: VethStmtCstChildren;
}

export type VethStmtCstChildren = {
  KwVeth: IToken[];
  KwPair?: IToken[];
  farName?: IToken[];
  KwAs?: IToken[];
  as?: IToken[];
  KwTo?: IToken[];
  to?: IToken[];
  KwPeer?: IToken[];
  peer?: IToken[];
  linkAttrs: LinkAttrsCstNode[];
};

export interface LinkAttrsCstNode extends CstNode {
  name: "linkAttrs";
  children: LinkAttrsCstChildren;
}

export type LinkAttrsCstChildren = {
  KwHairpin?: IToken[];
  KwMtu?: IToken[];
  mtu?: ExpressionCstNode[];
  KwHwaddr?: IToken[];
  hwaddr?: IToken[];
};

export interface MacvlanStmtCstNode extends CstNode {
  name: "macvlanStmt";
  children: MacvlanStmtCstChildren;
}

export type MacvlanStmtCstChildren = {
  KwMacvlan: IToken[];
  linkOptions: LinkOptionsCstNode[];
};

export interface IpvlanStmtCstNode extends CstNode {
  name: "ipvlanStmt";
  children: IpvlanStmtCstChildren;
}

export type IpvlanStmtCstChildren = {
  KwIpvlan: IToken[];
  linkOptions: LinkOptionsCstNode[];
};

export interface LinkOptionsCstNode extends CstNode {
  name: "linkOptions";
  children: LinkOptionsCstChildren;
}

export type LinkOptionsCstChildren = {
  KwOn: IToken[];
  parent: IToken[];
  KwMode?: IToken[];
  mode?: IToken[];
  KwAs?: IToken[];
  as?: IToken[];
  linkAttrs: LinkAttrsCstNode[];
};

export interface VlanStmtCstNode extends CstNode {
  name: "vlanStmt";
  children: VlanStmtCstChildren;
}

export type VlanStmtCstChildren = {
  KwVlan: IToken[];
  id: ExpressionCstNode[];
  KwOn: IToken[];
  parent: IToken[];
  KwAs?: IToken[];
  as?: IToken[];
  linkAttrs: LinkAttrsCstNode[];
};

export interface MoveStmtCstNode extends CstNode {
  name: "moveStmt";
  children: MoveStmtCstChildren;
}

export type MoveStmtCstChildren = {
  KwMove: IToken[];
  dev: IToken[];
  KwAs?: IToken[];
  as?: IToken[];
  linkAttrs: LinkAttrsCstNode[];
};

export interface AddrStmtCstNode extends CstNode {
  name: "addrStmt";
  children: AddrStmtCstChildren;
}

export type AddrStmtCstChildren = {
  KwAddr: IToken[];
  value: IToken[];
  KwFrom?: IToken[];
  pool?: IToken[];
  KwOn?: IToken[];
  on?: IToken[];
};

export interface RouteStmtCstNode extends CstNode {
  name: "routeStmt";
  children: RouteStmtCstChildren;
}

export type RouteStmtCstChildren = {
  KwRoute: IToken[];
  dst: IToken[];
  KwVia?: IToken[];
  via?: IToken[];
  KwDev?: IToken[];
  dev?: IToken[];
  KwOnlink?: IToken[];
};

export interface ProxyarpStmtCstNode extends CstNode {
  name: "proxyarpStmt";
  children: ProxyarpStmtCstChildren;
}

export type ProxyarpStmtCstChildren = {
  KwProxyarp: IToken[];
  KwOn: IToken[];
  on: IToken[];
};

export interface SysctlStmtCstNode extends CstNode {
  name: "sysctlStmt";
  children: SysctlStmtCstChildren;
}

export type SysctlStmtCstChildren = {
  KwSysctl: IToken[];
  KwMachine?: IToken[];
  key: IToken[];
  Equals: IToken[];
  value: TextCstNode[];
};

export interface LinkStateStmtCstNode extends CstNode {
  name: "linkStateStmt";
  children: LinkStateStmtCstChildren;
}

export type LinkStateStmtCstChildren = {
  state?: (IToken)[];
  dev: IToken[];
};

export interface NeighStmtCstNode extends CstNode {
  name: "neighStmt";
  children: NeighStmtCstChildren;
}

export type NeighStmtCstChildren = {
  KwNeigh: IToken[];
  KwProxy: IToken[];
  addr: IToken[];
  KwOn: IToken[];
  on: IToken[];
};

export interface CallStmtCstNode extends CstNode {
  name: "callStmt";
  children: CallStmtCstChildren;
}

export type CallStmtCstChildren = {
  callee: IToken[];
  arguments?: ArgumentsCstNode[];
  unknownStmt?: UnknownStmtCstNode[];
};

export interface UnknownStmtCstNode extends CstNode {
  name: "unknownStmt";
  children: UnknownStmtCstChildren;
}

export type UnknownStmtCstChildren = {
  AnyWord?: IToken[];
  StringTok?: IToken[];
  Pipe?: IToken[];
  Equals?: IToken[];
  Comma?: IToken[];
  DotDot?: IToken[];
  Plus?: IToken[];
  Minus?: IToken[];
  Star?: IToken[];
  Slash?: IToken[];
  Percent?: IToken[];
  block?: BlockCstNode[];
};

export interface TextCstNode extends CstNode {
  name: "text";
  children: TextCstChildren;
}

export type TextCstChildren = {
  StringTok?: IToken[];
  AnyWord?: IToken[];
};

export interface ArgumentsCstNode extends CstNode {
  name: "arguments";
  children: ArgumentsCstChildren;
}

export type ArgumentsCstChildren = {
  LParen: IToken[];
  arg?: (ExpressionCstNode)[];
  Comma?: IToken[];
  RParen: IToken[];
};

export interface ExpressionCstNode extends CstNode {
  name: "expression";
  children: ExpressionCstChildren;
}

export type ExpressionCstChildren = {
  operand: (TermCstNode)[];
  operator?: (IToken)[];
};

export interface TermCstNode extends CstNode {
  name: "term";
  children: TermCstChildren;
}

export type TermCstChildren = {
  operand: (UnaryCstNode)[];
  operator?: (IToken)[];
};

export interface UnaryCstNode extends CstNode {
  name: "unary";
  children: UnaryCstChildren;
}

export type UnaryCstChildren = {
  Minus?: IToken[];
  unary?: UnaryCstNode[];
  primary?: PrimaryCstNode[];
};

export interface PrimaryCstNode extends CstNode {
  name: "primary";
  children: PrimaryCstChildren;
}

export type PrimaryCstChildren = {
  NumberLit?: IToken[];
  StringTok?: IToken[];
  Address?: IToken[];
  VarRef?: IToken[];
  Url?: IToken[];
  Word?: IToken[];
  PrefixLen?: IToken[];
  Ident?: IToken[];
  arguments?: ArgumentsCstNode[];
  Dot?: IToken[];
  property?: IToken[];
  LParen?: IToken[];
  expression?: ExpressionCstNode[];
  RParen?: IToken[];
  list?: ListCstNode[];
};

export interface ListCstNode extends CstNode {
  name: "list";
  children: ListCstChildren;
}

export type ListCstChildren = {
  LBracket: IToken[];
  item?: (ExpressionCstNode)[];
  Comma?: IToken[];
  RBracket: IToken[];
};

export interface InterpolationCstNode extends CstNode {
  name: "interpolation";
  children: InterpolationCstChildren;
}

export type InterpolationCstChildren = {
  expression: ExpressionCstNode[];
};
