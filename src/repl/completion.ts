import { readdirSync } from "node:fs";
import type { TokenType } from "chevrotain";
import { parser } from "../syntax/parser.js";
import { keywordTokens, mainLexer, STATEMENT_KEYWORDS } from "../syntax/tokens.js";
import { commandWords } from "./commands.js";

export interface CompletionContext {
  /** the session's namespaces and those the kernel last showed */
  namespaces: readonly string[];
  /** [ns, name] of the session's bridges */
  bridges: readonly (readonly [string, string])[];
  /** [ns, ifname] pairs */
  interfaces: readonly (readonly [string, string])[];
  pools: readonly string[];
  /** entries of a directory ("" = the current one); dirs end with "/" */
  listDir?: (dir: string) => string[];
}

/** The REPL's own one-liners (not statements of the language). */
const REPL_WORDS = ["ping", "pingall", "exec"];

const keywordOf = new Map<TokenType, string>([...keywordTokens].map(([word, t]) => [t, word]));

/**
 * node:repl completer shape: [candidates, the text they replace]. What is offered depends
 * on where the word is: a statement's first word offers the statements' keywords; a slot
 * that takes a name offers names of that kind only (`veth to ` offers bridges, `ns `
 * namespaces, `from ` after `addr auto` pools); elsewhere the keywords the grammar allows
 * next, as the parser itself computes them.
 */
export function complete(line: string, ctx: CompletionContext): [string[], string] {
  const file = /^\s*\.(?:save|load)\s+(\S*)$/.exec(line) ?? /\buse\s+"?([^"\s]*)$/.exec(line);
  if (file) return completeFile(file[1]!, ctx.listDir ?? listDirFs);
  if (/^\s*\.[A-Za-z]*$/.test(line)) {
    const word = line.trim();
    return [
      commandWords()
        .filter((c) => c.startsWith(word))
        .sort(),
      word,
    ];
  }
  const word = /[A-Za-z0-9_.:$-]*$/.exec(line)![0];
  const before = line.slice(0, line.length - word.length);
  const hits = candidates(before, ctx).filter((c) => c.startsWith(word));
  return [unique(hits).sort(), word];
}

function candidates(before: string, ctx: CompletionContext): string[] {
  const ns = ctx.namespaces;
  const qualified = (pairs: readonly (readonly [string, string])[]) => pairs.map(([n, i]) => `${n}:${i}`);
  const hostOnes = (pairs: readonly (readonly [string, string])[]) => pairs.filter(([n]) => n === "host").map(([, i]) => i);
  const interfaces = [...hostOnes(ctx.interfaces), ...qualified(ctx.interfaces)];

  // `h1: CMD…` and `exec h1 CMD…` run a command: names there become addresses
  if (/^\s*[A-Za-z0-9_][A-Za-z0-9_.-]*:\s/.test(before) || /^\s*exec\s+\S+\s/.test(before)) return [...ns];
  const words = statementWords(before);
  if (words === null) return [];
  const [first] = words;
  const last = words[words.length - 1];
  if (first === undefined) {
    const atLineStart = !/[<;]/.test(before);
    return [...STATEMENT_KEYWORDS, ...(atLineStart ? [...REPL_WORDS, ...ns.map((n) => `${n}:`)] : [])];
  }
  if (first === "ping" || (first === "exec" && words.length === 1)) return [...ns];
  switch (last) {
    case "ns":
      return words.length === 1 ? [...ns] : [];
    case "bridge":
      return words.length === 1 ? hostOnes(ctx.bridges) : [];
    case "to":
      if (first === "veth") return [...hostOnes(ctx.bridges), ...qualified(ctx.bridges.filter(([n]) => n !== "host"))];
      if (first === "nat") return interfaces;
      if (first === "portmap") return ns.map((n) => `${n}:`);
      break;
    case "peer":
      return [...ns, ...qualified(ctx.interfaces.filter(([n]) => n !== "host"))];
    case "from":
      if (first === "addr") return [...ctx.pools];
      if (first === "nat") return interfaces;
      if (first === "expect") return [...ns];
      break;
    case "on":
      return words.length === 1 ? ["add", "remove"] : interfaces;
    case "in":
      if (first === "run") return [...ns];
      break;
    case "expect":
      return [...ns, "http", "tcp"];
    case "reaches":
      return [...ns];
    case "dev":
    case "move":
    case "up":
    case "down":
      return interfaces;
  }
  if (first === "partition") return words.length === 1 ? [...ns, "off"] : [...ns];
  return followingKeywords(before, words.length);
}

/**
 * The words of the statement the cursor is in (after the last `<`, `;` or `>` of the
 * line), as the language's lexer splits them; null inside a string or a comment.
 */
function statementWords(before: string): string[] | null {
  const { tokens, groups } = mainLexer.tokenize(before);
  if ((groups.comments ?? []).length) return null;
  const words: string[] = [];
  for (const t of tokens) {
    const n = t.tokenType.name;
    if (n === "UnterminatedString") return null;
    if (n === "LAngle" || n === "RAngle" || n === "Semicolon" || n === "Newline") words.length = 0;
    else words.push(t.image);
  }
  return words;
}

/** Keywords the grammar allows after `before` (the parser's content assist), without the
 *  statement keywords a new statement would start with. */
function followingKeywords(before: string, wordsInStatement: number): string[] {
  const tokens = mainLexer.tokenize(before).tokens;
  let next: TokenType[];
  try {
    next = parser.computeContentAssist("script", tokens).map((s) => s.nextTokenType);
  } catch {
    return [];
  }
  const starts = new Set<string>(STATEMENT_KEYWORDS);
  return next.flatMap((t) => {
    const kw = keywordOf.get(t);
    return kw !== undefined && (wordsInStatement === 0 || !starts.has(kw)) ? [kw] : [];
  });
}

function completeFile(partial: string, listDir: (dir: string) => string[]): [string[], string] {
  const slash = partial.lastIndexOf("/");
  const dir = slash < 0 ? "" : partial.slice(0, slash + 1);
  const base = partial.slice(slash + 1);
  let entries: string[] = [];
  try {
    entries = listDir(dir);
  } catch {
    entries = [];
  }
  const hits = entries.filter((e) => e.startsWith(base) && (base.startsWith(".") || !e.startsWith(".")));
  return [hits.sort().map((e) => dir + e), partial];
}

function listDirFs(dir: string): string[] {
  return readdirSync(dir || ".", { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
