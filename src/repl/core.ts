import { readFileSync, writeFileSync } from "node:fs";
import kleur from "kleur";
import type { Compiled, UpResult } from "../engine/types.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { HOST, emptyTopology, type AddressedTopology } from "../model/topology.js";
import type { ReplEngine, PingResult } from "./engine-port.js";
import { classifyInput } from "./input.js";
import { primaryAddresses, substituteNames } from "./addresses.js";
import { cellKey, formatMatrix, summarizeProbes } from "./matrix.js";
import { addrsView, graphView, linksView, liveView, nodesView } from "./views.js";
import type { CompletionContext } from "./completion.js";

export interface ReplIO {
  /** results */
  out(text: string): void;
  /** diagnostics and failures */
  err(text: string): void;
  color: boolean;
}

export const HELP = `Type statements of the nsnet language; each complete one is checked and applied at once.
  ns h1 < veth to br0; addr 192.0.2.1/24 >     a block may span lines (prompt ...>)
  exec NS CMD…   or   NS: CMD…                run a command in NS; namespace names in
                                              the arguments become their addresses
  ping A B                                    one probe each way, as a matrix
  pingall                                     every namespace to every other
Dot-commands:
  .help               this text
  .show [NS]          live state of the session's namespaces (or NS)
  .nodes .links .addrs   what the session declares
  .graph              a text picture of namespaces, interfaces and what they connect to
  .dry [on|off]       stage statements instead of applying them
  .plan               what applying the staged statements would do
  .apply              apply the staged statements
  .undo               drop the last statement (and remove what it built)
  .save FILE          write the session as a canonical script
  .load FILE          apply a script into the session
  .down               remove everything the session built
  .pingall            same as pingall
  .exit               leave (Ctrl-D too); Ctrl-C cancels the current input
`;

const PROBE_CONCURRENCY = 8;

/**
 * The REPL's behaviour, independent of terminals: one complete piece of input in, text out.
 * The session is the list of accepted statements; a new statement is compiled with the
 * session before it, and applied by `up` of the whole session — the engine's diff makes that
 * one small transaction of only the new statement's ops. `handle` never throws.
 */
export class ReplCore {
  /** statements applied and kept (what `.save` writes) */
  readonly accepted: string[] = [];
  /** statements checked but not applied yet (`.dry on`) */
  readonly staged: string[] = [];
  dry = false;
  exitRequested = false;
  /** how many inputs failed (piped mode's exit status) */
  failures = 0;
  private compiled?: Compiled;

  constructor(
    private readonly engine: ReplEngine,
    private readonly io: ReplIO,
    private readonly file = "<repl>",
  ) {}

  /** Handles one complete piece of input; true when it succeeded. */
  async handle(text: string): Promise<boolean> {
    let ok: boolean;
    try {
      ok = await this.dispatch(text);
    } catch (e) {
      // The REPL never dies (house rule 3): an internal error is reported and we go on.
      this.io.err(`${this.paint("error", "internal error")}: ${e instanceof Error ? e.message : String(e)}\n`);
      ok = false;
    }
    if (!ok) this.failures++;
    return ok;
  }

  /** names the completer offers */
  completionContext(): CompletionContext {
    const topo = this.topology();
    return {
      namespaces: topo.namespaces.map((n) => n.name),
      interfaces: topo.devices.map((d) => [d.ns, d.name] as const),
      pools: topo.pools.map((p) => p.name),
    };
  }

  private async dispatch(text: string): Promise<boolean> {
    const input = classifyInput(text);
    switch (input.kind) {
      case "empty":
        return true;
      case "invalid":
        this.io.err(`${this.paint("error", "error")}: ${input.message}\n`);
        return false;
      case "command":
        return this.command(input.name, input.arg);
      case "exec":
        return this.exec(input.ns, input.argv);
      case "ping":
        return this.ping(input.a, input.b);
      case "pingall":
        return this.pingall();
      case "statement":
        return this.statement(input.text);
    }
  }

  // ───────────────────────────── statements ─────────────────────────────

  private sessionText(statements: readonly string[]): string {
    return statements.join("\n");
  }

