import type { Span } from "../../model/span.js";
import { HOST, type Partition } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireNamespace } from "../references.js";

/**
 * A script is a declaration, not a sequence: of several `partition`s written for one
 * namespace only the last holds (`partition off` after `partition a | b` means no partition
 * at all, and an `expect a not reaches b` written between them fails). Said at each later one.
 */
export function partitionReplaced(ctx: CheckContext): void {
  const last = new Map<string, Partition>();
  for (const p of ctx.topo.partitions) {
    const before = last.get(p.scope);
    last.set(p.scope, p);
    if (!before) continue;
    const where = p.scope === HOST ? "" : ` in namespace \`${p.scope}\``;
    ctx.accept(
      "NS328",
      p.span,
      { where },
      {
        related: [{ span: before.span, message: "this earlier partition no longer holds" }],
        hint: "a script says what the network is, not steps: write one partition (or none) per namespace",
      },
    );
  }
}

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
