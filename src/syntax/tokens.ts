import { createToken, Lexer, type CustomPatternMatcherReturn, type TokenType } from "chevrotain";
import { TokenScanner } from "./lexer.js";
import { isIdentPart, isIdentStart, scanRegex, scanString, scanUrl, scanWord } from "./scan.js";

/**
 * Tokens. Words (names, addresses, numbers, keywords, `c$i`, `198.51.100.${i+1}/24`)
 * are scanned once as a maximal run and then *classified* by shape; each class is its
 * own token type so the grammar can ask for "an address" or "the keyword `to`".
 * Keywords are contextual: every keyword is also an `Ident` and an `AnyWord`, so a
 * namespace may be called `lan`, `web` or even `up`.
 *
 * `${…}` interpolations stay inside the word or string token; the CST → AST step
 * re-lexes their inside with `interpolationLexer` and parses it with the same parser.
 */

// ─────────── categories (never produced by a lexer directly) ───────────
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA, label: "a word" });
export const Ident = createToken({ name: "Ident", pattern: Lexer.NA, categories: [AnyWord], label: "an identifier" });
export const PlainIdent = createToken({ name: "PlainIdent", pattern: Lexer.NA, categories: [Ident], label: "an identifier" });
export const NumberLit = createToken({ name: "NumberLit", pattern: Lexer.NA, categories: [AnyWord], label: "a number" });
export const VarRef = createToken({ name: "VarRef", pattern: Lexer.NA, categories: [AnyWord], label: "a $variable" });
export const Plus = createToken({ name: "Plus", pattern: Lexer.NA, label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: Lexer.NA, label: "'-'" });
export const Star = createToken({ name: "Star", pattern: Lexer.NA, label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: Lexer.NA, label: "'/'" });
export const Percent = createToken({ name: "Percent", pattern: Lexer.NA, label: "'%'" });

// Every token names the characters it can start with (start_chars_hint), those with a
// regular expression too, and says whether it spans lines (line_breaks): nsnet's lexer
// (TokenScanner, lexer.ts) tries a token only where it can start and counts lines only in
// tokens that span them, with nothing to analyse at start-up. A test holds each hint to
// what its pattern matches (test/syntax/lexer.test.ts).
const IDENT_START = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"];