  private async statement(s: string): Promise<boolean> {
    const base = [...this.accepted, ...this.staged];
    const baseText = this.sessionText(base);
    const start = base.length ? baseText.length + 1 : 0;
    const compiled = this.engine.compile(this.sessionText([...base, s]), this.file);
    // Only what the new statement brought: earlier warnings were shown when they were new.
    const fresh = compiled.diagnostics.filter((d) => d.severity === "error" || d.span.start.offset >= start);
    this.render(fresh, compiled);
    if (!compiled.ok || hasErrors(compiled.diagnostics)) {
      this.io.err(`${this.paint("dim", "nothing changed")}\n`);
      return false;
    }
    if (this.dry) {
      this.staged.push(s);
      this.compiled = compiled;
      this.io.out(`staged (${this.staged.length} pending; .plan shows them, .apply runs them)\n`);
      return true;
    }
    const result = await this.engine.up(compiled);
    const ok = this.report(result, compiled);
    // An `expect` that failed after ops ran: the world has the statement's effect, so the
    // session must too; a statement that changed nothing is simply not kept.
    if (ok || (result.status === "expect-failed" && result.ops.length > 0)) {
      this.accepted.push(...this.staged.splice(0), s);
      this.compiled = compiled;
    }
    return ok;
  }

  private report(result: UpResult, compiled: Compiled): boolean {
    this.render(result.diagnostics, compiled);
    for (const e of result.expectResults ?? []) {
      const mark = e.ok ? this.paint("ok", "ok") : this.paint("error", "FAILED");
      this.io.out(`${e.text}: ${mark}${e.detail ? ` (${e.detail})` : ""}\n`);
    }
    switch (result.status) {
      case "ok": {
        const n = result.ops.length;
        if (n === 0) this.io.out(`${this.paint("dim", "ok (no changes)")}\n`);
        else {
          for (const op of result.ops.slice(0, 30)) this.io.out(`  ${this.paint("dim", "+")} ${op.summary}\n`);
          if (n > 30) this.io.out(`  … ${n - 30} more\n`);
          this.io.out(`${this.paint("ok", "ok")}: ${n} op${n === 1 ? "" : "s"} in ${Math.round(result.elapsedMs)} ms\n`);
        }
        return true;
      }
      case "check-failed":
        this.io.err(`${this.paint("dim", "nothing changed")}\n`);
        return false;
      case "expect-failed":
        this.io.err(`${this.paint("error", "error")}: an expectation failed\n`);
        return false;
      case "rolled-back":
        if (result.failure) this.io.err(`${this.paint("error", "error")}: ${result.failure.op.summary}: ${result.failure.message.trim()}\n`);
        this.io.err(`rolled back; nothing changed\n`);
        return false;
      case "rollback-incomplete":
        if (result.failure) this.io.err(`${this.paint("error", "error")}: ${result.failure.op.summary}: ${result.failure.message.trim()}\n`);
        this.io.err(`${this.paint("error", "rollback incomplete")}; left behind:\n`);
        for (const l of result.leftovers ?? []) this.io.err(`  ${l}\n`);
        return false;
    }
  }

  private render(diags: readonly Diagnostic[], compiled: Compiled): void {
    if (!diags.length) return;
    this.io.err(renderDiagnostics(diags, { sources: compiled.sources, color: this.io.color }));
  }

  // ───────────────────────────── dot-commands ─────────────────────────────

  private async command(name: string, arg: string): Promise<boolean> {
    switch (name) {
      case "help":
        this.io.out(HELP);
        return true;
      case "exit":
      case "quit":
        this.exitRequested = true;
        return true;
      case "dry":
        return this.setDry(arg);
      case "plan":
        return this.plan();
      case "apply":
        return this.apply();
      case "undo":
        return this.undo();
      case "save":
        return this.save(arg);
      case "load":
        return this.load(arg);
      case "down":
        return this.down();
      case "show":
        return this.show(arg);
      case "nodes":
        this.io.out(nodesView(this.topology(), await this.engine.live().catch(() => undefined)));
        return true;
      case "links":
        this.io.out(linksView(this.topology()));
        return true;
      case "addrs":
        this.io.out(addrsView(this.topology()));
        return true;
      case "graph":
        this.io.out(graphView(this.topology()));
        return true;
      case "pingall":
        return this.pingall();
      default: {
        const guess = didYouMean(name, ["help", "show", "nodes", "links", "addrs", "plan", "apply", "dry", "undo", "save", "load", "graph", "down", "pingall", "exit"]);
        this.io.err(`${this.paint("error", "error")}: unknown command .${name}${guess.length ? ` (did you mean .${guess[0]}?)` : ""}; .help lists them\n`);
        return false;
      }
    }
  }

