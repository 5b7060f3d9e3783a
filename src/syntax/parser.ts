import { CstParser, LLkLookaheadStrategy, type CstNode, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import {
  Address,
  AnyWord,
  Comma,
  Dot,
  DotDot,
  Equals,
  Ident,
  LAngle,
  LBracket,
  LParen,
  Minus,
  Newline,
  NumberLit,
  Percent,
  Pipe,
  PlainIdent,
  Plus,
  PrefixLen,
  RAngle,
  RBracket,
  RParen,
  RegexLit,
  Semicolon,
  Slash,
  Star,
  StringTok,
  UnterminatedString,
  Url,
  VarRef,
  Word,
  allTokens,
  kw,
} from "./tokens.js";
import { errorMessages } from "./messages.js";
import { LazyLookahead } from "./lazy-lookahead.js";

/** The depth of chevrotain's LL(k) decisions; the lookahead strategy is told the same. */
const MAX_LOOKAHEAD = 2;

/** Tokens that stand loose in a command, a junk run or an unknown statement. */
const LOOSE: readonly TokenType[] = [Equals, Comma, DotDot, Plus, Minus, Star, Slash, Percent];
const BRACKETS: readonly TokenType[] = [LParen, RParen, LBracket, RBracket];

/**
 * The nsnet grammar (grammar/nsnet.ebnf is its human-readable twin; a test keeps the
 * rule names identical). Pure recognition: no actions, the CST is turned into the AST
 * by to-ast.ts. Statements are parsed wherever they appear; which ones are allowed
 * in which block is decided later, so the message there can be semantic.
 */
export class NsnetParser extends CstParser {
  /**
   * `validate`: chevrotain's grammar checks (ambiguities, left recursion…). They cost a
   * large part of every start-up and find nothing new in a grammar that passed them, so
   * the one parser nsnet uses skips them; a test builds one with them and must not throw.
   */
  constructor(opts: { validate: boolean; eagerLookahead?: boolean; recovery?: boolean } = { validate: true }) {
    super(allTokens, {
      nodeLocationTracking: "full",
      // `recovery: false`: the parser that tries first (parseRule)
      recoveryEnabled: opts.recovery ?? true,
      maxLookahead: MAX_LOOKAHEAD,
      errorMessageProvider: errorMessages,
      skipValidations: !opts.validate,
      // `eagerLookahead`: chevrotain's own strategy, for the test that holds the two equal
      lookaheadStrategy: opts.eagerLookahead ? new LLkLookaheadStrategy({ maxLookahead: MAX_LOOKAHEAD }) : new LazyLookahead({ maxLookahead: MAX_LOOKAHEAD }),
    });
    this.performSelfAnalysis();
  }

  /** Top level. A `>` here closes nothing: it is kept in the tree and reported as stray. */
  script = this.RULE("script", () => {
    this.MANY(() =>
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => this.CONSUME(Newline) },
          { ALT: () => this.CONSUME(Semicolon) },
          { ALT: () => this.CONSUME(RAngle, { LABEL: "stray" }) },
          { ALT: () => this.SUBRULE(this.statement) },
          { ALT: () => this.SUBRULE(this.junk) },
        ],
      }),
    );
  });

  block = this.RULE("block", () => {
    this.CONSUME(LAngle);
    this.MANY(() =>
      this.OR({
        IGNORE_AMBIGUITIES: true,
        DEF: [
          { ALT: () => this.CONSUME(Newline) },
          { ALT: () => this.CONSUME(Semicolon) },
          { ALT: () => this.SUBRULE(this.statement) },
          { ALT: () => this.SUBRULE(this.junk) },
        ],
      }),
    );
    this.CONSUME(RAngle);
  });

  /**
   * Error production: a token that cannot start a statement (`10.0.0.1` alone, a `|`
   * after a command). Consumed here so parsing goes on; reported once by to-ast.ts.
   */
  junk = this.RULE("junk", () => {
    this.OR(this.anyOf([NumberLit, Address, VarRef, Url, Word, PrefixLen, StringTok, UnterminatedString, RegexLit, Pipe, ...BRACKETS, ...LOOSE]));
  });

  /** One alternative per token type, each kept under its own name in the CST. */
  private anyOf(types: readonly TokenType[]): { ALT: () => IToken }[] {
    return types.map((t) => ({ ALT: () => this.CONSUME(t) }));
  }

  statement = this.RULE("statement", () => {
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { ALT: () => this.SUBRULE(this.nsStmt) },
        { ALT: () => this.SUBRULE(this.hostStmt) },
        { ALT: () => this.SUBRULE(this.bridgeStmt) },
        { ALT: () => this.SUBRULE(this.poolStmt) },
        { ALT: () => this.SUBRULE(this.uplinkStmt) },
        { ALT: () => this.SUBRULE(this.letStmt) },
        { ALT: () => this.SUBRULE(this.defStmt) },
        { ALT: () => this.SUBRULE(this.useStmt) },
        { ALT: () => this.SUBRULE(this.forStmt) },
        { ALT: () => this.SUBRULE(this.natStmt) },
        { ALT: () => this.SUBRULE(this.portmapStmt) },
        { ALT: () => this.SUBRULE(this.partitionStmt) },
        { ALT: () => this.SUBRULE(this.expectStmt) },
        { ALT: () => this.SUBRULE(this.onStmt) },
        { ALT: () => this.SUBRULE(this.runStmt) },
        { ALT: () => this.SUBRULE(this.execStmt) },
        { ALT: () => this.SUBRULE(this.vethStmt) },
        { ALT: () => this.SUBRULE(this.macvlanStmt) },
        { ALT: () => this.SUBRULE(this.ipvlanStmt) },
        { ALT: () => this.SUBRULE(this.vlanStmt) },
        { ALT: () => this.SUBRULE(this.moveStmt) },
        { ALT: () => this.SUBRULE(this.addrStmt) },
        { ALT: () => this.SUBRULE(this.routeStmt) },
        { ALT: () => this.SUBRULE(this.proxyarpStmt) },
        { ALT: () => this.SUBRULE(this.sysctlStmt) },
        { ALT: () => this.SUBRULE(this.linkStateStmt) },
        { ALT: () => this.SUBRULE(this.neighStmt) },
        { ALT: () => this.SUBRULE(this.callStmt) },
      ],
    });
  });

  nsStmt = this.RULE("nsStmt", () => {
    this.CONSUME(kw("ns"));
    this.SUBRULE(this.text, { LABEL: "name" });
    this.OPTION(() => this.SUBRULE(this.block));
  });

  hostStmt = this.RULE("hostStmt", () => {
    this.CONSUME(kw("host"));
    this.SUBRULE(this.block);
  });

  /** `bridge NAME [existing] [< … >]`: `existing` uses a bridge someone else made, as-is. */
  bridgeStmt = this.RULE("bridgeStmt", () => {
    this.CONSUME(kw("bridge"));
    this.SUBRULE(this.text, { LABEL: "name" });
    this.OPTION(() => this.CONSUME(kw("existing")));
    this.OPTION2(() => this.SUBRULE(this.block));
  });

  poolStmt = this.RULE("poolStmt", () => {
    this.CONSUME(kw("pool"));
    this.CONSUME(Ident, { LABEL: "name" });
    this.CONSUME(AnyWord, { LABEL: "cidr" });
    this.OPTION(() => {
      this.CONSUME(kw("split"));
      this.OR([{ ALT: () => this.CONSUME(PrefixLen, { LABEL: "split" }) }, { ALT: () => this.CONSUME(NumberLit, { LABEL: "split" }) }]);
    });
    this.OPTION2(() => {
      this.CONSUME(kw("reserve"));
      this.AT_LEAST_ONE(() => {
        this.OPTION3(() => this.CONSUME(Comma));
        this.CONSUME2(AnyWord, { LABEL: "reserve" });
      });
    });
  });

  uplinkStmt = this.RULE("uplinkStmt", () => {
    this.CONSUME(kw("uplink"));
    this.CONSUME(AnyWord, { LABEL: "name" });
  });

  letStmt = this.RULE("letStmt", () => {
    this.CONSUME(kw("let"));
    this.CONSUME(Ident, { LABEL: "name" });
    this.CONSUME(Equals);
    this.SUBRULE(this.expression);
  });

  defStmt = this.RULE("defStmt", () => {
    this.CONSUME(kw("def"));
    this.CONSUME(Ident, { LABEL: "name" });
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.CONSUME2(Ident, { LABEL: "param" });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.CONSUME3(Ident, { LABEL: "param" });
      });
    });
    this.CONSUME(RParen);
    this.SUBRULE(this.block);
  });

  useStmt = this.RULE("useStmt", () => {
    this.CONSUME(kw("use"));
    this.SUBRULE(this.text, { LABEL: "path" });
  });

  forStmt = this.RULE("forStmt", () => {
    this.CONSUME(kw("for"));
    this.CONSUME(Ident, { LABEL: "variable" });
    this.CONSUME(kw("in"));
    this.SUBRULE(this.expression, { LABEL: "from" });
    this.OPTION(() => {
      this.CONSUME(DotDot);
      this.SUBRULE2(this.expression, { LABEL: "to" });
    });
    this.SUBRULE(this.block);
  });

  natStmt = this.RULE("natStmt", () => {
    this.CONSUME(kw("nat"));
    this.CONSUME(kw("from"));
    this.SUBRULE(this.text, { LABEL: "pattern" });
    this.CONSUME(kw("to"));
    this.CONSUME(AnyWord, { LABEL: "out" });
  });

  portmapStmt = this.RULE("portmapStmt", () => {
    this.CONSUME(kw("portmap"));
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(kw("tcp"), { LABEL: "proto" }) }, { ALT: () => this.CONSUME(kw("udp"), { LABEL: "proto" }) }]));
    this.SUBRULE(this.expression, { LABEL: "hostPort" });
    this.CONSUME(kw("to"));
    this.CONSUME(AnyWord, { LABEL: "target" });
  });

  /** `partition off` is the single group `off`, told apart in to-ast.ts. */
  partitionStmt = this.RULE("partitionStmt", () => {
    this.CONSUME(kw("partition"));
    this.SUBRULE(this.partitionGroup);
    this.MANY(() => {
      this.CONSUME(Pipe);
      this.SUBRULE2(this.partitionGroup);
    });
  });

  partitionGroup = this.RULE("partitionGroup", () => {
    this.CONSUME(AnyWord, { LABEL: "member" });
    this.MANY(() => {
      this.OPTION(() => this.CONSUME(Comma));
      this.CONSUME2(AnyWord, { LABEL: "member" });
    });
  });

  /** Each form starts with a word and is told apart by the next one; `NS: CMD… matches /re/`
   *  by the colon ending its first word. `points N` weighs any of them for `nsnet grade`. */
  expectStmt = this.RULE("expectStmt", () => {
    this.CONSUME(kw("expect"));
    this.OR({
      IGNORE_AMBIGUITIES: true,
      DEF: [
        { GATE: () => this.LA(1).image.endsWith(":") && this.LA(1).image.length > 1, ALT: () => this.SUBRULE(this.expectCommand) },
        { ALT: () => this.SUBRULE(this.expectHttp) },
        { ALT: () => this.SUBRULE(this.expectTcp) },
        { ALT: () => this.SUBRULE(this.expectSees) },
        { ALT: () => this.SUBRULE(this.expectRoute) },
        { ALT: () => this.SUBRULE(this.expectSysctl) },
        { ALT: () => this.SUBRULE(this.expectReach) },
      ],
    });
    this.OPTION(() => {
      this.CONSUME(kw("points"));
      this.SUBRULE(this.expression, { LABEL: "points" });
    });
  });

  /** `expect outside sees h1 as 203.0.113.1`: the source address outside sees h1's packets come from. */
  expectSees = this.RULE("expectSees", () => {
    this.CONSUME(AnyWord, { LABEL: "watcher" });
    this.CONSUME(kw("sees"));
    this.CONSUME2(AnyWord, { LABEL: "subject" });
    this.CONSUME(kw("as"));
    this.CONSUME3(AnyWord, { LABEL: "as" });
  });

  /** `expect h1 route default via 192.0.2.1 [dev eth0]`: a route in h1's table. */
  expectRoute = this.RULE("expectRoute", () => {
    this.CONSUME(AnyWord, { LABEL: "ns" });
    this.CONSUME(kw("route"));
    this.CONSUME2(AnyWord, { LABEL: "dst" });
    this.OPTION(() => {
      this.CONSUME(kw("via"));
      this.CONSUME3(AnyWord, { LABEL: "via" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw("dev"));
      this.CONSUME4(AnyWord, { LABEL: "dev" });
    });
  });

  /** `expect r1 sysctl net.ipv4.ip_forward = 1` */
  expectSysctl = this.RULE("expectSysctl", () => {
    this.CONSUME(AnyWord, { LABEL: "ns" });
    this.CONSUME(kw("sysctl"));
    this.CONSUME2(AnyWord, { LABEL: "key" });
    this.CONSUME(Equals);
    this.SUBRULE(this.text, { LABEL: "value" });
  });

  /** `expect h1: ping -c1 h3 matches /1 received/`: the command's words up to `matches PATTERN`. */
  expectCommand = this.RULE("expectCommand", () => {
    this.CONSUME(AnyWord, { LABEL: "ns" });
    this.AT_LEAST_ONE({
      GATE: () => !(this.LA(1).tokenType === kw("matches") && (this.LA(2).tokenType === RegexLit || this.LA(2).tokenType === StringTok)),
      DEF: () => this.SUBRULE(this.commandPiece),
    });
    this.CONSUME(kw("matches"));
    this.OR([{ ALT: () => this.CONSUME(RegexLit, { LABEL: "pattern" }) }, { ALT: () => this.CONSUME(StringTok, { LABEL: "pattern" }) }]);
  });

  expectHttp = this.RULE("expectHttp", () => {
    this.CONSUME(kw("http"));
    this.SUBRULE(this.text, { LABEL: "url" });
    this.CONSUME(kw("status"));
    this.SUBRULE(this.expression, { LABEL: "status" });
    this.CONSUME(kw("from"));
    this.CONSUME(AnyWord, { LABEL: "from" });
  });

  /** `ADDR:PORT` is one word; an IPv6 target is written `[2001:db8::1]:80`. */
  expectTcp = this.RULE("expectTcp", () => {
    this.CONSUME(kw("tcp"));
    this.OR([
      { ALT: () => this.CONSUME(AnyWord, { LABEL: "target" }) },
      {
        ALT: () => {
          this.CONSUME(LBracket);
          this.CONSUME(Address, { LABEL: "bracketed" });
          this.CONSUME(RBracket);
          this.CONSUME2(AnyWord, { LABEL: "port" });
        },
      },
    ]);
    this.CONSUME(kw("open"));
    this.CONSUME(kw("from"));
    this.CONSUME3(AnyWord, { LABEL: "from" });
  });

  expectReach = this.RULE("expectReach", () => {
    this.CONSUME(AnyWord, { LABEL: "from" });
    this.OPTION(() => this.CONSUME(kw("not")));
    this.CONSUME(kw("reaches"));
    this.CONSUME2(AnyWord, { LABEL: "to" });
    this.OPTION2(() => {
      this.CONSUME(kw("via"));
      this.CONSUME3(AnyWord, { LABEL: "via" });
    });
  });

  onStmt = this.RULE("onStmt", () => {
    this.CONSUME(kw("on"));
    this.OR([{ ALT: () => this.CONSUME(kw("add"), { LABEL: "action" }) }, { ALT: () => this.CONSUME(kw("remove"), { LABEL: "action" }) }]);
    this.SUBRULE(this.text, { LABEL: "pattern" });
    this.SUBRULE(this.block);
  });

  runStmt = this.RULE("runStmt", () => {
    this.CONSUME(kw("run"));
    this.CONSUME(kw("in"));
    this.CONSUME(AnyWord, { LABEL: "ns" });
    this.SUBRULE(this.command);
  });

  execStmt = this.RULE("execStmt", () => {
    this.CONSUME(kw("exec"));
    this.CONSUME(AnyWord, { LABEL: "ns" });
    this.SUBRULE(this.command);
  });

  /**
   * The rest of the line as words. Unquoted `;`, `>`, `<`, `|` and `#` are not part of
   * it (`;`/newline end the statement, `>` closes the enclosing block, `<`/`|` are
   * errors: quote them). Adjacent tokens with no space between are one argument.
   */
  command = this.RULE("command", () => {
    this.AT_LEAST_ONE(() => this.SUBRULE(this.commandPiece));
  });

  commandPiece = this.RULE("commandPiece", () => {
    this.OR(this.anyOf([AnyWord, StringTok, RegexLit, ...BRACKETS, ...LOOSE]));
  });

  vethStmt = this.RULE("vethStmt", () => {
    this.CONSUME(kw("veth"));
    this.OPTION(() => this.CONSUME(kw("pair")));
    // a far-end name, unless the next word starts a clause (`veth as eth1`)
    this.OPTION2({
      GATE: () => !isClauseKeyword(this.LA(1), [kw("as"), kw("to"), kw("peer"), kw("mtu"), kw("hwaddr"), kw("hairpin")]),
      DEF: () => this.CONSUME(AnyWord, { LABEL: "farName" }),
    });
    this.OPTION3(() => {
      this.CONSUME(kw("as"));
      this.CONSUME2(AnyWord, { LABEL: "as" });
    });
    this.OPTION4(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(kw("to"));
            this.CONSUME3(AnyWord, { LABEL: "to" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(kw("peer"));
            this.CONSUME4(AnyWord, { LABEL: "peer" });
          },
        },
      ]),
    );
    this.SUBRULE(this.linkAttrs);
  });

  /** `[mtu N] [hwaddr MAC] [hairpin]`, in any order, after any device statement. */
  linkAttrs = this.RULE("linkAttrs", () => {
    this.MANY(() =>
      this.OR([
        { ALT: () => this.CONSUME(kw("hairpin")) },
        {
          ALT: () => {
            this.CONSUME(kw("mtu"));
            this.SUBRULE(this.expression, { LABEL: "mtu" });
          },
        },
        {
          ALT: () => {
            this.CONSUME(kw("hwaddr"));
            this.CONSUME(AnyWord, { LABEL: "hwaddr" });
          },
        },
      ]),
    );
  });

  macvlanStmt = this.RULE("macvlanStmt", () => {
    this.CONSUME(kw("macvlan"));
    this.SUBRULE(this.linkOptions);
  });

  ipvlanStmt = this.RULE("ipvlanStmt", () => {
    this.CONSUME(kw("ipvlan"));
    this.SUBRULE(this.linkOptions);
  });

  /** `on PARENT [mode M] [as IF]`, shared by macvlan and ipvlan (modes checked when building the AST). */
  linkOptions = this.RULE("linkOptions", () => {
    this.CONSUME(kw("on"));
    this.CONSUME(AnyWord, { LABEL: "parent" });
    this.OPTION(() => {
      this.CONSUME(kw("mode"));
      this.CONSUME(Ident, { LABEL: "mode" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw("as"));
      this.CONSUME2(AnyWord, { LABEL: "as" });
    });
    this.SUBRULE(this.linkAttrs);
  });

  vlanStmt = this.RULE("vlanStmt", () => {
    this.CONSUME(kw("vlan"));
    this.SUBRULE(this.expression, { LABEL: "id" });
    this.CONSUME(kw("on"));
    this.CONSUME(AnyWord, { LABEL: "parent" });
    this.OPTION(() => {
      this.CONSUME(kw("as"));
      this.CONSUME2(AnyWord, { LABEL: "as" });
    });
    this.SUBRULE(this.linkAttrs);
  });

  moveStmt = this.RULE("moveStmt", () => {
    this.CONSUME(kw("move"));
    this.CONSUME(AnyWord, { LABEL: "dev" });
    this.OPTION(() => {
      this.CONSUME(kw("as"));
      this.CONSUME2(AnyWord, { LABEL: "as" });
    });
    this.SUBRULE(this.linkAttrs);
  });

  /** `addr CIDR` or `addr auto [from POOL]`: the word `auto` is told apart in to-ast.ts (keeps this LL(1)). */
  addrStmt = this.RULE("addrStmt", () => {
    this.CONSUME(kw("addr"));
    this.CONSUME(AnyWord, { LABEL: "value" });
    this.OPTION(() => {
      this.CONSUME(kw("from"));
      this.CONSUME(Ident, { LABEL: "pool" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw("on"));
      this.CONSUME2(AnyWord, { LABEL: "on" });
    });
  });

  /** `route default …` or `route CIDR …`: `default` is told apart in to-ast.ts. */
  routeStmt = this.RULE("routeStmt", () => {
    this.CONSUME(kw("route"));
    this.CONSUME(AnyWord, { LABEL: "dst" });
    this.OPTION(() => {
      this.CONSUME(kw("via"));
      this.CONSUME2(AnyWord, { LABEL: "via" });
    });
    this.OPTION2(() => {
      this.CONSUME(kw("dev"));
      this.CONSUME3(AnyWord, { LABEL: "dev" });
    });
    this.OPTION3(() => this.CONSUME(kw("onlink")));
  });

  proxyarpStmt = this.RULE("proxyarpStmt", () => {
    this.CONSUME(kw("proxyarp"));
    this.CONSUME(kw("on"));
    this.CONSUME(AnyWord, { LABEL: "on" });
  });

  /** `sysctl machine KEY = V`: the word that allows a machine-wide key at host level. */
  sysctlStmt = this.RULE("sysctlStmt", () => {
    this.CONSUME(kw("sysctl"));
    this.OPTION({
      GATE: () => this.LA(2).tokenType !== Equals,
      DEF: () => this.CONSUME(kw("machine")),
    });
    this.CONSUME(AnyWord, { LABEL: "key" });
    this.CONSUME(Equals);
    this.SUBRULE(this.text, { LABEL: "value" });
  });

  linkStateStmt = this.RULE("linkStateStmt", () => {
    this.OR([{ ALT: () => this.CONSUME(kw("up"), { LABEL: "state" }) }, { ALT: () => this.CONSUME(kw("down"), { LABEL: "state" }) }]);
    this.CONSUME(AnyWord, { LABEL: "dev" });
  });

  neighStmt = this.RULE("neighStmt", () => {
    this.CONSUME(kw("neigh"));
    this.CONSUME(kw("proxy"));
    this.CONSUME(AnyWord, { LABEL: "addr" });
    this.CONSUME(kw("on"));
    this.CONSUME2(AnyWord, { LABEL: "on" });
  });

  /**
   * `NAME(args)` calls a def. Anything else after a word that is no keyword is the
   * error production `unknownStmt`: it swallows the rest of the statement so one
   * misspelt keyword is one diagnostic (with "did you mean", built in to-ast.ts).
   */
  callStmt = this.RULE("callStmt", () => {
    this.CONSUME(PlainIdent, { LABEL: "callee" });
    this.OR([{ ALT: () => this.SUBRULE(this.arguments) }, { ALT: () => this.SUBRULE(this.unknownStmt) }]);
  });

  unknownStmt = this.RULE("unknownStmt", () => {
    this.MANY(() => this.OR(this.anyOf([AnyWord, StringTok, Pipe, ...LOOSE])));
    this.OPTION(() => this.SUBRULE(this.block));
  });

  /** A string or a single word (paths, patterns, sysctl values, URLs). */
  text = this.RULE("text", () => {
    this.OR([{ ALT: () => this.CONSUME(StringTok) }, { ALT: () => this.CONSUME(AnyWord) }]);
  });

  arguments = this.RULE("arguments", () => {
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "arg" });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression, { LABEL: "arg" });
      });
    });
    this.CONSUME(RParen);
  });

  // ─────────── expressions: let values, call arguments, `${…}` ───────────

  expression = this.RULE("expression", () => {
    this.SUBRULE(this.term, { LABEL: "operand" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(Plus, { LABEL: "operator" }) }, { ALT: () => this.CONSUME(Minus, { LABEL: "operator" }) }]);
      this.SUBRULE2(this.term, { LABEL: "operand" });
    });
  });

  term = this.RULE("term", () => {
    this.SUBRULE(this.unary, { LABEL: "operand" });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(Star, { LABEL: "operator" }) },
        { ALT: () => this.CONSUME(Slash, { LABEL: "operator" }) },
        { ALT: () => this.CONSUME(Percent, { LABEL: "operator" }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: "operand" });
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  primary = this.RULE("primary", () => {
    this.OR([
      { ALT: () => this.CONSUME(NumberLit) },
      { ALT: () => this.CONSUME(StringTok) },
      { ALT: () => this.CONSUME(Address) },
      { ALT: () => this.CONSUME(VarRef) },
      { ALT: () => this.CONSUME(Url) },
      { ALT: () => this.CONSUME(Word) },
      { ALT: () => this.CONSUME(PrefixLen) },
      {
        ALT: () => {
          this.CONSUME(Ident);
          this.OPTION(() =>
            this.OR2([
              { ALT: () => this.SUBRULE(this.arguments) },
              {
                ALT: () => {
                  this.CONSUME(Dot);
                  this.CONSUME2(Ident, { LABEL: "property" });
                },
              },
            ]),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(RParen);
        },
      },
      { ALT: () => this.SUBRULE(this.list) },
    ]);
  });

  list = this.RULE("list", () => {
    this.CONSUME(LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: "item" });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.expression, { LABEL: "item" });
      });
    });
    this.CONSUME(RBracket);
  });

  /** Start rule for the inside of `${…}`. */
  interpolation = this.RULE("interpolation", () => {
    this.SUBRULE(this.expression);
  });
}

