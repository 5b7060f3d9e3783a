/**
 * The REPL session's state and the small helpers every layer of ReplCore uses. ReplCore is
 * one class built in layers, one file each, so that no file holds all of it:
 * session.ts (state) ← probes.ts ← capture-commands.ts ← view.ts ← session-files.ts ← core.ts
 * (input, statements, apply, undo). A layer calls only what is below it, and what core.ts
 * implements through an abstract method declared here.
 */
import kleur from "kleur";
import type { Compiled } from "../engine/types.js";
import type { ExpectResult } from "../engine/expect.js";
import { describeExpectation } from "../engine/expect.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { HOST, emptyTopology, type AddressedTopology, type Expectation } from "../model/topology.js";
import type { ReplEngine } from "./engine-port.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import type { SourcePiece } from "./compile-session.js";
import { EXIT_STATUS, type Outcome } from "./outcome.js";
import type { Streaming } from "../exec/runner.js";

export interface ReplIO {
  /** results */
  out(text: string): void;
  /** diagnostics and failures */
  err(text: string): void;
  color: boolean;
}

/**
 * Where a piece of input came from. Without one, the input was typed: it is numbered
 * (`<input 3>`) and its positions are those of the text as typed.
 */
export interface Origin {
  file: string;
  /** 1-based line (and column) where the text starts in that file */
  line: number;
  column?: number;
  /** the file's whole text as known now, for excerpts under diagnostics */
  source: () => string;
}

/** One accepted (or staged) input: a statement, or a whole file from `.load`. */
export interface Entry {
  piece: SourcePiece;
  /** the file, when the entry is a `.load` */
  loaded?: string;
  /** the allocations before this entry was applied (alone, or first of staged ones):
   *  `.undo` compiles what is left against them, so every address is back where it was */
  before?: AllocationSnapshot;
}

export abstract class ReplSession {
  protected readonly entries: Entry[] = [];
  /** checked but not applied yet (`.dry on`) */
  protected readonly stagedEntries: Entry[] = [];
  dry = false;
  verbose = false;
  /** `.echo on`: each input is printed after a prompt before it runs (piped transcripts) */
  echo = false;
  exitRequested = false;
  /** the most serious outcome so far (piped mode's exit status) */
  protected worst: Outcome = "ok";
  protected compiled?: Compiled;
  protected typed = 0;
  protected readonly sources = new Map<string, () => string>();
  /** entries applied since the session's expectations last all passed */
  protected sinceExpectsPassed: Entry[] = [];
  /** `.edit NAME`: the namespace being amended and the statements typed for it so far */
  protected editing?: { ns: string; lines: string[] };
  /** namespaces the kernel showed the last time it was read (completion offers them) */
  protected liveNamespaces: string[] = [];
  /** running `capture`s by NS:IF */
  protected readonly captures = new Map<string, Streaming>();

  constructor(
    protected readonly engine: ReplEngine,
    protected readonly io: ReplIO,
  ) {}

  /** the accepted inputs' text, oldest first (what `.save` writes) */
  get accepted(): string[] {
    return this.entries.map((e) => e.piece.text);
  }

  get staged(): string[] {
    return this.stagedEntries.map((e) => e.piece.text);
  }

  /** 0, or the code of the most serious failure (see outcome.ts) */
  get exitStatus(): number {
    return EXIT_STATUS[this.worst];
  }

  protected compile(entries: readonly Entry[]): Compiled {
    return this.engine.compile(entries.map((e) => e.piece));
  }

  protected refuse(message: string): Outcome {
    this.io.err(`${this.paint("error", "error")}: ${message}\n`);
    return "refused";
  }

  protected topology(): AddressedTopology {
    const c = this.compiled;
    return c?.addressed ?? (c?.topology ? { ...c.topology, resolved: [] } : { ...emptyTopology(), resolved: [] });
  }

  protected async readLive() {
    const live = await this.engine.live();
    this.liveNamespaces = live.namespaces;
    return live;
  }

  protected knownNamespaces(): string[] {
    return this.topology()
      .namespaces.map((n) => n.name)
      .filter((n) => n !== HOST);
  }

  protected paint(kind: "ok" | "error" | "dim", text: string): string {
    if (!this.io.color) return text;
    kleur.enabled = true;
    return kind === "ok" ? kleur.green(text) : kind === "error" ? kleur.bold().red(text) : kleur.dim(text);
  }

  // what the layers above (core.ts) implement and these call
  protected abstract statement(piece: SourcePiece, loaded?: string): Promise<Outcome>;
}

/** whether a diagnostic points into this piece */
export function isIn(d: Diagnostic, p: SourcePiece): boolean {
  const s = d.span.start;
  return d.span.file === p.file && (s.line > p.line || (s.line === p.line && s.column >= p.column));
}

export function expectsOf(c: Compiled): Expectation[] {
  return c.addressed?.expects ?? [];
}

/** the expectations `after` declares that `before` did not */
export function newExpects(before: Compiled | undefined, after: Compiled): Expectation[] {
  const old = new Set((before ? expectsOf(before) : []).map(describeExpectation));
  return expectsOf(after).filter((e) => !old.has(describeExpectation(e)));
}

export function expectLine(e: ExpectResult, paint: (kind: "ok" | "error", t: string) => string): string {
  return `${e.text}: ${e.ok ? paint("ok", "ok") : paint("error", "FAILED")}${e.detail ? ` (${e.detail})` : ""}\n`;
}

/** how an entry is named in messages: `ns h4 < … >` or `.load lab.nsnet` */
export function describe(e: Entry): string {
  if (e.loaded) return `.load ${e.loaded}`;
  const lines = e.piece.text.split("\n");
  return `\`${lines[0]!}${lines.length > 1 ? " …" : ""}\``;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** An input as a terminal would have shown it: the prompt, then `...> ` on each further line. */
export function echoed(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .map((l, i) => `${i === 0 ? "nsnet> " : "...> "}${l}`)
      .join("\n") + "\n"
  );
}