  private topology(): AddressedTopology {
    const c = this.compiled;
    return c?.addressed ?? (c?.topology ? { ...c.topology, resolved: [] } : { ...emptyTopology(), resolved: [] });
  }

  private setDry(arg: string): boolean {
    if (arg === "on") this.dry = true;
    else if (arg === "off") this.dry = false;
    else if (arg !== "") {
      this.io.err(`usage: .dry [on|off]\n`);
      return false;
    }
    const pending = this.staged.length ? `; ${this.staged.length} staged (.apply runs them)` : "";
    this.io.out(`dry mode ${this.dry ? "on" : "off"}${pending}\n`);
    return true;
  }

  private async plan(): Promise<boolean> {
    const compiled = this.engine.compile(this.sessionText([...this.accepted, ...this.staged]), this.file);
    this.render(compiled.diagnostics.filter((d) => d.severity === "error"), compiled);
    if (!compiled.ok) return false;
    const plan = await this.engine.plan(compiled);
    this.render(plan.diagnostics, compiled);
    if (!plan.ops.length) this.io.out("nothing to do\n");
    for (const op of plan.ops) this.io.out(`  ${op.index}. [${op.phase}] ${op.summary}\n`);
    if (plan.ops.length) this.io.out(`${plan.ops.length} op${plan.ops.length === 1 ? "" : "s"}\n`);
    return !hasErrors(plan.diagnostics);
  }

  private async apply(): Promise<boolean> {
    if (!this.staged.length) {
      this.io.out("nothing staged\n");
      return true;
    }
    const compiled = this.engine.compile(this.sessionText([...this.accepted, ...this.staged]), this.file);
    if (!compiled.ok) {
      this.render(compiled.diagnostics, compiled);
      return false;
    }
    const result = await this.engine.up(compiled);
    const ok = this.report(result, compiled);
    if (ok) {
      this.accepted.push(...this.staged.splice(0));
      this.compiled = compiled;
    }
    return ok;
  }

  private async undo(): Promise<boolean> {
    if (this.staged.length) {
      const s = this.staged.pop()!;
      this.compiled = this.engine.compile(this.sessionText([...this.accepted, ...this.staged]), this.file);
      this.io.out(`unstaged: ${firstLine(s)}\n`);
      return true;
    }
    const s = this.accepted.pop();
    if (s === undefined) {
      this.io.out("nothing to undo\n");
      return true;
    }
    const compiled = this.engine.compile(this.sessionText(this.accepted), this.file);
    const result = compiled.ok ? await this.engine.up(compiled) : undefined;
    if (!result || !this.report(result, compiled)) {
      if (!result) this.render(compiled.diagnostics, compiled);
      this.accepted.push(s);
      this.io.err(`could not undo: ${firstLine(s)}\n`);
      return false;
    }
    this.compiled = compiled;
    this.io.out(`undone: ${firstLine(s)}\n`);
    return true;
  }

  /** The accepted session as a canonical script (staged statements are not applied, so not saved). */
  sessionScript(file: string): string {
    const text = this.sessionText(this.accepted);
    if (!text.trim()) return "";
    const f = this.engine.format(text + "\n", file);
    return hasErrors(f.diagnostics) ? text + "\n" : f.output;
  }

  private save(file: string): boolean {
    if (!file) {
      this.io.err("usage: .save FILE\n");
      return false;
    }
    writeFileSync(file, this.sessionScript(file));
    const note = this.staged.length ? ` (${this.staged.length} staged not saved)` : "";
    this.io.out(`saved ${this.accepted.length} statement${this.accepted.length === 1 ? "" : "s"} to ${file}${note}\n`);
    return true;
  }

