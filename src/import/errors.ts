import { diag } from "../diagnostics/codes.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { escapeText } from "../model/names.js";

/**
 * What an importer refuses: the key, where it is (line, and the column of what is wrong),
 * and why — as a diagnostic of the catalog (NS24x), rendered like any other with the
 * config's line and a caret. Every value in a message is escaped: a control character in a
 * config reaches the terminal as `\x1b`, never raw.
 */
export type ImportProblem =
  /** a name outside the allowlist, or otherwise invalid */
  | { code: "NS240"; value: string; what: string; reason: string }
  /** something nsnet cannot express */
  | { code: "NS241"; reason: string }
  /** not a well-formed config */
  | { code: "NS242"; reason: string };

export class ImportError extends Error {
  constructor(
    readonly key: string,
    readonly line: number,
    readonly problem: ImportProblem,
    /** 1-based column of the offending text on its line (default: the line's start) */
    readonly column = 1,
    /** its length, for the caret */
    readonly length = 1,
    readonly hint?: string,
  ) {
    super(escapeText(`${key}: ${problem.code === "NS240" ? `${problem.value} is not a valid ${problem.what}: ${problem.reason}` : problem.reason}`));
  }

  /**
   * The diagnostic, in the file as the user named it, with the text to show its line from:
   * both escaped (a path or a config line may hold anything), the column counted in the
   * escaped line so the caret stands under what is wrong.
   */
  toDiagnostic(file: string, text: string): { diagnostic: Diagnostic; sources: Map<string, string> } {
    const name = escapeText(file);
    const lines = text.split("\n").map((l) => escapeText(l.replace(/\r$/, "")));
    const raw = (text.split("\n")[this.line - 1] ?? "").replace(/\r$/, "");
    const column = escapeText(raw.slice(0, this.column - 1)).length + 1;
    const length = Math.max(1, escapeText(raw.slice(this.column - 1, this.column - 1 + this.length)).length);
    const offset = lines.slice(0, this.line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    const start = { offset, line: this.line, column };
    const span = { file: name, start, end: { offset: offset + length, line: this.line, column: column + length } };
    return { diagnostic: this.diagnostic(span), sources: new Map([[name, lines.join("\n")]]) };
  }

  private diagnostic(span: Diagnostic["span"]): Diagnostic {
    const key = escapeText(this.key);
    const p = this.problem;
    const extra = this.hint ? { hint: escapeText(this.hint) } : {};
    if (p.code === "NS240") return diag("NS240", span, { key, value: quoted(p.value), what: p.what, reason: escapeText(p.reason) }, extra);
    return diag(p.code, span, { key, reason: escapeText(p.reason) }, extra);
  }
}

/** A value as a message shows it: in backquotes, escaped. */
export function quoted(value: string): string {
  return `\`${escapeText(value)}\``;
}

/** An identifier for nsnet from any name: letters, digits and `_`, not starting with a digit. */
export function identFrom(name: string, fallback: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "");
  if (!s) return fallback;
  return /^[0-9]/.test(s) ? `${fallback}_${s}` : s;
}
