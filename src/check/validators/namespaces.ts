import type { Namespace } from "../../model/topology.js";
import type { CheckContext } from "../context.js";

/** A namespace declared twice (after expansion): both sites. */
export function duplicateNamespace(ns: Namespace, ctx: CheckContext): void {
  const first = ctx.namespaces.get(ns.name);
  if (!first || first === ns) return;
  ctx.accept(
    "NS307",
    ns.nameSpan,
    { name: ns.name },
    {
      related: [{ span: first.nameSpan, message: `\`${ns.name}\` is first declared here` }],
    },
  );
}
