import type { Nat } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireDevice, requireNamespace } from "../references.js";
import { networkAddress } from "../../ipam/cidr.js";
import { parsePrefixed, subnetText } from "../cidr.js";

/** `ve-+` / `ve-*` match by prefix (iptables/nft style); anything else is an exact name. */
export function patternMatches(pattern: string, name: string): boolean {
  const last = pattern.at(-1);
  if (last === "+" || last === "*") return name.startsWith(pattern.slice(0, -1));
  return name === pattern;
}

/**
 * `nat from PATTERN|CIDR to IF`: the out interface exists; a pattern matches something we
 * create; a subnet is a subnet (no host bits: nft would match a different block).
 */
export function natRule(n: Nat, ctx: CheckContext): void {
  if (!requireNamespace(ctx, n.ns, n.outSpan)) return;
  requireDevice(ctx, n.outDev.ns, n.outDev.name, n.outSpan);
  if (n.source.kind === "subnet") {
    const v = parsePrefixed(n.source.cidr);
    if (!v) ctx.accept("NS311", n.sourceSpan, { text: n.source.cidr });
    else if (v.addr !== networkAddress(v)) {
      const subnet = subnetText(v);
      ctx.accept("NS327", n.sourceSpan, { cidr: n.source.cidr, subnet }, { suggestions: [subnet] });
    }
    return;
  }
  const { pattern } = n.source;
  const names = ctx.deviceNames.get(n.ns) ?? [];
  if (!names.some((name) => patternMatches(pattern, name))) {
    ctx.accept(
      "NS324",
      n.sourceSpan,
      { pattern, ns: n.ns },
      {
        hint: "links created later by `on add` handlers still match at run time; end a prefix with `+` (`ve-+`)",
      },
    );
  }
}
