import { writeFileSync } from "node:fs";
import kleur from "kleur";
import type { Compiled, UpResult } from "../engine/types.js";
import type { ExpectResult } from "../engine/expect.js";
import { describeExpectation } from "../engine/expect.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { HOST, emptyTopology, type AddressedTopology, type Expectation } from "../model/topology.js";
import { readScriptFile, ScriptFileError } from "../expand/fs-loader.js";
import type { ReplEngine, PingResult } from "./engine-port.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { classifyInput } from "./input.js";
import { addressFor, primaryAddresses, substituteNames } from "./addresses.js";
import { cellKey, formatMatrix, summarizeProbes } from "./matrix.js";
import { addrsView, graphView, linksView, nodesView } from "./views.js";
import { commandOnNodeHabit } from "./habits.js";
import type { CompletionContext } from "./completion.js";
import { commandWords, findCommand, helpText } from "./commands.js";
import { amendedScript, countStatements, sessionStatements, type SourcePiece } from "./compile-session.js";
import { EXIT_STATUS, outcomeOf, worse, type Outcome } from "./outcome.js";
import { explainPairs, reasonLines, whyText } from "./why.js";
import { linkStatement } from "./link.js";
import { driftStatements, findDrift, type DriftItem } from "./drift.js";
import type { Streaming } from "../exec/runner.js";
import { captureLabel, parseCapture } from "./capture.js";
import { existingNonFile } from "./capture-file.js";
import { countersText } from "./counters.js";

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
interface Entry {
  piece: SourcePiece;
  /** the file, when the entry is a `.load` */
  loaded?: string;
  /** the allocations before this entry was applied (alone, or first of staged ones):
   *  `.undo` compiles what is left against them, so every address is back where it was */
  before?: AllocationSnapshot;
}

const PROBE_CONCURRENCY = 8;
const OP_LINES = 30;
/** how long `capture` waits for tcpdump to say it is listening before going on anyway */
const CAPTURE_START_MS = 3_000;

/**
 * The REPL's behaviour, independent of terminals: one complete piece of input in, text out.
 * The session is the list of accepted inputs; a new statement is compiled with the session
 * before it, and applied by `up` of the whole session — the engine's diff makes that one
 * small transaction of only the new statement's ops. `handle` never throws.
 */
export class ReplCore {
  private readonly entries: Entry[] = [];
  /** checked but not applied yet (`.dry on`) */
  private readonly stagedEntries: Entry[] = [];
  dry = false;
  verbose = false;
  /** `.echo on`: each input is printed after a prompt before it runs (piped transcripts) */
  echo = false;
  exitRequested = false;
  /** the most serious outcome so far (piped mode's exit status) */
  private worst: Outcome = "ok";
  private compiled?: Compiled;
  private typed = 0;
  private readonly sources = new Map<string, () => string>();
  /** entries applied since the session's expectations last all passed */
  private sinceExpectsPassed: Entry[] = [];
  /** `.edit NAME`: the namespace being amended and the statements typed for it so far */
  private editing?: { ns: string; lines: string[] };
  /** namespaces the kernel showed the last time it was read (completion offers them) */
  private liveNamespaces: string[] = [];
  /** running `capture`s by NS:IF */
  private readonly captures = new Map<string, Streaming>();

