/**
 * What one complete piece of REPL input means, decided from its text alone (pure).
 * Statements of the language go to the engine; dot-commands, `exec NS CMD…`, `NS: CMD…`,
 * `ping A B`, `pingall` and `why A B` are the REPL's own and never enter the session.
 */
export type ReplInput =
  | { kind: "empty" }
  | { kind: "command"; name: string; arg: string }
  | { kind: "exec"; ns: string; argv: string[] }
  | { kind: "ping"; a: string; b: string }
  | { kind: "pingall" }
  | { kind: "why"; a: string; b: string }
  | { kind: "link"; a: string; b: string; state: "up" | "down" }
  | { kind: "capture"; rest: string }
  | { kind: "statement"; text: string }
  | { kind: "invalid"; message: string };

const DOT_COMMAND = /^\.([A-Za-z][A-Za-z-]*)(?:\s+([\s\S]*))?$/;
/** `h1: ping -c1 h2` — a statement never starts with `NAME:` (qualified refs come later) */
const SHORTHAND = /^([A-Za-z0-9_][A-Za-z0-9_.-]*):(?:\s+([\s\S]*))?$/;

export function classifyInput(text: string): ReplInput {
  const t = text.trim();
  if (isBlank(t)) return { kind: "empty" };
  const dot = DOT_COMMAND.exec(t);
  if (dot) return { kind: "command", name: dot[1]!, arg: (dot[2] ?? "").trim() };
  if (t.startsWith(".")) return { kind: "invalid", message: `not a command: ${t.split(/\s/)[0]} (try .help)` };
  const short = SHORTHAND.exec(t);
  if (short) return execInput(short[1]!, short[2] ?? "");
  const words = t.split(/\s+/);
  if (words[0] === "exec" && !t.includes("\n")) {
    const m = /^exec\s+(\S+)([\s\S]*)$/.exec(t);
    if (!m) return { kind: "invalid", message: "usage: exec NS CMD…" };
    return execInput(m[1]!, m[2]!);
  }
  if (words[0] === "capture" && !t.includes("\n")) return { kind: "capture", rest: t.slice("capture".length) };
  if (words[0] === "pingall" && words.length === 1) return { kind: "pingall" };
  if (words[0] === "ping" && !t.includes("\n")) {
    if (words.length !== 3) return { kind: "invalid", message: "usage: ping A B (namespaces or addresses)" };
    return { kind: "ping", a: words[1]!, b: words[2]! };
  }
  // `link A B down|up` (Mininet's); the language has no `link` statement
  if (words[0] === "link" && !t.includes("\n")) {
    if (words.length !== 4 || (words[3] !== "up" && words[3] !== "down"))
      return { kind: "invalid", message: "usage: link A B down|up (namespaces, NS:IF, host or a bridge)" };
    return { kind: "link", a: words[1]!, b: words[2]!, state: words[3] };
  }
  if (words[0] === "why" && !t.includes("\n")) {
    if (words.length !== 3) return { kind: "invalid", message: "usage: why A B (a namespace, then a namespace or an address)" };
    return { kind: "why", a: words[1]!, b: words[2]! };
  }
  return { kind: "statement", text: t };
}

function execInput(ns: string, rest: string): ReplInput {
  const argv = splitWords(rest);
  if (typeof argv === "string") return { kind: "invalid", message: argv };
  if (argv.length === 0) return { kind: "invalid", message: `no command given for ${ns} (e.g. ${ns}: ip addr)` };
  return { kind: "exec", ns, argv };
}

/** Only comments and whitespace. */
function isBlank(t: string): boolean {
  return t.split("\n").every((l) => l.trim() === "" || l.trim().startsWith("#"));
}

/**
 * Command words: whitespace separates, "double" (with \" and \\) and 'single' quotes group.
 * The result is an argv list for execve — nothing here is ever given to a shell.
 * Returns an error message for an unterminated quote.
 */
export function splitWords(text: string): string[] | string {
  const out: string[] = [];
  let cur = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = "";
      inWord = false;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return "unterminated ' quote";
      cur += text.slice(i + 1, end);
      i = end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) j++;
        cur += text[j];
      }
      if (j >= text.length) return 'unterminated " quote';
      i = j;
      inWord = true;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/**
 * Gathers input lines into complete pieces: a piece is complete when the engine's
 * `isIncomplete` says no block, string or `\` is left open. Dot-commands and the
 * REPL's own one-liners are complete on their first line.
 */
export class LineAssembler {
  private lines: string[] = [];

  constructor(private readonly isIncomplete: (text: string) => boolean) {}

  /** the complete piece, or null while more lines are needed */
  push(line: string): string | null {
    if (this.lines.length === 0 && /^\s*\./.test(line)) return line;
    this.lines.push(line);
    const text = this.lines.join("\n");
    if (this.incomplete(text)) return null;
    this.lines = [];
    return text;
  }

  /** A failure to tell counts as complete: the parser then says what is wrong. */
  private incomplete(text: string): boolean {
    try {
      return this.isIncomplete(text);
    } catch {
      return false;
    }
  }

  get pending(): boolean {
    return this.lines.length > 0;
  }

  /** what is left at end of input (an unterminated block), then empty */
  flush(): string | null {
    const text = this.lines.length ? this.lines.join("\n") : null;
    this.lines = [];
    return text;
  }

  reset(): void {
    this.lines = [];
  }
}