// ─────────── trivia and punctuation ───────────
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED, start_chars_hint: [" ", "\t"], line_breaks: false });
/** `\` at the end of a line joins it with the next (also at the very end of the text). */
export const Continuation = createToken({
  name: "Continuation",
  pattern: custom((t, o) => {
    if (t[o] !== "\\") return -1;
    let j = o + 1;
    while (t[j] === " " || t[j] === "\t") j++;
    if (j === t.length) return j;
    if (t[j] === "\r" && t[j + 1] === "\n") return j + 2;
    return t[j] === "\n" || t[j] === "\r" ? j + 1 : -1;
  }),
  start_chars_hint: ["\\"],
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const Comment = createToken({ name: "Comment", pattern: /#[^\r\n]*/, group: "comments", start_chars_hint: ["#"], line_breaks: false });
export const Newline = createToken({ name: "Newline", pattern: /\r\n|\r|\n/, line_breaks: true, label: "newline", start_chars_hint: ["\r", "\n"] });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'", start_chars_hint: [";"], line_breaks: false });
export const LAngle = createToken({ name: "LAngle", pattern: /</, label: "'<'", start_chars_hint: ["<"], line_breaks: false });
export const RAngle = createToken({ name: "RAngle", pattern: />/, label: "'>'", start_chars_hint: [">"], line_breaks: false });
export const Pipe = createToken({ name: "Pipe", pattern: /\|/, label: "'|'", start_chars_hint: ["|"], line_breaks: false });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('", start_chars_hint: ["("], line_breaks: false });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'", start_chars_hint: [")"], line_breaks: false });
export const LBracket = createToken({ name: "LBracket", pattern: /\[/, label: "'['", start_chars_hint: ["["], line_breaks: false });
export const RBracket = createToken({ name: "RBracket", pattern: /\]/, label: "']'", start_chars_hint: ["]"], line_breaks: false });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','", start_chars_hint: [","], line_breaks: false });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "'='", start_chars_hint: ["="], line_breaks: false });
export const DotDot = createToken({ name: "DotDot", pattern: /\.\./, label: "'..'", start_chars_hint: ["."], line_breaks: false });
/** Only inside `${…}`: `pool.next`. Outside, dots belong to words. */
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'", start_chars_hint: ["."], line_breaks: false });

function custom(scan: (text: string, offset: number) => number) {
  return (text: string, offset: number): CustomPatternMatcherReturn | null => {
    const end = scan(text, offset);
    return end > offset ? ([text.slice(offset, end)] as unknown as CustomPatternMatcherReturn) : null;
  };
}

export const StringTok = createToken({
  name: "StringTok",
  pattern: custom((t, o) => (t[o] === '"' ? scanString(t, o) : -1)),
  start_chars_hint: ['"'],
  line_breaks: true,
  label: "a string",
});
/** A `"` never closed before the end of the text: lexed to the end of its line so the rest still parses. */
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"[^\r\n]*/,
  label: "an unterminated string",
  start_chars_hint: ['"'],
  line_breaks: false,
});
export const Url = createToken({
  name: "Url",
  pattern: custom(scanUrl),
  categories: [AnyWord],
  start_chars_hint: IDENT_START,
  line_breaks: false,
  label: "a URL",
});

/** `/re/flags` after `matches` (scan.ts, scanRegex): a pattern for `expect NS: CMD matches /re/`. */
export const RegexLit = createToken({
  name: "RegexLit",
  pattern: custom(scanRegex),
  start_chars_hint: ["/"],
  line_breaks: false,
  label: "a /pattern/",
});

// ─────────── word classification ───────────
export type WordKind =
  | { k: "op"; op: "+" | "-" | "*" | "/" | "%" }
  | { k: "number" }
  | { k: "prefix" }
  | { k: "var" }
  | { k: "address" }
  | { k: "keyword"; word: string }
  | { k: "ident" }
  | { k: "word" };

export const KEYWORDS = [
  "ns",
  "host",
  "bridge",
  "pool",
  "uplink",
  "let",
  "def",
  "use",
  "for",
  "in",
  "nat",
  "from",
  "to",
  "portmap",
  "tcp",
  "udp",
  "partition",
  "off",
  "expect",
  "reaches",
  "not",
  "http",
  "status",
  "open",
  "on",
  "add",
  "remove",
  "run",
  "exec",
  "veth",
  "pair",
  "as",
  "peer",
  "macvlan",
  "mode",
  "ipvlan",
  "vlan",
  "move",
  "addr",
  "auto",
  "route",
  "default",
  "via",
  "dev",
  "onlink",
  "proxyarp",
  "sysctl",
  "up",
  "down",
  "neigh",
  "proxy",
  "split",
  "reserve",
  "machine",
  "mtu",
  "hwaddr",
  "hairpin",
  "existing",
  "matches",
  "points",
  "sees",
] as const;
export type Keyword = (typeof KEYWORDS)[number];
/** The keywords a statement starts with: the first tokens of the parser's `statement`
 *  alternatives (a test holds the two equal). */
export const STATEMENT_KEYWORDS: readonly Keyword[] = [
  "ns",
  "host",
  "bridge",
  "pool",
  "uplink",
  "let",
  "def",
  "use",
  "for",
  "nat",
  "portmap",
  "partition",
  "expect",
  "on",
  "run",
  "exec",
  "veth",
  "macvlan",
  "ipvlan",
  "vlan",
  "move",
  "addr",
  "route",
  "proxyarp",
  "sysctl",
  "up",
  "down",
  "neigh",
];
const KEYWORD_SET = new Set<string>(KEYWORDS);

/** Replaces `$x` / `${…}` by `0` so an interpolated address keeps its shape. */
export function shapeOf(image: string): { shape: string; interpolated: boolean } {
  if (!image.includes("$")) return { shape: image, interpolated: false };
  let out = "";
  let interpolated = false;
  for (let j = 0; j < image.length; ) {
    if (image[j] === "$") {
      const end = dollarEnd(image, j);
      if (end > j + 1) {
        out += "0";
        interpolated = true;
        j = end;
        continue;
      }
    }
    out += image[j];
    j++;
  }
  return { shape: out, interpolated };
}

/** End of a `$name` or a closed `${…}` at j, or j+1 for a literal `$`. */
export function dollarEnd(image: string, j: number): number {
  if (image[j + 1] === "{") {
    let depth = 0;
    for (let k = j + 1; k < image.length; k++) {
      const c = image[k];
      if (c === '"') {
        const e = scanString(image, k, false);
        if (e < 0) return j + 1;
        k = e - 1;
      } else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) return k + 1;
    }
    return j + 1;
  }
  if (!isIdentStart(image[j + 1])) return j + 1;
  let k = j + 2;
  while (isIdentPart(image[k])) k++;
  return k;
}

const IPV4_SHAPE = /^\d+(?:\.\d+)+(?:\/\d*)?$/;
const IPV6_SHAPE = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:\/\d*)?$/;