  constructor(
    private readonly engine: ReplEngine,
    private readonly io: ReplIO,
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

  /** Handles one complete piece of input; true when it succeeded. */
  async handle(text: string, origin?: Origin): Promise<boolean> {
    if (this.echo && text.trim() !== "") this.io.out(echoed(text));
    return this.record(() => this.dispatch(text, origin));
  }

  /** `nsnet sandbox FILE` has just applied FILE and run its expects: FILE becomes the
   *  session as `.load FILE` would make it, without applying or probing again. */
  async adopt(file: string): Promise<boolean> {
    return this.record(() => this.load(file, { alreadyApplied: true }));
  }

  private async record(run: () => Promise<Outcome>): Promise<boolean> {
    let outcome: Outcome;
    try {
      outcome = await run();
    } catch (e) {
      // The REPL never dies: an internal error is reported and we go on.
      this.io.err(`${this.paint("error", "internal error")}: ${e instanceof Error ? e.message : String(e)}\n`);
      outcome = "refused";
    }
    this.worst = worse(this.worst, outcome);
    return outcome === "ok";
  }

  /** names the completer offers */
  completionContext(): CompletionContext {
    const topo = this.topology();
    const known = topo.namespaces.map((n) => n.name).filter((n) => n !== HOST);
    return {
      namespaces: [...new Set([...known, ...this.liveNamespaces])],
      bridges: topo.devices.filter((d) => d.kind === "bridge").map((d) => [d.ns, d.name] as const),
      interfaces: topo.devices.map((d) => [d.ns, d.name] as const),
      pools: topo.pools.map((p) => p.name),
    };
  }

  private async dispatch(text: string, origin: Origin | undefined): Promise<Outcome> {
    const input = classifyInput(text);
    switch (input.kind) {
      case "empty":
        return "ok";
      case "invalid":
        this.io.err(`${this.paint("error", "error")}: ${input.message}\n`);
        return "refused";
      case "command":
        return this.command(input.name, input.arg);
      case "exec":
        return this.exec(input.ns, input.argv);
      case "ping":
        return this.ping(input.a, input.b);
      case "pingall":
        return this.pingall();
      case "why":
        return this.why(input.a, input.b);
      case "link":
        return this.link(input.a, input.b, input.state);
      case "capture":
        return this.capture(input.rest);
      case "statement":
        if (this.editing) {
          this.editing.lines.push(input.text);
          this.io.out(`for ns ${this.editing.ns} (${this.editing.lines.length}; .edit done applies, .edit cancel drops)\n`);
          return "ok";
        }
        return this.statement(this.pieceOf(text, origin));
    }
  }

  /** The trimmed statement with the position its first character has in its file. */
  private pieceOf(text: string, origin: Origin | undefined): SourcePiece {
    const lead = /^\s*/.exec(text)![0];
    const o: Origin = origin ?? this.typedOrigin(text);
    this.sources.set(o.file, o.source);
    const breaks = lead.split("\n").length - 1;
    const column = breaks ? lead.length - lead.lastIndexOf("\n") : (o.column ?? 1) + lead.length;
    return { text: text.trim(), file: o.file, line: o.line + breaks, column };
  }

  private typedOrigin(text: string): Origin {
    const file = `<input ${++this.typed}>`;
    return { file, line: 1, source: () => text };
  }

  private compile(entries: readonly Entry[]): Compiled {
    return this.engine.compile(entries.map((e) => e.piece));
  }

  // ───────────────────────────── statements ─────────────────────────────

  private async statement(piece: SourcePiece, loaded?: string): Promise<Outcome> {
    const entry: Entry = loaded ? { piece, loaded } : { piece };
    const base = [...this.entries, ...this.stagedEntries];
    const pieces = [...base, entry];
    const compiled = this.compile(pieces);
    // Only what the new input brought: earlier warnings were shown when they were new.
    const fresh = compiled.diagnostics.filter((d) => d.severity === "error" || isIn(d, piece));
    this.render(await this.habits(fresh, piece), compiled);
    if (!compiled.ok) {
      this.io.err(`${this.paint("dim", "nothing changed")}\n`);
      return "refused";
    }
    // `ns h1 < route … >` for an h1 already there amends it (compile-session.ts): one input,
    // so one transaction, and one `.undo` puts the block back as it was
    const amends = sessionStatements(pieces.map((e) => e.piece)).amended.at(-1) ?? [];
    if (amends.length) this.io.out(`amending ${amends.map((n) => `ns ${n}`).join(", ")} (.undo takes it back)\n`);
    if (this.dry) {
      this.stagedEntries.push(entry);
      this.compiled = compiled;
      this.io.out(`staged (${this.stagedEntries.length} pending; .plan shows them, .apply runs them)\n`);
      return "ok";
    }
    const before = this.compiled;
    const allocations = this.engine.currentAllocations?.();
    const result = await this.engine.up(
      compiled,
      pieces.map((e) => e.piece),
    );
    const outcome = this.report(result, compiled);
    if (outcome !== "ok") return outcome;
    const added = [...this.stagedEntries.splice(0), entry];
    this.accept(added, compiled, allocations);
    // After a .load every expectation runs (the file may have changed what the older ones
    // test); after a statement, only the expectations it declares.
    const which = loaded ? expectsOf(compiled) : newExpects(before, compiled);
    if (!which.length) return "ok";
    return this.runExpects(compiled, which, { applied: added, ops: result.ops.length });
  }

  /** `h1 ping h2` (Mininet's way) draws NS104; when h1 is a namespace, offer `h1: ping h2`. */
  private async habits(diags: Diagnostic[], piece: SourcePiece): Promise<Diagnostic[]> {
    if (!diags.some((d) => d.code === "NS104")) return diags;
    const live = await this.readLive().catch(() => undefined);
    const namespaces = [...this.knownNamespaces(), ...(live?.namespaces ?? [])];
    return diags.map((d) => commandOnNodeHabit(d, piece, namespaces) ?? d);
  }

  private accept(added: Entry[], compiled: Compiled, allocations: AllocationSnapshot | undefined): void {
    if (allocations && added[0]) added[0].before = allocations;
    this.entries.push(...added);
    this.sinceExpectsPassed.push(...added);
    this.compiled = compiled;
  }

  /** The outcome of an `up`, in one line unless `.verbose on`. */
  private report(result: UpResult, compiled: Compiled): Outcome {
    this.render(
      result.diagnostics.filter((d) => !compiled.diagnostics.includes(d)),
      compiled,
    );
    switch (result.status) {
      case "ok":
      case "expect-failed": {
        const n = result.ops.length;
        if (n === 0) {
          this.io.out(`${this.paint("dim", "ok (no changes)")}\n`);
          return "ok";
        }
        if (this.verbose) {
          for (const op of result.ops.slice(0, OP_LINES)) this.io.out(`  ${this.paint("dim", "+")} ${op.summary}\n`);
          if (n > OP_LINES) this.io.out(`  … ${n - OP_LINES} more\n`);
        }
        this.io.out(`${this.paint("ok", "ok")}: ${plural(n, "op")} in ${Math.round(result.elapsedMs)} ms\n`);
        return "ok";
      }
      case "check-failed":
        this.io.err(`${this.paint("dim", "nothing changed")}\n`);
        return "refused";
      case "rolled-back":
        if (result.failure) this.io.err(`${this.paint("error", "error")}: ${result.failure.op.summary}: ${result.failure.message.trim()}\n`);
        this.io.err(`rolled back; nothing changed\n`);
        return "rolled-back";
      case "rollback-incomplete":
        if (result.failure) this.io.err(`${this.paint("error", "error")}: ${result.failure.op.summary}: ${result.failure.message.trim()}\n`);
        this.io.err(`${this.paint("error", "rollback incomplete")}; left behind:\n`);
        for (const l of result.leftovers ?? []) this.io.err(`  ${l}\n`);
        return "rollback-incomplete";
    }
  }

  /**
   * Runs expectations and prints one line each. When one fails, says what was applied
   * (that input, or everything since they last passed), that it stays, and how to undo it.
   */
  private async runExpects(compiled: Compiled, which: readonly Expectation[], after?: { applied: Entry[]; ops: number }): Promise<Outcome> {
    const results = await this.engine.expect(compiled, which);
    for (const e of results) this.io.out(expectLine(e, this.paint.bind(this)));
    const failed = results.filter((e) => !e.ok).length;
    const total = results.length;
    if (!failed) {
      if (which.length === expectsOf(compiled).length) this.sinceExpectsPassed = [];
      return "ok";
    }
    const count = total === 1 ? "the expectation failed" : `${failed} of ${total} expectations failed`;
    let what: string;
    if (after) {
      const names = after.applied.map(describe).join(", ");
      const one = after.applied.length === 1;
      const stays = `${one ? "it stays" : "they stay"} in the session (.undo removes ${one ? "it" : "the last"})`;
      what = `${count} after ${names} was applied (${plural(after.ops, "op")}); ${stays}`;
    } else if (this.sinceExpectsPassed.length) {
      what = `${count}; applied since they last passed: ${this.sinceExpectsPassed.map(describe).join(", ")} — still in the session (.undo removes the last)`;
    } else {
      what = `${count}; nothing was applied in this session since they last passed`;
    }
    this.io.err(`${this.paint("error", "error")}: ${what}\n`);
    return "expect-failed";
  }

  private render(diags: readonly Diagnostic[], compiled: Compiled): void {
    if (!diags.length) return;
    const sources = new Map(compiled.sources);
    for (const d of diags) {
      for (const file of [d.span.file, ...(d.related ?? []).map((r) => r.span.file)]) {
        const text = this.sources.get(file);
        if (text) sources.set(file, text());
      }
    }
    this.io.err(renderDiagnostics(diags, { sources, color: this.io.color }));
  }

  // ───────────────────────────── dot-commands ─────────────────────────────

  private async command(name: string, arg: string): Promise<Outcome> {
    const cmd = findCommand(name);
    if (cmd) return cmd.run(this, arg);
    const guess = didYouMean(`.${name}`, commandWords());
    this.io.err(`${this.paint("error", "error")}: unknown command .${name}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}; .help lists them\n`);
    return "refused";
  }

  help(): Outcome {
    this.io.out(helpText());
    return "ok";
  }

  exit(): Outcome {
    this.exitRequested = true;
    return "ok";
  }

  /** `capture NS:IF [-w FILE.pcap] [FILTER…]`: tcpdump's lines, prefixed with NS:IF, are
   *  printed as they come while the prompt takes input; `.capture off` stops it. */
  private async capture(rest: string): Promise<Outcome> {
    const req = parseCapture(rest);
    if (typeof req === "string") return this.refuse(req);
    const label = captureLabel(req);
    if (this.captures.has(label)) return this.refuse(`a capture on ${label} is running (.capture off ${label} stops it)`);
    if (req.ns !== HOST && !this.knownNamespaces().includes(req.ns)) {
      const live = await this.readLive().catch(() => undefined);
      if (!live?.namespaces.includes(req.ns)) return this.refuse(`no namespace ${req.ns}`);
    }
    if (req.file !== undefined) {
      const bad = existingNonFile(req.file);
      if (bad) return this.refuse(bad);
    }
    if (!this.engine.capture) return this.refuse("capture is not available here");
    const primary = primaryAddresses(this.compiled?.addressed);
    let listening: () => void = () => {};
    const ready = new Promise<void>((resolve) => (listening = resolve));
    const started = this.engine.capture({ ...req, filter: substituteNames(req.filter, primary) }, (line, fromStderr) => {
      // tcpdump says "listening on IF" once its socket is open: only then is a packet sent
      // after our "capturing" line sure to be seen
      if (fromStderr && line.startsWith("tcpdump: listening on ")) return listening();
      // the rest of its stderr (errors, the summary) is kept: it says why it stopped
      const text = `${this.paint("dim", `[${label}]`)} ${line}\n`;
      if (fromStderr) this.io.err(text);
      else this.io.out(text);
    });
    if (typeof started === "string") return this.refuse(started);
    this.captures.set(label, started);
    const ended = started.done.then((code) => {
      if (this.captures.get(label) === started) this.captures.delete(label);
      return code;
    });
    const first = await Promise.race([
      ready.then(() => "listening" as const),
      ended,
      new Promise<"slow">((r) => setTimeout(() => r("slow"), CAPTURE_START_MS).unref()),
    ]);
    if (typeof first === "number") return this.refuse(`tcpdump on ${label} ended at once (exit ${first})`);
    this.io.out(`${this.paint("ok", "capturing")} on ${label}${req.file ? ` into ${req.file}` : ""} (.capture off stops it)\n`);
    return "ok";
  }

  /** `.counters`: nft's counters on the NAT and partition rules */
  async counters(): Promise<Outcome> {
    if (!this.engine.firewall) return this.refuse(".counters is not available here");
    this.io.out(countersText(await this.engine.firewall()));
    return "ok";
  }

  /** `.capture off [NS:IF]` stops captures; `.capture` lists them. */
  async captureCommand(arg: string): Promise<Outcome> {
    const words = arg.split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      this.io.out(this.captures.size ? `${[...this.captures.keys()].map((l) => `capturing on ${l}`).join("\n")}\n` : "no capture running\n");
      return "ok";
    }
    if (words[0] !== "off" || words.length > 2) return this.refuse("usage: .capture off [NS:IF]   (capture NS:IF [FILTER…] starts one)");
    const which = words[1] === undefined ? [...this.captures.keys()] : [words[1]];
    if (words[1] !== undefined && !this.captures.has(words[1])) return this.refuse(`no capture on ${words[1]}`);
    await this.stopCaptures(which);
    this.io.out(which.length ? `stopped ${which.join(", ")}\n` : "no capture running\n");
    return "ok";
  }

