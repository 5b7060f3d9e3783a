import type { CodeInfo, Diagnostic, RelatedSite, Severity } from "./diagnostic.js";
import type { Span } from "../model/span.js";
import { syntaxCodes } from "./codes/syntax.js";
import { expandCodes } from "./codes/expand.js";
import { checkCodes } from "./codes/check.js";
import { ipamCodes } from "./codes/ipam.js";
import { liveCodes } from "./codes/live.js";
import { planCodes } from "./codes/plan.js";

/**
 * The one catalog of diagnostic codes. Each phase keeps its codes in codes/<phase>.ts
 * (so phases can grow independently); a test keeps them unique and covered by fixtures.
 * Ranges: NS1xx syntax, NS2xx names and expansion, NS3xx checker, NS4xx addresses and
 * pools, NS5xx live state and apply.
 */
export const catalog: readonly CodeInfo[] = [
  ...syntaxCodes,
  ...expandCodes,
  ...checkCodes,
  ...ipamCodes,
  ...liveCodes,
  ...planCodes,
];

const byCode = new Map(catalog.map((c) => [c.code, c]));

export function codeInfo(code: string): CodeInfo {
  const info = byCode.get(code);
  if (!info) throw new Error(`internal: diagnostic code ${code} is not in the catalog`);
  return info;
}

export interface DiagExtra {
  related?: RelatedSite[];
  hint?: string;
  suggestions?: string[];
  /** overrides the catalog's severity (e.g. a check that is a warning in one context) */
  severity?: Severity;
}

/** Build a Diagnostic from the catalog: `{name}` placeholders are filled from params. */
export function diag(code: string, span: Span, params: Record<string, string | number> = {}, extra: DiagExtra = {}): Diagnostic {
  const info = codeInfo(code);
  const message = info.message.replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
  const d: Diagnostic = { code, severity: extra.severity ?? info.severity, message, span };
  if (extra.related?.length) d.related = extra.related;
  if (extra.hint) d.hint = extra.hint;
  if (extra.suggestions?.length) d.suggestions = extra.suggestions;
  return d;
}
