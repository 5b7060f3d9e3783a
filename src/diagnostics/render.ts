import type { Diagnostic, Severity } from "./diagnostic.js";
import type { Span } from "../model/span.js";

/**
 * The one place diagnostics become text (docs/architecture.md §2):
 *   file:line:col: error[CODE]: message
 *    3 | ns lxc1 < veth pair; addr 1.1.128.300/20 >
 *      |                           ^^^^^^^^^^^^^^
 *   note: file:2:4: the first one is here
 *   hint: …
 */
export interface RenderOptions {
  /** file → source text, for the excerpt under each message */
  sources: ReadonlyMap<string, string>;
  color: boolean;
}

export function renderDiagnostics(diags: readonly Diagnostic[], opts: RenderOptions): string {
  return diags.map((d) => renderOne(d, opts)).join("\n");
}

/** SGR styles, written as kleur writes them (its codes, opening in order, closing in the
 *  same order). The renderer does not load kleur: kleur reads process.stdout when it loads,
 *  which makes node create that stream, and every check and hook renders through here
 *  (docs/startup.md). The REPL and `up`, which colour more, use kleur itself. */
const sgr =
  (...codes: [open: number, close: number][]) =>
  (s: string): string =>
    codes.map(([o]) => `\u001b[${o}m`).join("") + s + codes.map(([, c]) => `\u001b[${c}m`).join("");
const BOLD: [number, number] = [1, 22];
export const STYLES = {
  error: sgr(BOLD, [31, 39]),
  warning: sgr(BOLD, [33, 39]),
  info: sgr(BOLD, [36, 39]),
  note: sgr(BOLD, [34, 39]),
  hint: sgr(BOLD, [32, 39]),
  dim: sgr([2, 22]),
  bold: sgr(BOLD),
} as const;

const plain = (s: string) => s;
const PLAIN: typeof STYLES = { error: plain, warning: plain, info: plain, note: plain, hint: plain, dim: plain, bold: plain };

function paint(opts: RenderOptions): typeof STYLES {
  return opts.color ? STYLES : PLAIN;
}

export function location(span: Span): string {
  return `${visible(span.file)}:${span.start.line}:${span.start.column}`;
}

/** C0 controls (tab and newline aside), DEL and C1 controls: what a terminal would obey. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from a file or the kernel made safe to print: a control character is shown as its
 * escape (`\x1b`), never sent raw — a script holding `ESC]2;…BEL` must not retitle (or
 * otherwise drive) the reader's terminal through a diagnostic.
 */
export function visible(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

function renderOne(d: Diagnostic, opts: RenderOptions): string {
  const p = paint(opts);
  const sev = p[d.severity as Severity](`${d.severity}[${d.code}]`);
  const lines = [`${p.bold(location(d.span))}: ${sev}: ${p.bold(visible(d.message))}`];
  lines.push(...excerpt(d.span, opts, d.severity === "error" ? p.error : d.severity === "warning" ? p.warning : p.info));
  for (const r of d.related ?? []) {
    lines.push(`${p.note("note")}: ${location(r.span)}: ${visible(r.message)}`);
    lines.push(...excerpt(r.span, opts, p.note));
  }
  if (d.suggestions?.length) lines.push(`${p.hint("help")}: did you mean ${d.suggestions.map((s) => `\`${visible(s)}\``).join(", ")}?`);
  if (d.hint) lines.push(`${p.hint("hint")}: ${visible(d.hint)}`);
  return lines.join("\n") + "\n";
}

/** The source line of a span with carets under it (first line only for multi-line spans). */
function excerpt(span: Span, opts: RenderOptions, mark: (s: string) => string): string[] {
  const text = opts.sources.get(span.file);
  if (text === undefined) return [];
  const lineText = text.split("\n")[span.start.line - 1];
  if (lineText === undefined) return [];
  const raw = lineText.replace(/\t/g, " ");
  const gutter = String(span.start.line);
  const pad = " ".repeat(gutter.length);
  const startCol = Math.max(1, span.start.column);
  const endCol = span.end.line === span.start.line ? Math.max(span.end.column, startCol + 1) : raw.length + 1;
  // columns count characters of the file; an escaped control character is wider on screen
  const before = visible(raw.slice(0, startCol - 1)).length;
  const under = visible(raw.slice(startCol - 1, Math.min(endCol, raw.length + 1) - 1)).length;
  return [` ${gutter} | ${visible(raw)}`, ` ${pad} | ${" ".repeat(before)}${mark("^".repeat(Math.max(1, under)))}`];
}

/** `--json`: the same data, one object. */
export function diagnosticsToJson(diags: readonly Diagnostic[]): string {
  return JSON.stringify({ diagnostics: diags }, null, 2) + "\n";
}

export function summarize(diags: readonly Diagnostic[]): string {
  const n = (s: Severity) => diags.filter((d) => d.severity === s).length;
  const parts = [`${n("error")} error(s)`, `${n("warning")} warning(s)`];
  return parts.join(", ");
}