  /** Stops captures (all by default); the REPL calls it when it ends. */
  async stopCaptures(which: readonly string[] = [...this.captures.keys()]): Promise<void> {
    await Promise.all(
      which.map(async (l) => {
        const c = this.captures.get(l);
        this.captures.delete(l);
        await c?.stop();
      }),
    );
  }

  private refuse(message: string): Outcome {
    this.io.err(`${this.paint("error", "error")}: ${message}\n`);
    return "refused";
  }

  async nodes(): Promise<Outcome> {
    this.io.out(nodesView(this.topology(), await this.readLive().catch(() => undefined)));
    return "ok";
  }

  links(): Outcome {
    this.io.out(linksView(this.topology()));
    return "ok";
  }

  addrs(): Outcome {
    this.io.out(addrsView(this.topology()));
    return "ok";
  }

  graph(): Outcome {
    this.io.out(graphView(this.topology()));
    return "ok";
  }

  private topology(): AddressedTopology {
    const c = this.compiled;
    return c?.addressed ?? (c?.topology ? { ...c.topology, resolved: [] } : { ...emptyTopology(), resolved: [] });
  }

  private async readLive() {
    const live = await this.engine.live();
    this.liveNamespaces = live.namespaces;
    return live;
  }

  private onOff(what: "dry" | "verbose" | "echo", arg: string): boolean | undefined {
    if (arg === "on") return true;
    if (arg === "off") return false;
    if (arg === "") return this[what];
    this.io.err(`usage: .${what} [on|off]\n`);
    return undefined;
  }

