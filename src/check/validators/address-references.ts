import { didYouMean } from "../../diagnostics/suggest.js";
import type { AddressAssignment } from "../../model/topology.js";
import type { CheckContext } from "../context.js";
import { requireDevice } from "../references.js";

/** `addr … on IF` names an interface of that namespace; `addr auto from POOL` a declared pool. */
export function addressReferences(a: AddressAssignment, ctx: CheckContext): void {
  requireDevice(ctx, a.ns, a.dev, a.devSpan ?? a.valueSpan);
  if (a.spec.kind === "auto" && a.spec.pool !== undefined && !ctx.pools.has(a.spec.pool)) {
    const suggestions = didYouMean(a.spec.pool, ctx.pools.keys());
    ctx.accept(
      "NS306",
      a.spec.poolSpan ?? a.valueSpan,
      { name: a.spec.pool },
      {
        suggestions,
        hint: suggestions.length ? undefined : `declare it with \`pool ${a.spec.pool} CIDR\``,
      },
    );
  }
}
