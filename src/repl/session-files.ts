import { writeFileSync } from "node:fs";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { readScriptFile, ScriptFileError } from "../expand/fs-loader.js";
import { classifyInput } from "./input.js";
import { amendedScript, countStatements, type SourcePiece } from "./compile-session.js";
import type { Outcome } from "./outcome.js";
import { driftStatements, findDrift, type DriftItem } from "./drift.js";
import { plural } from "./session.js";
import { ReplViews } from "./view.js";

/** The session and files: `.save` (with drift), `.load`, the canonical session script. */
export abstract class ReplFiles extends ReplViews {
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
  protected async drift(): Promise<DriftItem[]> {
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
}