  setDry(arg: string): Outcome {
    const on = this.onOff("dry", arg);
    if (on === undefined) return "refused";
    this.dry = on;
    const pending = this.stagedEntries.length ? `; ${this.stagedEntries.length} staged (.apply runs them)` : "";
    this.io.out(`dry mode ${on ? "on" : "off"}${pending}\n`);
    return "ok";
  }

  setVerbose(arg: string): Outcome {
    const on = this.onOff("verbose", arg);
    if (on === undefined) return "refused";
    this.verbose = on;
    this.io.out(`verbose ${on ? "on: every op is listed" : "off: one line per statement"}\n`);
    return "ok";
  }

  setEcho(arg: string): Outcome {
    const on = this.onOff("echo", arg);
    if (on === undefined) return "refused";
    this.echo = on;
    this.io.out(`echo ${on ? "on: each input is shown before it runs" : "off"}\n`);
    return "ok";
  }

  async expectAll(): Promise<Outcome> {
    const compiled = this.compiled;
    const all = compiled ? expectsOf(compiled) : [];
    if (!compiled || !all.length) {
      this.io.out("no expectations in this session (write one: expect h1 reaches h2)\n");
      return "ok";
    }
    return this.runExpects(compiled, all);
  }

  async plan(): Promise<Outcome> {
    const compiled = this.compile([...this.entries, ...this.stagedEntries]);
    this.render(
      compiled.diagnostics.filter((d) => d.severity === "error"),
      compiled,
    );
    if (!compiled.ok) return "refused";
    const plan = await this.engine.plan(compiled);
    this.render(plan.diagnostics, compiled);
    if (!plan.ops.length) this.io.out("nothing to do\n");
    // the ownership marks (alias nsnet:PROJECT) only with `.verbose on`, as `plan --verbose`
    const marks = this.verbose ? 0 : plan.ops.filter((op) => op.effect.k === "alias").length;
    for (const op of plan.ops) if (this.verbose || op.effect.k !== "alias") this.io.out(`  ${op.index}. [${op.phase}] ${op.summary}\n`);
    if (plan.ops.length)
      this.io.out(`${plural(plan.ops.length, "op")}${marks ? ` (${marks} ownership mark${marks === 1 ? "" : "s"} not listed; .verbose on lists them)` : ""}\n`);
    return outcomeOf(!hasErrors(plan.diagnostics));
  }

