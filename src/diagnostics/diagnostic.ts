import type { Span } from "../model/span.js";

export type Severity = "error" | "warning" | "info";

export interface RelatedSite {
  span: Span;
  message: string;
}

/** Errors are data: created where the problem is found, rendered in one place (render.ts). */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
  related?: RelatedSite[];
  hint?: string;
  /** "did you mean" candidates, best first */
  suggestions?: string[];
}

/** One entry of the catalog (codes.ts). `message` may contain {placeholders}. */
export interface CodeInfo {
  code: string;
  severity: Severity;
  message: string;
  /** one line: what the finding means */
  explanation: string;
  /** a short nsnet snippet that triggers it */
  example: string;
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}