function isClauseKeyword(token: IToken, keywords: TokenType[]): boolean {
  return keywords.includes(token.tokenType);
}

/**
 * The parser instance nsnet parses with first, and that answers questions about the grammar
 * (house rule: one parser, reused). It has no error recovery: chevrotain then skips
 * computing the grammar's resynchronisation sets when it builds the parser, a few ms of
 * every start (docs/startup.md), and on a text without syntax errors it builds the same tree
 * (a test holds the two equal on every example, stdlib and fixture script).
 */
export const parser = new NsnetParser({ validate: false, recovery: false });

let recovering: NsnetParser | undefined;

/** The parser with chevrotain's error recovery, built the first time a text has an error. */
function recoveringParser(): NsnetParser {
  recovering ??= new NsnetParser({ validate: false });
  return recovering;
}

/**
 * A start rule's CST and syntax errors for `tokens`. A text with an error is parsed again
 * with recovery, so that the tree holds everything that could be parsed and every error is
 * reported, not only the first.
 */
export function parseRule(rule: "script" | "interpolation", tokens: IToken[]): { cst: CstNode; errors: IRecognitionException[] } {
  parser.input = tokens;
  const cst = parser[rule]();
  if (parser.errors.length === 0) return { cst, errors: [] };
  const again = recoveringParser();
  again.input = tokens;
  return { cst: again[rule](), errors: [...again.errors] };
}