  private async load(file: string): Promise<boolean> {
    if (!file) {
      this.io.err("usage: .load FILE\n");
      return false;
    }
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      this.io.err(`${this.paint("error", "error")}: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      return false;
    }
    // A script without a shebang line: `#!` is a comment to the parser anyway.
    const body = text.replace(/\s+$/, "");
    if (classifyInput(body).kind === "empty") {
      this.io.out(`${file}: nothing to load\n`);
      return true;
    }
    return this.statement(body);
  }

  private async down(): Promise<boolean> {
    const r = await this.engine.down();
    if (r.status !== "ok") {
      this.io.err(`${this.paint("error", "down incomplete")}; left behind:\n`);
      for (const l of r.leftovers ?? []) this.io.err(`  ${l}\n`);
      return false;
    }
    this.accepted.splice(0);
    this.staged.splice(0);
    this.compiled = undefined;
    this.io.out(`${this.paint("ok", "ok")}: removed everything (${plural(r.undone ?? r.ops.length, "op")}); the session is empty\n`);
    return true;
  }

  private async show(ns: string): Promise<boolean> {
    const live = await this.engine.live();
    const mine = this.topology().namespaces.map((n) => n.name).filter((n) => n !== HOST);
    const wanted = ns ? [ns] : mine.length ? mine : live.namespaces;
    if (ns && ns !== HOST && !live.namespaces.includes(ns)) {
      const guess = didYouMean(ns, live.namespaces);
      this.io.err(`${this.paint("error", "error")}: no namespace ${ns}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}\n`);
      return false;
    }
    this.io.out(wanted.length ? liveView(live, wanted) : "(no namespaces)\n");
    return true;
  }

  // ───────────────────────────── running things ─────────────────────────────

  private knownNamespaces(): string[] {
    return this.topology().namespaces.map((n) => n.name).filter((n) => n !== HOST);
  }

  private async exec(ns: string, argv: string[]): Promise<boolean> {
    if (ns === HOST) {
      this.io.err(`${this.paint("error", "error")}: commands for the host run in your own shell, not here\n`);
      return false;
    }
    const known = this.knownNamespaces();
    if (!known.includes(ns)) {
      const live = await this.engine.live().catch(() => undefined);
      if (!live?.namespaces.includes(ns)) {
        const guess = didYouMean(ns, [...known, ...(live?.namespaces ?? [])]);
        this.io.err(`${this.paint("error", "error")}: no namespace ${ns}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}\n`);
        return false;
      }
    }
    const code = await this.engine.exec(ns, substituteNames(argv, primaryAddresses(this.compiled?.addressed)));
    if (code !== 0) this.io.err(`${this.paint("dim", `exit ${code}`)}\n`);
    return code === 0;
  }

  /** A namespace name → (itself, its address); an address → (null, itself). */
  private endpoint(word: string, primary: ReadonlyMap<string, string>): { ns: string | null; addr?: string } | string {
    if (this.knownNamespaces().includes(word) || word === HOST) return { ns: word, addr: primary.get(word) };
    if (/^[0-9.]+$|:/.test(word)) return { ns: null, addr: word };
    const guess = didYouMean(word, this.knownNamespaces());
    return `no namespace ${word}${guess.length ? ` (did you mean ${guess[0]}?)` : ""}`;
  }

  private async ping(a: string, b: string): Promise<boolean> {
    const primary = primaryAddresses(this.compiled?.addressed);
    const ends = [this.endpoint(a, primary), this.endpoint(b, primary)];
    for (const e of ends) {
      if (typeof e === "string") {
        this.io.err(`${this.paint("error", "error")}: ${e}\n`);
        return false;
      }
    }
    const [ea, eb] = ends as { ns: string | null; addr?: string }[];
    const pairs: [string, string, string | undefined][] = [];
    if (ea!.ns) pairs.push([a, b, eb!.addr]);
    if (eb!.ns) pairs.push([b, a, ea!.addr]);
    const results = await this.probe(pairs.map(([f, t, addr]) => ({ from: f, to: t, addr })));
    this.io.out(formatMatrix([a, b], results));
    return [...results.values()].every((r) => r.ok);
  }

  private async pingall(): Promise<boolean> {
    const names = this.knownNamespaces();
    if (names.length < 2) {
      this.io.out("pingall needs two namespaces or more\n");
      return true;
    }
    const primary = primaryAddresses(this.compiled?.addressed);
    const pairs = names.flatMap((from) => names.filter((to) => to !== from).map((to) => ({ from, to, addr: primary.get(to) })));
    const results = await this.probe(pairs);
    this.io.out(formatMatrix(names, results));
    this.io.out(`${summarizeProbes(results)}\n`);
    return [...results.values()].every((r) => r.ok);
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function firstLine(s: string): string {
  const l = s.split("\n")[0]!;
  return s.includes("\n") ? `${l} …` : l;
}
