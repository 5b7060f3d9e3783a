import type { Pool } from "../../model/topology.js";
import { parsePrefixed } from "../cidr.js";
import type { CheckContext } from "../context.js";

/** A pool declared once, with a CIDR. (Sizes, overlaps and exhaustion are the allocator's, NS4xx.) */
export function poolDeclaration(p: Pool, ctx: CheckContext): void {
  const first = ctx.pools.get(p.name);
  if (first && first !== p) {
    ctx.accept("NS310", p.nameSpan, { name: p.name }, { related: [{ span: first.nameSpan, message: `\`${p.name}\` is first declared here` }] });
  }
  const v = parsePrefixed(p.cidr);
  if (!v || v.hostOnly) ctx.accept("NS311", p.cidrSpan, { text: p.cidr }, v ? { hint: "a pool needs a prefix, e.g. `10.0.0.0/24`" } : {});
}