  async apply(): Promise<Outcome> {
    if (!this.stagedEntries.length) {
      this.io.out("nothing staged\n");
      return "ok";
    }
    const pieces = [...this.entries, ...this.stagedEntries];
    const compiled = this.compile(pieces);
    if (!compiled.ok) {
      this.render(compiled.diagnostics, compiled);
      return "refused";
    }
    const before = this.compiled;
    const allocations = this.engine.currentAllocations?.();
    const result = await this.engine.up(
      compiled,
      pieces.map((e) => e.piece),
    );
    const outcome = this.report(result, compiled);
    if (outcome !== "ok") return outcome;
    const added = this.stagedEntries.splice(0);
    this.accept(added, compiled, allocations);
    const which = newExpects(before, compiled);
    return which.length ? this.runExpects(compiled, which, { applied: added, ops: result.ops.length }) : "ok";
  }

  async undo(): Promise<Outcome> {
    if (this.stagedEntries.length) {
      const e = this.stagedEntries.pop()!;
      this.compiled = this.compile([...this.entries, ...this.stagedEntries]);
      this.io.out(`unstaged: ${describe(e)}\n`);
      return "ok";
    }
    const last = this.entries[this.entries.length - 1];
    if (last === undefined) {
      this.io.out("nothing to undo\n");
      return "ok";
    }
    const rest = this.entries.slice(0, -1);
    // against the allocations from before `last`: an address it made move moves back
    const compiled = this.engine.compile(
      rest.map((e) => e.piece),
      last.before,
    );
    if (!compiled.ok) {
      this.render(compiled.diagnostics, compiled);
      this.io.err(`could not undo ${describe(last)}: what is left does not check\n`);
      return "refused";
    }
    // An undo is an ordinary `up` of what is left: a `run in` it drops is stopped by the
    // plan's service stop op (the proven-identity stop `down` uses), and a failure rolls
    // back, restarting what was stopped.
    const result = await this.engine.up(
      compiled,
      rest.map((e) => e.piece),
    );
    const outcome = this.report(result, compiled);
    if (outcome !== "ok") {
      this.io.err(`could not undo ${describe(last)}\n`);
      return outcome;
    }
    this.entries.pop();
    this.sinceExpectsPassed = this.sinceExpectsPassed.filter((e) => e !== last);
    this.compiled = compiled;
    this.io.out(`undone: ${describe(last)}\n`);
    return "ok";
  }

