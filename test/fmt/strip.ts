// The AST without source positions, for "same tree" comparisons after a round trip.
function isSpan(v: unknown): boolean {
  return typeof v === "object" && v !== null && "start" in v && "end" in v && "file" in v;
}

export function stripSpans(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripSpans);
  if (typeof v !== "object" || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    if (isSpan(x) || x === undefined) continue;
    out[k] = stripSpans(x);
  }
  return out;
}
