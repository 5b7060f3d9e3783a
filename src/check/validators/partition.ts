import type { Span } from "../../model/span.js";
import type { Partition } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

/** `partition A B | C`: known namespaces, each in one group only. */
export function partitionGroups(p: Partition, ctx: CheckContext): void {
  if (!p.groups) return;
  const seen = new Map<string, Span>();
  for (const group of p.groups) {
    for (const member of group) {
      requireNamespace(ctx, member.name, member.span);
      const first = seen.get(member.name);
      if (first) {
        ctx.accept("NS323", member.span, { name: member.name }, { related: [{ span: first, message: `\`${member.name}\` is first named here` }] });
      } else seen.set(member.name, member.span);
    }
  }
}