  /** The accepted session as a canonical script (staged statements are not applied, so not saved). */
  sessionScript(file: string): string {
    // an amended block is saved merged: two `ns h1` would not load again (NS307)
    const merged = amendedScript(this.entries.map((e) => e.piece));
    if (merged !== undefined) return merged;
    const text = this.accepted.join("\n");
    if (!text.trim()) return "";
    const f = this.engine.format(text + "\n", file);
    return hasErrors(f.diagnostics) ? text + "\n" : f.output;
  }

  /** `.save [--with-drift] FILE`: the session; a fresh live read first, and a warning when
   *  the session's namespaces hold addresses or routes it does not say (typed by hand) —
   *  `--with-drift` saves them too, as statements amending their blocks. */
  async save(arg: string): Promise<Outcome> {
    const words = arg.split(/\s+/).filter(Boolean);
    const withDrift = words[0] === "--with-drift";
    const file = withDrift ? words.slice(1).join(" ") : arg;
    if (!file) {
      this.io.err("usage: .save [--with-drift] FILE\n");
      return "refused";
    }
    const drift = await this.drift();
    let script = this.sessionScript(file);
    if (drift.length && withDrift) {
      const piece: SourcePiece = { text: driftStatements(drift), file: "<drift>", line: 1, column: 1 };
      script = amendedScript([...this.entries.map((e) => e.piece), piece]) ?? script;
    } else if (drift.length) {
      this.io.err(
        `${this.paint("error", "warning")}: live state has drifted from the session; not saved:\n${drift.map((d) => `  ${d.text}\n`).join("")}` +
          `  (.save --with-drift ${file} saves them too; .show ${[...new Set(drift.map((d) => d.ns))].join(" ")} shows the namespaces as they are)\n`,
      );
    }
    try {
      writeFileSync(file, script);
    } catch (e) {
      this.io.err(`${this.paint("error", "error")}: cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return "refused";
    }
    const n = countStatements(script, file);
    const note = this.stagedEntries.length ? ` (${this.stagedEntries.length} staged not saved)` : "";
    this.io.out(`saved ${plural(n, "statement")} to ${file}${note}\n`);
    return "ok";
  }

  /** what a fresh live read shows in the session's namespaces that the session does not say */
  private async drift(): Promise<DriftItem[]> {
    const topo = this.compiled?.addressed;
    if (!topo) return [];
    const live = await this.readLive().catch(() => undefined);
    return live ? findDrift(topo, live) : [];
  }

  /** `.load FILE`: the file is one input of the session (one `.undo` removes all of it). */
  async load(file: string, opts: { alreadyApplied?: boolean } = {}): Promise<Outcome> {
    if (!file) {
      this.io.err("usage: .load FILE\n");
      return "refused";
    }
    let text: string;
    try {
      // a regular file under the size cap: a FIFO would hang the session, /dev/zero fill memory
      text = readScriptFile(file, { regular: true });
    } catch (e) {
      if (!(e instanceof ScriptFileError)) throw e;
      this.io.err(`${this.paint("error", "error")}: ${e.message}\n`);
      return "refused";
    }
    if (classifyInput(text).kind === "empty") {
      this.io.out(`${file}: nothing to load\n`);
      return "ok";
    }
    this.sources.set(file, () => text);
    const piece: SourcePiece = { text: text.replace(/\s+$/, ""), file, line: 1, column: 1 };
    if (opts.alreadyApplied) {
      // `nsnet sandbox FILE` has just applied FILE and run its expects: adopt it as is.
      const compiled = this.compile([...this.entries, { piece, loaded: file }]);
      if (compiled.ok) {
        this.entries.push({ piece, loaded: file });
        this.compiled = compiled;
        return "ok";
      }
    }
    return this.statement(piece, file);
  }

  async down(): Promise<Outcome> {
    const r = await this.engine.down(this.compiled);
    if (r.status !== "ok") {
      this.io.err(`${this.paint("error", "down incomplete")}; left behind:\n`);
      for (const l of r.leftovers ?? []) this.io.err(`  ${l}\n`);
      return "rollback-incomplete";
    }
    this.entries.splice(0);
    this.stagedEntries.splice(0);
    this.sinceExpectsPassed = [];
    this.compiled = undefined;
    this.io.out(`${this.paint("ok", "ok")}: removed everything (${plural(r.undone ?? r.ops.length, "op")}); the session is empty\n`);
    return "ok";
  }

  /** `.show [NS…]`: what `nsnet show [NS…]` prints — the engine's one code path for both,
   *  sysctls and nft tables read, so `proxyarp`, `nat` and the rest come out the same. */
  async show(arg: string): Promise<Outcome> {
    const r = await this.engine.show(arg.split(/\s+/).filter(Boolean));
    if (!r.ok) {
      this.io.err(`${this.paint("error", "error")}: ${r.message}\n`);
      return "refused";
    }
    this.io.out(r.text);
    return "ok";
  }

  // ───────────────────────────── running things ─────────────────────────────

  private knownNamespaces(): string[] {
    return this.topology()
      .namespaces.map((n) => n.name)
      .filter((n) => n !== HOST);
  }

  private async exec(ns: string, argv: string[]): Promise<Outcome> {
    if (ns === HOST && !this.engine.hostCommands) {
      this.io.err(`${this.paint("error", "error")}: commands for the host run in your own shell, not here (inside \`nsnet sandbox\` they run here)\n`);
      return "refused";
    }
    const known = this.knownNamespaces();
    if (ns !== HOST && !known.includes(ns)) {
      const live = await this.readLive().catch(() => undefined);
      if (!live?.namespaces.includes(ns)) {
        const guess = didYouMean(ns, [...known, ...(live?.namespaces ?? [])]);
        this.io.err(`${this.paint("error", "error")}: no namespace ${ns}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}\n`);
        return "refused";
      }
    }
    const code = await this.engine.exec(ns, substituteNames(argv, primaryAddresses(this.compiled?.addressed)));
    if (code !== 0) this.io.err(`${this.paint("dim", `exit ${code}`)}\n`);
    return outcomeOf(code === 0);
  }

  /** A namespace name → (itself, its address); an address → (null, itself). */
  private endpoint(word: string, primary: ReadonlyMap<string, string>): { ns: string | null; addr?: string } | string {
    if (this.knownNamespaces().includes(word) || word === HOST) return { ns: word, addr: primary.get(word) };
    if (/^[0-9.]+$|:/.test(word)) return { ns: null, addr: word };
    const guess = didYouMean(word, this.knownNamespaces());
    return `no namespace ${word}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}`;
  }

  private async ping(a: string, b: string): Promise<Outcome> {
    const primary = primaryAddresses(this.compiled?.addressed);
    const ends = [this.endpoint(a, primary), this.endpoint(b, primary)];
    for (const e of ends) {
      if (typeof e === "string") {
        this.io.err(`${this.paint("error", "error")}: ${e}\n`);
        return "refused";
      }
    }
    const [ea, eb] = ends as { ns: string | null; addr?: string }[];
    const pairs: [string, string, string | undefined][] = [];
    if (ea!.ns) pairs.push([a, b, eb!.addr]);
    if (eb!.ns) pairs.push([b, a, ea!.addr]);
    const results = await this.probe(pairs.map(([f, t, addr]) => ({ from: f, to: t, addr })));
    this.io.out(formatMatrix([a, b], results));
    await this.explainFailed(
      pairs.map(([f, t]) => [f, t] as const),
      results,
    );
    return outcomeOf([...results.values()].every((r) => r.ok));
  }

  async pingall(): Promise<Outcome> {
    const names = this.knownNamespaces();
    if (names.length < 2) {
      this.io.out("pingall needs two namespaces or more\n");
      return "ok";
    }
    const primary = primaryAddresses(this.compiled?.addressed);
    const topo = this.compiled?.addressed;
    // each pair at the address on the segment they share (h3 pings its gateway r1 there)
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to, addr: addressFor(topo, from, to, primary) })));
    const results = await this.probe(pairs);
    this.io.out(formatMatrix(names, results));
    this.io.out(`${summarizeProbes(results)}\n`);
    await this.explainFailed(
      pairs.map((p) => [p.from, p.to] as const),
      results,
    );
    return outcomeOf([...results.values()].every((r) => r.ok));
  }

  /** `.edit NAME`: the statements typed next go inside `ns NAME < … >` and `.edit done`
   *  applies them together as one amendment of its block (one transaction, one `.undo`);
   *  `.edit cancel` drops them. */
  async edit(arg: string): Promise<Outcome> {
    const words = arg.split(/\s+/).filter(Boolean);
    if (words.length !== 1) return this.refuse("usage: .edit NAME, statements, then .edit done (or .edit cancel)");
    const w = words[0]!;
    const e = this.editing;
    if (w === "done" || w === "cancel") {
      if (!e) return this.refuse("not editing a namespace (.edit NAME starts)");
      this.editing = undefined;
      if (w === "cancel" || !e.lines.length) {
        this.io.out(`stopped editing ns ${e.ns}; nothing changed\n`);
        return "ok";
      }
      return this.statement(this.pieceOf(`ns ${e.ns} <\n${e.lines.map((l) => `  ${l}`).join("\n")}\n>`, undefined));
    }
    if (e) return this.refuse(`already editing ns ${e.ns} (.edit done applies, .edit cancel drops)`);
    if (!this.knownNamespaces().includes(w)) return this.refuse(`no namespace ${w} in this session`);
    this.editing = { ns: w, lines: [] };
    this.io.out(`editing ns ${w}: statements typed now go inside its block; .edit done applies them as one change (.undo takes it back)\n`);
    return "ok";
  }

  /** `link A B down|up`: the statements that set both ends of their veth (src/repl/link.ts),
   *  entered as if typed — they amend the namespaces' blocks, so `up`, `.save` and `.undo`
   *  treat them as any other change. */
  private async link(a: string, b: string, state: "up" | "down"): Promise<Outcome> {
    const text = linkStatement(this.topology(), a, b, state);
    if (typeof text !== "string") {
      this.io.err(`${this.paint("error", "error")}: ${text.error}\n`);
      return "refused";
    }
    this.io.out(`${this.paint("dim", text.split("\n").join("; "))}\n`);
    return this.statement(this.pieceOf(text, undefined));
  }

  /** `why A B`: the path walked, and the first place a ping or its reply is lost. */
  async why(a: string, b: string): Promise<Outcome> {
    const [r] = await explainPairs(this.engine, this.compiled, [[a, b]]);
    if (typeof r === "string" || r === undefined) {
      this.io.err(`${this.paint("error", "error")}: ${r ?? "no answer"}\n`);
      return "refused";
    }
    this.io.out(whyText(r, this.compiled, new Map([...this.sources].map(([f, text]) => [f, text()])), this.io.color));
    return "ok";
  }

  /** Under a matrix: why each probe that got no answer got none (src/repl/why.ts). */
  private async explainFailed(pairs: (readonly [string, string])[], results: ReadonlyMap<string, PingResult>): Promise<void> {
    const failed = pairs.filter(([f, t]) => results.get(cellKey(f, t))?.ok === false && !results.get(cellKey(f, t))?.error);
    if (failed.length) this.io.out(reasonLines(failed, await explainPairs(this.engine, this.compiled, failed)));
  }

  private async probe(pairs: { from: string; to: string; addr?: string }[]): Promise<Map<string, PingResult>> {
    const results = new Map<string, PingResult>();
    let next = 0;
    const worker = async () => {
      while (next < pairs.length) {
        const p = pairs[next++]!;
        const r: PingResult = p.addr
          ? await this.engine.ping(p.from, p.addr).catch((e: unknown) => ({ ok: false, error: String(e) }))
          : { ok: false, error: `${p.to} has no address` };
        results.set(cellKey(p.from, p.to), r);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PROBE_CONCURRENCY, pairs.length) }, worker));
    for (const p of pairs) {
      const r = results.get(cellKey(p.from, p.to));
      if (r?.error) this.io.err(`${p.from} \u2192 ${p.to}: ${r.error}\n`);
    }
    return results;
  }

  private paint(kind: "ok" | "error" | "dim", text: string): string {
    if (!this.io.color) return text;
    kleur.enabled = true;
    return kind === "ok" ? kleur.green(text) : kind === "error" ? kleur.bold().red(text) : kleur.dim(text);
  }
}

