import type { Expr, Template, TemplatePart } from "../ast/nodes.js";
import { joinSpans } from "../model/span.js";
import { isIdentStart } from "./scan.js";
import { dollarEnd } from "./tokens.js";
import type { Builder } from "./to-ast.js";

/**
 * Templates: the text of a word or a string cut into literal parts and `$name` /
 * `${expr}` parts, each with its own span. Positions are absolute offsets into the
 * source, so an error inside `${…}` points into the line the user wrote.
 */

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", '"': '"', "\\": "\\", $: "$" };

/** `start`/`end` delimit the raw text (without the quotes for a string). */
export function buildTemplate(b: Builder, start: number, end: number, quoted: boolean): Template {
  const src = b.text;
  const parts: TemplatePart[] = [];
  let textStart = start;
  let text = "";
  const flush = (upTo: number) => {
    if (upTo > textStart || text.length > 0) parts.push({ kind: "text", text, span: b.span(textStart, upTo) });
    text = "";
  };
  let i = start;
  while (i < end) {
    const c = src[i]!;
    if (quoted && c === "\\" && i + 1 < end) {
      const e = ESCAPES[src[i + 1]!];
      text += e ?? "\\" + src[i + 1];
      i += 2;
      continue;
    }
    if (c === "$" && src[i + 1] === "{") {
      const close = i + dollarEnd(src.slice(i, end), 0);
      if (close === i + 1) {
        b.report("NS110", i, i + 2, {});
        text += src.slice(i, end);
        i = end;
        break;
      }
      flush(i);
      const expr = b.interpolation(i + 2, close - 1);
      parts.push({ kind: "expr", expr, span: b.span(i, close) });
      i = close;
      textStart = i;
      continue;
    }
    if (c === "$" && isIdentStart(src[i + 1])) {
      const close = dollarEnd(src, i);
      flush(i);
      const span = b.span(i, close);
      parts.push({ kind: "expr", expr: { type: "Var", name: src.slice(i + 1, close), span }, span });
      i = close;
      textStart = i;
      continue;
    }
    text += c;
    i++;
  }
  flush(end);
  return { type: "Template", parts, quoted, span: b.span(quoted ? start - 1 : start, quoted ? end + 1 : end) };
}

/** The literal text of a template when it has no interpolation. */
export function literalText(t: Template): string | undefined {
  if (t.parts.some((p) => p.kind === "expr")) return undefined;
  return t.parts.map((p) => (p.kind === "text" ? p.text : "")).join("");
}

/**
 * Splits an unquoted template at its first `:` outside `${…}` (`NS:IF`, `NS:PORT`).
 * Offsets inside a word's text part map one to one onto the source.
 */
export function splitAtColon(t: Template): [Template, Template] | undefined {
  const idx = t.parts.findIndex((p) => p.kind === "text" && p.text.includes(":"));
  if (idx < 0) return undefined;
  const part = t.parts[idx] as Extract<TemplatePart, { kind: "text" }>;
  const at = part.text.indexOf(":");
  const file = part.span.file;
  const pos = (k: number) => ({ ...part.span.start, offset: part.span.start.offset + k, column: part.span.start.column + k });
  const beforeParts: TemplatePart[] = t.parts.slice(0, idx);
  const afterParts: TemplatePart[] = [];
  if (at > 0) beforeParts.push({ kind: "text", text: part.text.slice(0, at), span: { file, start: part.span.start, end: pos(at) } });
  if (at + 1 < part.text.length) afterParts.push({ kind: "text", text: part.text.slice(at + 1), span: { file, start: pos(at + 1), end: part.span.end } });
  afterParts.push(...t.parts.slice(idx + 1));
  const colon = { file, start: pos(at), end: pos(at + 1) };
  const make = (ps: TemplatePart[], fallback: typeof colon): Template => ({
    type: "Template",
    parts: ps,
    quoted: false,
    span: ps.length ? ps.map((p) => p.span).reduce(joinSpans) : fallback,
  });
  return [make(beforeParts, colon), make(afterParts, colon)];
}

/** A port or similar small number given as a template: a literal number or a single `$x` / `${…}`. */
export function templateAsNumber(t: Template): Expr | undefined {
  const lit = literalText(t);
  if (lit !== undefined) return /^\d+$/.test(lit) ? { type: "Number", value: Number(lit), span: t.span } : undefined;
  if (t.parts.length === 1 && t.parts[0]!.kind === "expr") return t.parts[0]!.expr;
  return undefined;
}

/** Joins neighbouring text parts (pieces of one command word, `[addr]:port`). */
export function mergeText(parts: TemplatePart[]): TemplatePart[] {
  const out: TemplatePart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (last?.kind === "text" && p.kind === "text") out[out.length - 1] = { kind: "text", text: last.text + p.text, span: joinSpans(last.span, p.span) };
    else out.push(p);
  }
  return out;
}
