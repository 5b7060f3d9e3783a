import type { CodeInfo, Diagnostic, RelatedSite, Severity } from "./diagnostic.js";
import type { Span } from "../model/span.js";
import { syntaxCodes } from "./codes/syntax.js";
import { expandCodes } from "./codes/expand.js";
import { checkCodes } from "./codes/check.js";
import { ipamCodes } from "./codes/ipam.js";
import { liveCodes } from "./codes/live.js";
import { planCodes } from "./codes/plan.js";
import { importCodes } from "./codes/import.js";
import { whyCodes } from "./codes/why.js";
import { limitCodes } from "./codes/limits.js";

/**
 * The one catalog of diagnostic codes. Each phase keeps its codes in codes/<phase>.ts
 * (so phases can grow independently); a test keeps them unique and covered by fixtures.
 * Ranges: NS1xx syntax, NS2xx names and expansion, NS3xx checker, NS4xx addresses and
 * pools, NS5xx live state and apply, NS6xx why a packet does not arrive (`nsnet why`);
 * NS24x are the importers' (`nsnet import`: a config's key and line, not a script's).
 *
 * The catalog is a constant, so its types are exact: `Code` is the union of the codes, and
 * each code's parameters are the `{placeholders}` of its message. `diag("NS302", span,
 * { name })` does not compile (no `ns`), nor does `diag("NS999", …)`.
 */
export const catalog = [
  ...syntaxCodes,
  ...expandCodes,
  ...checkCodes,
  ...ipamCodes,
  ...liveCodes,
  ...planCodes,
  ...importCodes,
  ...whyCodes,
  ...limitCodes,
] as const;

type Entry = (typeof catalog)[number];
export type Code = Entry["code"];

/** `{name}` placeholders of a message; `'${'` and other braces around non-words are text. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${string}${" " | "'" | "{" | "$" | "`"}${string}` | "" ? never : P) | Placeholders<Rest>
  : never;

export type ParamName<C extends Code> = Placeholders<Extract<Entry, { code: C }>["message"]>;
export type Params<C extends Code> = { [K in ParamName<C>]: string | number };

/** What follows the span in `diag` and in every phase's report function. */
export type DiagArgs<C extends Code> = [ParamName<C>] extends [never]
  ? [params?: Record<string, never>, extra?: DiagExtra]
  : [params: Params<C>, extra?: DiagExtra];

/** A diagnostic's arguments, checked against the catalog: how each phase reports. */
export type Reporter = <C extends Code>(code: C, span: Span, ...args: DiagArgs<C>) => void;

const byCode = new Map<string, CodeInfo>(catalog.map((c) => [c.code, c]));

export function isCode(code: string): code is Code {
  return byCode.has(code);
}

export function codeInfo(code: Code): CodeInfo {
  const info = byCode.get(code);
  if (!info) throw new Error(`internal: diagnostic code ${code} is not in the catalog`);
  return info;
}

export interface DiagExtra {
  related?: RelatedSite[];
  /** what to do about it; never a "did you mean" (that is `suggestions`, rendered once) */
  hint?: string;
  /** replacements for the offending text, best first */
  suggestions?: string[];
  /** overrides the catalog's severity (e.g. a check that is a warning in one context) */
  severity?: Severity;
}

/** Build a Diagnostic from the catalog: `{name}` placeholders are filled from params. */
export function diag<C extends Code>(code: C, span: Span, ...[params, extra = {}]: DiagArgs<C>): Diagnostic {
  const info = codeInfo(code);
  const values: Record<string, string | number> = params ?? {};
  const message = info.message.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
  const d: Diagnostic = { code, severity: extra.severity ?? info.severity, message, span };
  if (extra.related?.length) d.related = extra.related;
  if (extra.hint) d.hint = extra.hint;
  if (extra.suggestions?.length) d.suggestions = extra.suggestions;
  return d;
}