/** whether a diagnostic points into this piece */
function isIn(d: Diagnostic, p: SourcePiece): boolean {
  const s = d.span.start;
  return d.span.file === p.file && (s.line > p.line || (s.line === p.line && s.column >= p.column));
}

function expectsOf(c: Compiled): Expectation[] {
  return c.addressed?.expects ?? [];
}

/** the expectations `after` declares that `before` did not */
function newExpects(before: Compiled | undefined, after: Compiled): Expectation[] {
  const old = new Set((before ? expectsOf(before) : []).map(describeExpectation));
  return expectsOf(after).filter((e) => !old.has(describeExpectation(e)));
}

function expectLine(e: ExpectResult, paint: (kind: "ok" | "error", t: string) => string): string {
  return `${e.text}: ${e.ok ? paint("ok", "ok") : paint("error", "FAILED")}${e.detail ? ` (${e.detail})` : ""}\n`;
}

/** how an entry is named in messages: `ns h4 < … >` or `.load lab.nsnet` */
function describe(e: Entry): string {
  if (e.loaded) return `.load ${e.loaded}`;
  const lines = e.piece.text.split("\n");
  return `\`${lines[0]!}${lines.length > 1 ? " …" : ""}\``;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** An input as a terminal would have shown it: the prompt, then `...> ` on each further line. */
function echoed(text: string): string {
  return (
    text
      .trim()
      .split("\n")
      .map((l, i) => `${i === 0 ? "nsnet> " : "...> "}${l}`)
      .join("\n") + "\n"
  );
}
