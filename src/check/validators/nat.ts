import type { Nat } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireDevice, requireNamespace } from "../references.js";

/** `ve-+` / `ve-*` match by prefix (iptables/nft style); anything else is an exact name. */
export function patternMatches(pattern: string, name: string): boolean {
  const last = pattern.at(-1);
  if (last === "+" || last === "*") return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/** `nat from PATTERN to IF`: the out interface exists; the pattern matches something we create. */
export function natRule(n: Nat, ctx: CheckContext): void {
  if (!requireNamespace(ctx, n.ns, n.span)) return;
  requireDevice(ctx, n.outDev.ns, n.outDev.name, n.outSpan);
  const names = ctx.deviceNames.get(n.ns) ?? [];
  if (!names.some((name) => patternMatches(n.pattern, name))) {
    ctx.accept("NS324", n.patternSpan, { pattern: n.pattern, ns: n.ns }, {
      hint: "links created later by `on add` handlers still match at run time; end a prefix with `+` (`ve-+`)",
    });
  }
}