export function isIpv6Shape(shape: string): boolean {
  // `.::` is a plain word: no address starts with a dot (and the Address token is never
  // tried at a `.`, so calling it one would leave the word unlexed)
  if (shape.startsWith(".") || !IPV6_SHAPE.test(shape)) return false;
  const colons = shape.split("/")[0]!.split(":").length - 1;
  return shape.includes("::") || colons >= 2;
}

export function classifyWord(image: string): WordKind {
  switch (image) {
    case "+":
    case "-":
    case "*":
    case "/":
    case "%":
      return { k: "op", op: image };
  }
  if (/^\d+$/.test(image)) return { k: "number" };
  if (/^\/\d+$/.test(image)) return { k: "prefix" };
  if (image[0] === "$" && dollarEnd(image, 0) === image.length && image.length > 1) return { k: "var" };
  const { shape } = shapeOf(image);
  if (IPV4_SHAPE.test(shape) || isIpv6Shape(shape)) return { k: "address" };
  if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(image)) return KEYWORD_SET.has(image) ? { k: "keyword", word: image } : { k: "ident" };
  return { k: "word" };
}

// One scan per offset, shared by all word-class matchers (the lexer tries them in turn).
let memoText = "";
let memoOffset = -1;
let memoEnd = -1;
let memoKind: WordKind = { k: "word" };
function wordAt(text: string, offset: number): { end: number; kind: WordKind } {
  if (text !== memoText || offset !== memoOffset) {
    memoText = text;
    memoOffset = offset;
    memoEnd = scanWord(text, offset);
    memoKind = memoEnd > offset ? classifyWord(text.slice(offset, memoEnd)) : { k: "word" };
  }
  return { end: memoEnd, kind: memoKind };
}

function wordMatcher(accept: (k: WordKind) => boolean) {
  return (text: string, offset: number): CustomPatternMatcherReturn | null => {
    const { end, kind } = wordAt(text, offset);
    if (end <= offset || !accept(kind)) return null;
    return [text.slice(offset, end)] as unknown as CustomPatternMatcherReturn;
  };
}

const STOPS = new Set(' \t\r\n#;<>|"()[],=\\');
const WORD_START: string[] = [];
for (let c = 33; c < 127; c++) if (!STOPS.has(String.fromCharCode(c))) WORD_START.push(String.fromCharCode(c));

function wordToken(name: string, label: string, categories: TokenType[], accept: (k: WordKind) => boolean, hint = WORD_START): TokenType {
  return createToken({ name, pattern: wordMatcher(accept), categories, start_chars_hint: hint, line_breaks: false, label });
}

const DIGITS = [..."0123456789"];
export const WordPlus = wordToken("WordPlus", "'+'", [Plus], (k) => k.k === "op" && k.op === "+", ["+"]);
export const WordMinus = wordToken("WordMinus", "'-'", [Minus], (k) => k.k === "op" && k.op === "-", ["-"]);
export const WordStar = wordToken("WordStar", "'*'", [Star], (k) => k.k === "op" && k.op === "*", ["*"]);
export const WordSlash = wordToken("WordSlash", "'/'", [Slash], (k) => k.k === "op" && k.op === "/", ["/"]);
export const WordPercent = wordToken("WordPercent", "'%'", [Percent], (k) => k.k === "op" && k.op === "%", ["%"]);
export const WordNumber = wordToken("WordNumber", "a number", [NumberLit], (k) => k.k === "number", DIGITS);
/** `/24` in `split /24` */
export const PrefixLen = wordToken("PrefixLen", "a prefix length like /24", [AnyWord], (k) => k.k === "prefix", ["/"]);
export const WordVar = wordToken("WordVar", "a $variable", [VarRef], (k) => k.k === "var", ["$"]);
export const Address = wordToken("Address", "an address", [AnyWord], (k) => k.k === "address", [...DIGITS, ..."abcdefABCDEF:$"]);

