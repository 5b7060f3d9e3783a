import type { Compiled, UpResult } from "../engine/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { HOST, type Expectation } from "../model/topology.js";
import type { AllocationSnapshot } from "../ipam/snapshot.js";
import { classifyInput } from "./input.js";
import { commandOnNodeHabit } from "./habits.js";
import type { CompletionContext } from "./completion.js";
import { commandWords, findCommand } from "./commands.js";
import { sessionStatements, type SourcePiece } from "./compile-session.js";
import { outcomeOf, worse, type Outcome } from "./outcome.js";
import { linkStatement } from "./link.js";
import { isIn, expectsOf, newExpects, expectLine, describe, plural, echoed, type Entry, type Origin } from "./session.js";
import { ReplFiles } from "./session-files.js";
export type { ReplIO, Origin } from "./session.js";

const OP_LINES = 30;

/**
 * The REPL's behaviour, independent of terminals: one complete piece of input in, text out.
 * The session is the list of accepted inputs; a new statement is compiled with the session
 * before it, and applied by `up` of the whole session — the engine's diff makes that one
 * small transaction of only the new statement's ops. `handle` never throws.
 */
export class ReplCore extends ReplFiles {
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

  protected async record(run: () => Promise<Outcome>): Promise<boolean> {
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

  protected async dispatch(text: string, origin: Origin | undefined): Promise<Outcome> {
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
  protected pieceOf(text: string, origin: Origin | undefined): SourcePiece {
    const lead = /^\s*/.exec(text)![0];
    const o: Origin = origin ?? this.typedOrigin(text);
    this.sources.set(o.file, o.source);
    const breaks = lead.split("\n").length - 1;
    const column = breaks ? lead.length - lead.lastIndexOf("\n") : (o.column ?? 1) + lead.length;
    return { text: text.trim(), file: o.file, line: o.line + breaks, column };
  }

  protected typedOrigin(text: string): Origin {
    const file = `<input ${++this.typed}>`;
    return { file, line: 1, source: () => text };
  }

  // ───────────────────────────── statements ─────────────────────────────

  protected async statement(piece: SourcePiece, loaded?: string): Promise<Outcome> {
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
  protected async habits(diags: Diagnostic[], piece: SourcePiece): Promise<Diagnostic[]> {
    if (!diags.some((d) => d.code === "NS104")) return diags;
    const live = await this.readLive().catch(() => undefined);
    const namespaces = [...this.knownNamespaces(), ...(live?.namespaces ?? [])];
    return diags.map((d) => commandOnNodeHabit(d, piece, namespaces) ?? d);
  }

  protected accept(added: Entry[], compiled: Compiled, allocations: AllocationSnapshot | undefined): void {
    if (allocations && added[0]) added[0].before = allocations;
    this.entries.push(...added);
    this.sinceExpectsPassed.push(...added);
    this.compiled = compiled;
  }

  /** The outcome of an `up`, in one line unless `.verbose on`. */
  protected report(result: UpResult, compiled: Compiled): Outcome {
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
  protected async runExpects(compiled: Compiled, which: readonly Expectation[], after?: { applied: Entry[]; ops: number }): Promise<Outcome> {
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

  protected render(diags: readonly Diagnostic[], compiled: Compiled): void {
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

  protected async command(name: string, arg: string): Promise<Outcome> {
    const cmd = findCommand(name);
    if (cmd) return cmd.run(this, arg);
    const guess = didYouMean(`.${name}`, commandWords());
    this.io.err(`${this.paint("error", "error")}: unknown command .${name}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}; .help lists them\n`);
    return "refused";
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
  protected async link(a: string, b: string, state: "up" | "down"): Promise<Outcome> {
    const text = linkStatement(this.topology(), a, b, state);
    if (typeof text !== "string") {
      this.io.err(`${this.paint("error", "error")}: ${text.error}\n`);
      return "refused";
    }
    this.io.out(`${this.paint("dim", text.split("\n").join("; "))}\n`);
    return this.statement(this.pieceOf(text, undefined));
  }
}
