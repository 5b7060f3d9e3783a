import { renderDiagnostics, location, visible } from "../diagnostics/render.js";
import type { Hop, Leg, WhyResult } from "./walk.js";

/**
 * `why`'s answer as text and as JSON. The text lists the hops walked on each leg, one line
 * each, then either `reachable` or the finding as a diagnostic (line, caret, hint). Pure.
 */

function hopLine(h: Hop, last: boolean): string {
  const parts: string[] = [];
  let next = "";
  if (h.in !== undefined) parts.push(`in ${h.in}`);
  if (h.nat?.startsWith("reply")) parts.push(h.nat);
  if (h.delivered) parts.push("delivered");
  else if (h.route) {
    parts.push(`${h.in !== undefined ? "forwards by" : "route"} ${h.route}`);
    if (h.src) parts.push(`from ${h.src}`);
    if (h.nat && !h.nat.startsWith("reply")) parts.push(h.nat);
    if (h.next) next = ` → ${h.next.place}:${h.next.dev}${h.next.proxy ? " (answers by proxy ARP)" : ""}`;
  }
  if (last && !h.delivered && !h.next) parts.push("✗ lost here");
  return parts.join(", ") + next;
}

function legLines(leg: Leg): string[] {
  const width = Math.max(...leg.hops.map((h) => [...h.place].length), 4);
  const reply = leg.label.endsWith("(the reply)");
  return [
    `${leg.label}${reply ? `, to ${leg.dst}` : ""}:`,
    ...leg.hops.map((h, i) => `  ${visible(h.place.padEnd(width))}  ${visible(hopLine(h, i === leg.hops.length - 1))}`),
  ];
}

export function whySummary(r: WhyResult): string {
  if (r.reachable) {
    const there = r.legs[0]?.hops.map((h) => h.place).join(" → ") ?? "";
    return `reachable: ${there}, and back`;
  }
  return r.finding ? `${r.finding.message} (${location(r.finding.span)})` : "not reachable";
}

export function renderWhy(r: WhyResult, opts: { sources: ReadonlyMap<string, string>; color: boolean; file?: string }): string {
  const what = r.source === "live" ? "the kernel's state" : `nsnet's model${opts.file ? ` of ${opts.file}` : ""}`;
  const lines = [`why ${r.from} → ${r.to}${r.to === r.dst ? "" : ` (${r.dst})`}, in ${what}:`];
  for (const leg of r.legs) lines.push(...legLines(leg));
  let out = lines.join("\n") + "\n";
  if (r.finding) out += renderDiagnostics([r.finding], { sources: opts.sources, color: opts.color });
  else out += `${whySummary(r)}\n`;
  return out;
}

/** The JSON form: the walk and the finding as the diagnostic record `check --json` prints. */
export function whyToJson(r: WhyResult): string {
  return (
    JSON.stringify({ from: r.from, to: r.to, address: r.dst, source: r.source, reachable: r.reachable, legs: r.legs, finding: r.finding ?? null }, null, 2) +
    "\n"
  );
}