/** Keyword token types by spelling; each is an Ident too (contextual keywords). */
export const keywordTokens = new Map<string, TokenType>();
for (const kw of KEYWORDS) {
  const name = "Kw" + kw[0]!.toUpperCase() + kw.slice(1);
  keywordTokens.set(
    kw,
    wordToken(name, `'${kw}'`, [Ident], (k) => k.k === "keyword" && k.word === kw, [kw[0]!]),
  );
}
export function kw(word: (typeof KEYWORDS)[number]): TokenType {
  return keywordTokens.get(word)!;
}
export const WordIdent = wordToken("WordIdent", "an identifier", [PlainIdent], (k) => k.k === "ident", IDENT_START);
/** Anything else: `c$i`, `ve-+`, `web:8080`, `--port`, `/srv`. */
export const Word = wordToken("Word", "a word", [AnyWord], (k) => k.k === "word");

export const mainTokens: TokenType[] = [
  WhiteSpace,
  Continuation,
  Comment,
  Newline,
  Semicolon,
  LAngle,
  RAngle,
  Pipe,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Equals,
  DotDot,
  StringTok,
  UnterminatedString,
  Url,
  RegexLit,
  WordPlus,
  WordMinus,
  WordStar,
  WordSlash,
  WordPercent,
  WordNumber,
  PrefixLen,
  WordVar,
  Address,
  ...keywordTokens.values(),
  WordIdent,
  Word,
];

// ─────────── inside `${…}`: a plain expression language ───────────
export const InterpNumber = createToken({
  name: "InterpNumber",
  pattern: /\d+/,
  categories: [NumberLit],
  label: "a number",
  start_chars_hint: DIGITS,
  line_breaks: false,
});
export const InterpIdent = createToken({
  name: "InterpIdent",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [PlainIdent],
  label: "a name",
  start_chars_hint: IDENT_START,
  line_breaks: false,
});
export const InterpVar = createToken({
  name: "InterpVar",
  pattern: /\$[A-Za-z_][A-Za-z0-9_]*/,
  categories: [VarRef],
  label: "a $variable",
  start_chars_hint: ["$"],
  line_breaks: false,
});
const InterpPlus = createToken({ name: "InterpPlus", pattern: /\+/, categories: [Plus], label: "'+'", start_chars_hint: ["+"], line_breaks: false });
const InterpMinus = createToken({ name: "InterpMinus", pattern: /-/, categories: [Minus], label: "'-'", start_chars_hint: ["-"], line_breaks: false });
const InterpStar = createToken({ name: "InterpStar", pattern: /\*/, categories: [Star], label: "'*'", start_chars_hint: ["*"], line_breaks: false });
const InterpSlash = createToken({ name: "InterpSlash", pattern: /\//, categories: [Slash], label: "'/'", start_chars_hint: ["/"], line_breaks: false });
const InterpPercent = createToken({ name: "InterpPercent", pattern: /%/, categories: [Percent], label: "'%'", start_chars_hint: ["%"], line_breaks: false });
const InterpSpace = createToken({ name: "InterpSpace", pattern: /[ \t]+/, group: Lexer.SKIPPED, start_chars_hint: [" ", "\t"], line_breaks: false });

export const interpolationTokens: TokenType[] = [
  InterpSpace,
  StringTok,
  UnterminatedString,
  InterpNumber,
  InterpVar,
  InterpIdent,
  InterpPlus,
  InterpMinus,
  InterpStar,
  InterpSlash,
  InterpPercent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  DotDot,
  Dot,
];

/** Every token type the parser may meet (categories included, as chevrotain wants). */
export const allTokens: TokenType[] = [
  ...mainTokens,
  ...interpolationTokens.filter((t) => !mainTokens.includes(t)),
  AnyWord,
  Ident,
  PlainIdent,
  NumberLit,
  VarRef,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
];

/** How chevrotain's own Lexer would be configured for these tokens. nsnet lexes with
 *  TokenScanner (lexer.ts), which does what that Lexer does without building it; the tests
 *  build chevrotain's with this configuration, its token checks on, and compare the two
 *  (test/syntax/lexer.test.ts, test/syntax/grammar.test.ts). */
export const lexerConfig = { positionTracking: "full", ensureOptimizations: false, recoveryEnabled: true, skipValidations: true } as const;

export const mainLexer = new TokenScanner(mainTokens);
let interpolation: TokenScanner | undefined;
/** The lexer of `${…}` insides, built the first time a script has one. */
export function interpolationLexer(): TokenScanner {
  interpolation ??= new TokenScanner(interpolationTokens);
  return interpolation;
}
