import type { PingResult } from "./engine-port.js";

/** `from→to` keys of a probe matrix */
export function cellKey(from: string, to: string): string {
  return `${from}\u2192${to}`;
}

export function formatRtt(ms: number): string {
  const text = ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toString();
  // 0.050 → 0.05, 1.00 → 1
  return `${text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text}ms`;
}

export function formatCell(r: PingResult | undefined): string {
  if (!r) return "";
  return r.ok && r.ms !== undefined ? `ok ${formatRtt(r.ms)}` : r.ok ? "ok" : "--";
}

/**
 * A reachability matrix: rows are where the probe started, columns where it went.
 *   from\to  h1         h2
 *   h1       ·          ok 0.05ms
 *   h2       --         ·
 * Cells not probed are left blank; the diagonal is `·`.
 */
export function formatMatrix(names: readonly string[], results: ReadonlyMap<string, PingResult>): string {
  const header = ["from\\to", ...names];
  const rows = names.map((from) => [from, ...names.map((to) => (from === to ? "\u00b7" : formatCell(results.get(cellKey(from, to)))))]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => [...r[c]!].length)));
  return (
    table
      .map((r) =>
        r
          .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]! + 2)))
          .join("")
          .trimEnd(),
      )
      .join("\n") + "\n"
  );
}

/** `pingall`'s summary line: "4/6 reachable" */
export function summarizeProbes(results: ReadonlyMap<string, PingResult>): string {
  const all = [...results.values()];
  return `${all.filter((r) => r.ok).length}/${all.length} reachable`;
}
