import type { Compiled } from "../engine/types.js";
import { location, visible } from "../diagnostics/render.js";
import { netFromTopology, why, type WhyResult } from "../why/index.js";
import { renderWhy } from "../why/render.js";
import type { ReplEngine } from "./engine-port.js";

/**
 * The REPL's `why A B`, and the reasons under `ping` and `pingall`: each failed probe is
 * explained by the path walk (src/why) — over the kernel's state when the engine can read it
 * (ReplEngine.why), else over the session as compiled — instead of a bare `--`.
 */
export async function explainPairs(
  engine: ReplEngine,
  compiled: Compiled | undefined,
  pairs: readonly (readonly [string, string])[],
): Promise<(WhyResult | string)[]> {
  const t = compiled?.addressed;
  if (!t || !pairs.length) return pairs.map(() => "nothing applied in this session yet");
  if (engine.why) {
    try {
      return await engine.why(compiled, pairs);
    } catch {
      // the kernel could not be read: the model still answers
    }
  }
  const net = netFromTopology(t);
  return pairs.map(([a, b]) => why(t, a, b, { net }));
}

export function whyText(r: WhyResult, compiled: Compiled | undefined, sources: ReadonlyMap<string, string>, color: boolean): string {
  return renderWhy(r, { sources: new Map([...(compiled?.sources ?? []), ...sources]), color });
}

/**
 * One line per failed probe: `h1 → h3: why: 'h1' has no route to 198.51.100.10
 * (lab.nsnet:17:1); hint: …`. A probe the walk finds no break for says so: the kernel did
 * not answer although the routes say it should (a firewall nsnet did not write, timing).
 */
export function reasonLines(pairs: readonly (readonly [string, string])[], results: readonly (WhyResult | string)[]): string {
  let out = "";
  for (const [i, [a, b]] of pairs.entries()) {
    const r = results[i];
    if (r === undefined) continue;
    if (typeof r === "string") out += `${a} \u2192 ${b}: ${visible(r)}\n`;
    else if (r.finding) {
      const msg = r.finding.message.replace(/^[^:]*: /, "");
      const leg = r.finding.message.includes("(the reply)") ? " (the reply)" : "";
      out += `${a} \u2192 ${b}${leg}: ${visible(msg)} (${location(r.finding.span)})${r.finding.hint ? `\n    hint: ${visible(r.finding.hint)}` : ""}\n`;
    } else out += `${a} \u2192 ${b}: no answer, though ${r.source === "live" ? "the kernel's routes" : "the session's routes"} lead there and back\n`;
  }
  return out;
}
